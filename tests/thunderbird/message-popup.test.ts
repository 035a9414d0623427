import net from 'node:net';
import type { TestUser } from '../../server/src/test-support/test-context';
import { fakeDefaultBrowser } from './harness/default-browser';
import { thunderbirdTestMode } from './harness/e2e-environment';
import {
  type FixtureMail,
  loadFixtureMails,
  startThunderbirdSession,
  type ThunderbirdSession,
} from './harness/thunderbird-session';
import type { BulkJobView } from '../../thunderbird-extension/src/background/protocol';
import {
  clickMenuOnMessages,
  closeMessagePopup,
  inMessagePopup,
  messageButtonState,
  openMailInTab,
  openMessagePopup,
  showMailInThreePane,
  inExtensionPage,
} from './harness/thunderbird-ui';
import { eventually } from '../support/eventually';

// Real Thunderbird, real server: a mail opened, the inbox-crm button in its header clicked, and
// the popup's own UI driven — the sender's card, "Create opportunity" through the editable draft
// with team/stage/tags pickers, "Log to existing" through the search, "Add sender as contact",
// "Open in CRM" in the default browser. Outcomes are read from the server.

const mode = thunderbirdTestMode();
const describeInThunderbird = mode.run ? describe : describe.skip;
if (!mode.run) console.warn(mode.reason);

interface Created {
  id: string;
  name: string;
}

interface Lead {
  id: string;
  name: string;
  teamId: string | null;
  stageId: string | null;
  tagIds: string[];
  expectedRevenue: number;
  partnerId: string | null;
}

describeInThunderbird('Thunderbird: the message popup driven in the real client', () => {
  const mails = loadFixtureMails();
  const byFile = (file: string): FixtureMail => mails.find((mail) => mail.file === file)!;
  const browser = fakeDefaultBrowser();
  let session: ThunderbirdSession;
  let admin: TestUser;
  let team: Created;
  let proposal: Created;
  let tag: Created;
  let margaret: Created;
  let company: Created;
  let existingDeal: Created;
  let createdLeadId: string;

  const marionette = () => session.thunderbird.marionette;
  /** Text of the popup (or of one element in it) as the user sees it. */
  const popupText = (selector = 'body') =>
    inMessagePopup<string | null>(
      marionette(),
      'const element = document.querySelector(arguments[0]); return element ? element.textContent : null;',
      [selector],
    );
  const waitInPopup = (selector: string, what: string, contains?: string) =>
    eventually(async () => {
      const text = await popupText(selector);
      return text !== null && (!contains || text.includes(contains)) ? text : undefined;
    }, what);
  const click = (selector: string) =>
    inMessagePopup(
      marionette(),
      `const element = document.querySelector(arguments[0]);
       if (!element) throw new Error('nothing matches ' + arguments[0]);
       element.click();`,
      [selector],
    );
  /** Types into an input (or picks in a select) the way the browser reports it to the page. */
  const fill = (selector: string, value: string) =>
    inMessagePopup(
      marionette(),
      `const [selector, value] = arguments;
       const element = document.querySelector(selector);
       if (!element) throw new Error('nothing matches ' + selector);
       element.focus();
       element.value = value;
       element.dispatchEvent(new Event(element.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));`,
      [selector, value],
    );
  const post = async (path: string, body: unknown, as?: TestUser) => {
    const answer = as
      ? await session.crm.apiAs<Created>(as, 'POST', path, body)
      : await session.crm.api<Created>('POST', path, body);
    expect(answer.status).toBe(201);
    return answer.body;
  };

  beforeAll(async () => {
    session = await startThunderbirdSession({
      mailFolders: { Inbox: mails.map((mail) => mail.bytes) },
      homeFiles: browser.homeFiles,
    });
    // The CRM as an admin set it up: the salesperson's team with its pipeline, a lead tag.
    admin = await session.crm.createUser({ isAdmin: true, accessLevel: 'manager' });
    team = await post(
      '/teams',
      { name: 'Direct sales', members: [{ userId: session.crm.user.userId }] },
      admin,
    );
    await post('/teams', { name: 'Key accounts' }, admin);
    await post('/stages', { name: 'New', sequence: 1, teamIds: [team.id] }, admin);
    proposal = await post('/stages', { name: 'Proposal', sequence: 5, teamIds: [team.id] }, admin);
    tag = await post('/tags', { name: 'Office furniture' }, admin);
    // The sender is a known customer with an open deal and a planned call.
    company = await post('/partners', { name: 'Bluefin Logistics Ltd', isCompany: true });
    margaret = await post('/partners', {
      name: 'Margaret Lindqvist',
      email: 'margaret.lindqvist@bluefin-logistics.example.com',
      parentId: company.id,
    });
    existingDeal = await post('/leads', {
      type: 'opportunity',
      name: 'Bluefin warehouse desks',
      partnerId: margaret.id,
      expectedRevenue: 18000,
    });
    await post('/activities', {
      resModel: 'lead',
      resId: existingDeal.id,
      summary: 'Call Margaret about the desk samples',
      dateDeadline: '2026-12-03',
    });
  }, 240_000);

  afterAll(async () => {
    await session?.stop();
    browser.dispose();
  }, 60_000);

  it("shows the sender's card: contact, company, open opportunities and activities", async () => {
    await openMailInTab(marionette(), 'Inbox', byFile('rfq-office-chairs-en.eml').messageId!);
    expect((await messageButtonState(marionette())).badge).toBeNull();
    await openMessagePopup(marionette());

    const name = await waitInPopup('[data-testid="sender-name"]', 'the sender card');
    expect(name).toBe('Margaret Lindqvist');
    expect(await popupText('[data-testid="sender-company"]')).toBe('Bluefin Logistics Ltd');
    expect(await popupText('[data-testid="open-opportunities"]')).toContain(
      'Bluefin warehouse desks',
    );
    expect(await popupText('[data-testid="recent-activities"]')).toContain(
      'Call Margaret about the desk samples',
    );
    // Known sender: no "Add sender as contact"; this mail is not in the CRM yet.
    expect(await popupText('[data-action="add-contact"]')).toBeNull();
    expect(await popupText('[data-testid="already-in-crm"]')).toBeNull();
    // The links point at the console pages under the configured server.
    const links = await inMessagePopup<string[]>(
      marionette(),
      'return [...document.querySelectorAll("a[data-record]")].map((a) => a.href);',
    );
    expect(links).toEqual(
      expect.arrayContaining([
        `${session.crm.baseUrl}/contacts/${margaret.id}`,
        `${session.crm.baseUrl}/contacts/${company.id}`,
        `${session.crm.baseUrl}/leads/${existingDeal.id}`,
      ]),
    );
  });

  it('creates an opportunity from the edited draft in the picked team, stage and tags, with the .eml', async () => {
    await click('[data-action="create"]');
    // The user's team and its first stage are preselected once the lists arrive.
    await eventually(
      async () =>
        (await inMessagePopup<string | null>(
          marionette(),
          'return document.querySelector("select[name=teamId]")?.value ?? null;',
        )) === team.id || undefined,
      'the team picker with the user’s team',
    );
    expect(
      await inMessagePopup<string[]>(
        marionette(),
        'return [...document.querySelectorAll("select[name=stageId] option")].map((o) => o.textContent);',
      ),
    ).toEqual(['New', 'Proposal']);
    await fill('select[name="stageId"]', proposal.id);
    await click(`input[name="tagIds"][value="${tag.id}"]`);
    await fill('input[name="name"]', '120 ergonomic chairs for Bluefin');
    await fill('input[name="expectedRevenue"]', '36 000');
    await click('form.draft button[type="submit"]');

    const outcome = await waitInPopup('[data-testid="outcome"]', 'the result line');
    expect(outcome).toContain('Created: 120 ergonomic chairs for Bluefin');

    const leads = await session.crm.api<{ items: Lead[] }>('GET', '/leads?limit=100');
    const lead = leads.body.items.find(
      (candidate) => candidate.name === '120 ergonomic chairs for Bluefin',
    );
    expect(lead).toMatchObject({
      teamId: team.id,
      stageId: proposal.id,
      tagIds: [tag.id],
      expectedRevenue: 36000,
      partnerId: margaret.id,
    });
    createdLeadId = lead!.id;
    const attachments = await session.crm.api<{
      items: Array<{ id: string; contentType: string }>;
    }>('GET', `/leads/${lead!.id}/attachments`);
    const eml = attachments.body.items.find((item) =>
      item.contentType.startsWith('message/rfc822'),
    );
    const archived = await session.crm.download(`/attachments/${eml!.id}/content`);
    expect(archived.equals(byFile('rfq-office-chairs-en.eml').bytes)).toBe(true);

    // The popup reloads: this mail is now "already in the CRM", and the header button says so.
    const inCrm = await waitInPopup('[data-testid="already-in-crm"]', 'the already-in-CRM line');
    expect(inCrm).toContain('120 ergonomic chairs for Bluefin');
    expect(await messageButtonState(marionette())).toMatchObject({ badge: '✓' });
  });

  it('opens "already in CRM" in the default browser at the console page of the record', async () => {
    const before = browser.openedUrls().length;
    await click(`[data-testid="already-in-crm"] a[data-record="lead:${createdLeadId}"]`);
    const opened = await eventually(async () => {
      const urls = browser.openedUrls();
      return urls.length > before ? urls.slice(before) : undefined;
    }, 'the default browser to be asked to open the record');
    expect(opened).toEqual([`${session.crm.baseUrl}/leads/${createdLeadId}`]);
    await closeMessagePopup(marionette());
  });

  it('shows the badge when the mail is displayed again, without opening the popup', async () => {
    await openMailInTab(marionette(), 'Inbox', byFile('rfq-office-chairs-en.eml').messageId!);
    const state = await eventually(async () => {
      const current = await messageButtonState(marionette());
      // Badge and title are set one after the other: wait for both.
      return current.badge === '✓' && current.tooltip !== 'inbox-crm' ? current : undefined;
    }, 'the ✓ badge and its title');
    expect(state.tooltip).toBe('In the CRM: 120 ergonomic chairs for Bluefin');
  });

  it('logs another mail to an existing opportunity found through the search', async () => {
    const mail = byFile('oferta-ro.eml');
    await openMailInTab(marionette(), 'Inbox', mail.messageId!);
    await openMessagePopup(marionette());
    await waitInPopup('[data-action="log"]', 'the actions');
    await click('[data-action="log"]');
    await fill('section.picker input[type="search"]', 'Bluefin warehouse');
    await waitInPopup('section.picker ul', 'the search results', 'Bluefin warehouse desks');
    await inMessagePopup(
      marionette(),
      `const button = [...document.querySelectorAll('section.picker li button')]
         .find((candidate) => candidate.textContent.includes('Bluefin warehouse desks'));
       button.click();`,
    );
    expect(await waitInPopup('[data-testid="outcome"]', 'the result line')).toContain(
      'Logged on: Bluefin warehouse desks',
    );
    const messages = await session.crm.api<{
      items: Array<{ kind: string; messageId?: string | null }>;
    }>('GET', `/leads/${existingDeal.id}/messages`);
    expect(
      messages.body.items.filter(
        (message) => message.kind === 'email' && message.messageId === `<${mail.messageId}>`,
      ),
    ).toHaveLength(1);
    await closeMessagePopup(marionette());
  });

  it('adds an unknown sender as a contact, from the mail shown in the 3-pane view', async () => {
    await showMailInThreePane(marionette(), 'Inbox', byFile('inquiry-zh-cn.eml').messageId!);
    await openMessagePopup(marionette());
    await waitInPopup('[data-action="add-contact"]', 'the add-contact action');
    await click('[data-action="add-contact"]');
    await waitInPopup('[data-testid="outcome"]', 'the result line');

    const partners = await session.crm.api<{ items: Array<{ id: string; email: string }> }>(
      'GET',
      '/partners?search=wang.lei@huaxin-trading.example.cn',
    );
    expect(partners.body.items.map((partner) => partner.email)).toEqual([
      'wang.lei@huaxin-trading.example.cn',
    ]);
    // The reloaded card shows the new contact, linked, and no longer offers to add it.
    await eventually(
      async () => ((await popupText('[data-action="add-contact"]')) === null ? true : undefined),
      'the card to know the sender',
    );
    expect(await popupText('[data-testid="sender-name"]')).toBe('王磊');
    await closeMessagePopup(marionette());
  });

  it('keeps an action taken while the CRM is unreachable in the queue, shows it, and delivers it on "Retry now"', async () => {
    const mail = byFile('html-with-inline-image.eml');
    // The CRM goes away: the configured address now answers nothing.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const setServer = (serverUrl: string) =>
      session.control.run('request', { request: { type: 'options/save-server', serverUrl } });
    await setServer(`http://127.0.0.1:${closedPort}`);
    try {
      await openMailInTab(marionette(), 'Inbox', mail.messageId!);
      await openMessagePopup(marionette());
      await waitInPopup('[data-action="create"]', 'the actions');
      await click('[data-action="create"]');
      await waitInPopup('[data-testid="choices-error"]', 'the pickers to give up');
      await click('form.draft button[type="submit"]');
      await waitInPopup('.queued', 'the queued result');
      const queue = await waitInPopup('[data-testid="queue"]', 'the queue in the popup');
      expect(queue).toContain('1 action(s) waiting for the CRM server');
      expect(queue).toContain('Reception area seating for 3 clinics');
    } finally {
      await setServer(session.crm.baseUrl);
    }

    // Back online: the user retries from the popup (the timer would deliver it within a minute).
    if ((await popupText('[data-testid="queue"] button')) !== null)
      await click('[data-testid="queue"] button');
    await eventually(
      async () => ((await popupText('[data-testid="queue"]')) === null ? true : undefined),
      'the queue to empty',
    );
    const leads = await session.crm.api<{ items: Lead[] }>('GET', '/leads?limit=100');
    const lead = leads.body.items.find(
      (candidate) => candidate.name === 'Reception area seating for 3 clinics',
    );
    expect(lead).toBeDefined();
    const attachments = await session.crm.api<{
      items: Array<{ id: string; contentType: string }>;
    }>('GET', `/leads/${lead!.id}/attachments`);
    const eml = attachments.body.items.find((item) =>
      item.contentType.startsWith('message/rfc822'),
    );
    expect((await session.crm.download(`/attachments/${eml!.id}/content`)).equals(mail.bytes)).toBe(
      true,
    );
    await closeMessagePopup(marionette());
  });

  it('logs several selected mails to a record picked in the results window ("Log N mails to…")', async () => {
    const selection = [byFile('freemail-individual-en.eml'), byFile('forwarded-lead-en.eml')];
    const jobsBefore = await session.control.run<number>('bulkJobCount');
    const selected = await clickMenuOnMessages(
      marionette(),
      'Inbox',
      selection.map((mail) => mail.messageId!),
      'inbox-crm-log-mails',
      mails.length,
    );
    expect(selected).toBe(2);
    // The window asks where to log them: search, pick the opportunity.
    // null until the window has opened and shows `selector`.
    const bulkText = (selector: string) =>
      inExtensionPage<string | null>(
        marionette(),
        'bulk.html',
        'const element = document.querySelector(arguments[0]); return element ? element.textContent : null;',
        [selector],
      ).catch((error: Error) => {
        if (/no inbox-crm bulk\.html is open/.test(error.message)) return null;
        throw error;
      });
    await eventually(
      async () =>
        (await bulkText('section.picker input[type="search"]')) !== null ? true : undefined,
      'the record picker in the results window',
    );
    await inExtensionPage(
      marionette(),
      'bulk.html',
      `const input = document.querySelector('section.picker input[type="search"]');
       input.value = 'Bluefin warehouse';
       input.dispatchEvent(new Event('input', { bubbles: true }));`,
    );
    await eventually(
      async () =>
        (await bulkText('section.picker ul'))?.includes('Bluefin warehouse desks')
          ? true
          : undefined,
      'the search results in the results window',
    );
    await inExtensionPage(
      marionette(),
      'bulk.html',
      `[...document.querySelectorAll('section.picker li button')]
         .find((candidate) => candidate.textContent.includes('Bluefin warehouse desks'))
         .click();`,
    );
    const job = await session.control.run<BulkJobView | null>(
      'latestBulkJob',
      { knownJobs: jobsBefore, timeoutMs: 60_000 },
      90_000,
    );
    expect(job).toMatchObject({ kind: 'log', state: 'done', target: { resId: existingDeal.id } });
    expect(job!.items.map((item) => item.state)).toEqual(['logged', 'logged']);
    // Each result links to the record it went to.
    const links = await eventually(async () => {
      const hrefs = await inExtensionPage<string[]>(
        marionette(),
        'bulk.html',
        'return [...document.querySelectorAll("li a[data-record]")].map((a) => a.href);',
      );
      return hrefs.length === 2 ? hrefs : undefined;
    }, 'the linked results');
    expect(links).toEqual(Array(2).fill(`${session.crm.baseUrl}/leads/${existingDeal.id}`));

    const messages = await session.crm.api<{
      items: Array<{ kind: string; messageId?: string | null }>;
    }>('GET', `/leads/${existingDeal.id}/messages?limit=50`);
    const logged = messages.body.items.map((message) => message.messageId);
    for (const mail of selection) expect(logged).toContain(`<${mail.messageId}>`);
  });
});

import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../../server/src/db/test-database';
import { MessageModel } from '../../server/src/modules/messages/message.model';
import { createTestContext, type TestUser } from '../../server/src/test-support/test-context';
import { describeWithChromium, launchChromium, newIsolatedContext } from '../support/chromium';

/**
 * The console's record pages in Debian's Chromium against the real server: where the add-ins'
 * "Open in CRM" links land (/leads/:id, /contacts/:id). Mail HTML in the chatter must never run
 * anything, notes logged in the page reach the API, and a record the user may not see says so.
 * Screenshots go to artifacts/screenshots/console/ (ignored by git).
 */
const repositoryRoot = path.resolve(__dirname, '..', '..');
const screenshotDirectory = path.join(repositoryRoot, 'artifacts', 'screenshots', 'console');
const password = 'record-pages-e2e-password';

/** Every way a mail has tried to run script; each one would set window.__pwned. */
const hostileMailHtml = [
  '<p>Safe greeting from the fjord</p>',
  `<img src=x onerror="window.__pwned='img'">`,
  `<script>window.__pwned='script'</script>`,
  `<svg onload="window.__pwned='svg'"><circle r="1"></circle></svg>`,
  `<a href="javascript:window.__pwned='link'">harmless link text</a>`,
  `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
].join('');

useTestDatabase();

describeWithChromium('console record pages in Chromium', () => {
  const context = createTestContext();
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  let admin: TestUser;
  let seller: TestUser;
  let otherSeller: TestUser;
  let teamId: string;
  let partnerId: string;
  let leadId: string;

  const api = async <Body>(
    user: TestUser,
    method: 'get' | 'post',
    url: string,
    body?: unknown,
  ): Promise<Body> => {
    const request = context.request[method](`/api/v1${url}`).set(user.auth);
    const response = body === undefined ? await request : await request.send(body as object);
    if (response.status >= 300)
      throw new Error(
        `${method.toUpperCase()} ${url} → ${response.status} ${JSON.stringify(response.body)}`,
      );
    return response.body as Body;
  };

  /** Signs in, then follows a link as the add-ins' "Open in CRM" does (a full page load). */
  async function signIn(page: Page, login: string, landing: string): Promise<void> {
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('Login').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${baseUrl}${landing}`);
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repositoryRoot, 'server', 'console', 'dist', 'index.html'))) {
      throw new Error(
        'The console is not built: run `npm run build:assets` (npm test does it first)',
      );
    }
    fs.mkdirSync(screenshotDirectory, { recursive: true });
    admin = await context.createUser({
      isAdmin: true,
      accessLevel: 'manager',
      login: 'record-admin',
      name: 'Ada Admin',
      password,
    });
    seller = await context.createUser({
      accessLevel: 'own',
      login: 'record-seller',
      name: 'Sol Seller',
      password,
    });
    otherSeller = await context.createUser({
      accessLevel: 'own',
      login: 'record-other',
      name: 'Otto Other',
      password,
    });

    const team = await api<{ id: string }>(admin, 'post', '/teams', {
      name: 'Fjord Sales',
      members: [{ userId: seller.userId }, { userId: otherSeller.userId }],
    });
    teamId = team.id;
    await api(admin, 'post', '/stages', {
      name: 'New',
      sequence: 1,
      probability: 10,
      teamIds: [teamId],
    });
    await api(admin, 'post', '/stages', {
      name: 'Won',
      sequence: 9,
      probability: 100,
      isWon: true,
      teamIds: [teamId],
    });
    await api(admin, 'post', '/lost-reasons', { name: 'Too expensive' });
    const partner = await api<{ id: string }>(admin, 'post', '/partners', {
      name: 'Ingrid Fjord',
      email: 'ingrid@fjord-cabins.example',
      phone: '+47 22 00 00 00',
      jobPosition: 'Purchasing manager',
      city: 'Bergen',
      countryCode: 'NO',
      userId: seller.userId,
    });
    partnerId = partner.id;
    const lead = await api<{ id: string }>(admin, 'post', '/leads', {
      type: 'opportunity',
      name: 'Fjord cabins: 40 saunas',
      partnerId,
      userId: seller.userId,
      teamId,
      expectedRevenue: 48000,
      priority: '2',
    });
    leadId = lead.id;
    // Stays open all along; the first one is won on the way.
    await api(admin, 'post', '/leads', {
      type: 'opportunity',
      name: 'Fjord cabins: sauna service',
      partnerId,
      userId: seller.userId,
      teamId,
      expectedRevenue: 6000,
    });

    server = context.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('renders a hostile mail in the chatter as safe text: nothing runs, nothing dangerous reaches the DOM', async () => {
    const mail = await api<{ id: string }>(seller, 'post', `/leads/${leadId}/messages`, {
      kind: 'email',
      messageId: '<hostile-1@fjord-cabins.example>',
      subject: 'Re: saunas',
      bodyHtml: hostileMailHtml,
      emailFrom: 'Ingrid Fjord <ingrid@fjord-cabins.example>',
      emailTo: ['sol@inbox-crm.example'],
    });
    // The server sanitizes on write; store the raw payload behind its back so the page's own
    // sanitizer is what stands between the mail and the browser.
    await MessageModel.updateOne({ _id: mail.id }, { $set: { bodyHtml: hostileMailHtml } });

    const { context: browserContext, remoteRequests } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, 'record-seller', `/leads/${leadId}`);
    await page.getByRole('heading', { name: 'Fjord cabins: 40 saunas' }).waitFor();
    const body = page.locator(`[data-message-id="${mail.id}"] .mail-body`);
    await body.getByText('Safe greeting from the fjord').waitFor();
    await body.getByText('harmless link text').waitFor();
    // Give a late onerror/onload the chance to fire before asserting it did not.
    await page.waitForTimeout(300);

    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(
      await body.locator('script, iframe, svg, [onerror], [onload], a[href^="javascript"]').count(),
    ).toBe(0);
    expect(
      await body
        .locator('img')
        .evaluateAll((images) => images.map((image) => image.getAttribute('src'))),
    ).toEqual([null]);

    // The record's fields, with names resolved rather than ids.
    const fields = page.locator('.record-fields');
    await fields.getByRole('link', { name: 'Ingrid Fjord' }).waitFor();
    await fields.getByText('Sol Seller').waitFor();
    await fields.getByText('Fjord Sales').waitFor();
    await fields.getByText('New', { exact: true }).waitFor();
    expect(await page.getByTestId('lead-status').textContent()).toBe('In progress');
    expect(pageErrors).toEqual([]);
    expect(remoteRequests).toEqual([]);
    await page.screenshot({
      path: path.join(screenshotDirectory, 'lead-page.png'),
      fullPage: true,
    });
    await browserContext.close();
  });

  it('logs a note from the lead page that the API reads back, and refuses an empty one', async () => {
    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'record-seller', `/leads/${leadId}`);
    await page.getByRole('heading', { name: 'Fjord cabins: 40 saunas' }).waitFor();

    await page.getByRole('button', { name: 'Log note' }).click();
    await page.getByText('must not be empty').waitFor();

    await page
      .getByLabel('Note', { exact: true })
      .fill('Called Ingrid <b>today</b>.\nShe wants a demo & a quote.');
    await page.getByRole('button', { name: 'Log note' }).click();
    await page.getByText('Note logged.').waitFor();
    await page.getByTestId('chatter').getByText('She wants a demo & a quote.').waitFor();

    const chatter = await api<{
      items: Array<{ kind: string; bodyHtml: string; authorUserId?: string }>;
    }>(seller, 'get', `/leads/${leadId}/messages`);
    const note = chatter.items.find((message) => message.kind === 'note');
    expect(note?.authorUserId).toBe(seller.userId);
    // Typed text stays text: the angle brackets were escaped, not turned into markup.
    expect(note?.bodyHtml).toContain('Called Ingrid &lt;b&gt;today&lt;/b&gt;.');
    expect(note?.bodyHtml).toContain('She wants a demo &amp; a quote.');
    await browserContext.close();
  });

  it('marks the lead won, lost with a reason, and restores it; tracked changes show as text', async () => {
    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'record-seller', `/leads/${leadId}`);
    await page.getByRole('heading', { name: 'Fjord cabins: 40 saunas' }).waitFor();

    await page.getByRole('button', { name: 'Mark won' }).click();
    await page.getByText('Marked won.').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="lead-status"]')?.textContent === 'Won',
    );
    expect(
      await api<{ wonStatus: string; probability: number }>(admin, 'get', `/leads/${leadId}`),
    ).toMatchObject({ wonStatus: 'won', probability: 100 });
    // The stage change arrives in the chatter as "Stage: New → Won", plain text.
    await page
      .getByTestId('chatter')
      .locator('.tracking-list li', { hasText: '→ Won' })
      .first()
      .waitFor();

    await page.getByRole('button', { name: 'Mark lost' }).click();
    await page.getByLabel('Lost reason').selectOption({ label: 'Too expensive' });
    await page.getByLabel('Closing note').fill('Budget cut.');
    await page.getByRole('dialog').getByRole('button', { name: 'Mark lost' }).click();
    await page.getByText('Marked lost.').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="lead-status"]')?.textContent === 'Lost',
    );
    await page.locator('.record-fields').getByText('Lost (Too expensive)').waitFor();
    expect(
      await api<{ active: boolean; wonStatus: string }>(admin, 'get', `/leads/${leadId}`),
    ).toMatchObject({ active: false, wonStatus: 'lost' });

    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByText('Restored.').waitFor();
    await page.getByRole('button', { name: 'Mark lost' }).waitFor();
    expect(await api<{ active: boolean }>(admin, 'get', `/leads/${leadId}`)).toMatchObject({
      active: true,
    });
    await browserContext.close();
  });

  it('lists the activities and attachments of the lead; a download link serves the file to the signed-in user', async () => {
    const upload = await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(seller.auth)
      .attach('file', Buffer.from('40 saunas, delivery in May'), {
        filename: 'sauna-quote.txt',
        contentType: 'text/plain',
      });
    expect(upload.status).toBe(201);
    await api(seller, 'post', `/leads/${leadId}/messages`, {
      kind: 'email',
      messageId: '<quote-1@fjord-cabins.example>',
      subject: 'Our quote',
      bodyHtml: '<p>Quote attached.</p>',
      emailFrom: 'ingrid@fjord-cabins.example',
      attachmentIds: [upload.body.id],
    });
    await api(seller, 'post', '/activities', {
      resModel: 'lead',
      resId: leadId,
      summary: 'Call Ingrid about the demo',
      dateDeadline: '2099-01-15',
    });

    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'record-seller', `/leads/${leadId}`);
    await page.getByText('Call Ingrid about the demo').waitFor();
    const download = page
      .getByRole('region', { name: 'Attachments' })
      .getByRole('link', { name: 'sauna-quote.txt' });
    await download.waitFor();
    // The same file is linked from the mail that carried it.
    await page.getByTestId('chatter').getByRole('link', { name: 'sauna-quote.txt' }).waitFor();
    const href = (await download.getAttribute('href')) ?? '';
    expect(href).toBe(`/api/v1/attachments/${upload.body.id}/content`);
    const content = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    expect(content).toBe('40 saunas, delivery in May');
    await browserContext.close();
  });

  it("tells an own-leads user that a colleague's lead is not found or not visible, and shows none of their opportunities on a contact", async () => {
    const direct = await context.request.get(`/api/v1/leads/${leadId}`).set(otherSeller.auth);
    expect(direct.status).toBe(404);

    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'record-other', `/leads/${leadId}`);
    await page.getByTestId('record-not-found').waitFor();
    expect(await page.getByTestId('record-not-found').textContent()).toBe(
      'This record does not exist or is not visible to you.',
    );
    expect(await page.getByText('Fjord cabins: 40 saunas').count()).toBe(0);
    expect(await page.getByTestId('chatter').count()).toBe(0);

    // Contacts are shared by every user (as in Odoo); the colleague's opportunities on them are not.
    const contact = await context.request
      .get(`/api/v1/partners/${partnerId}`)
      .set(otherSeller.auth);
    expect(contact.status).toBe(200);
    await page.goto(`${baseUrl}/contacts/${partnerId}`);
    await page.getByRole('heading', { name: 'Ingrid Fjord' }).waitFor();
    await page.getByText('No open opportunities.').waitFor();
    // Not an admin, yet the salesperson is named (the users directory), not shown as an id.
    await page.locator('.record-fields').getByText('Sol Seller', { exact: true }).waitFor();
    expect(await page.locator('.record-fields').getByText(seller.userId).count()).toBe(0);
    await page.goto(`${baseUrl}/contacts/6650f0c2a1b2c3d4e5f60719`);
    await page.getByTestId('record-not-found').waitFor();
    await page.screenshot({
      path: path.join(screenshotDirectory, 'record-not-visible.png'),
      fullPage: true,
    });
    await browserContext.close();
  });

  it('opens the contact page with its open opportunities and logs a note there; kanban cards link to the lead', async () => {
    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'record-seller', `/pipeline?team=${teamId}`);
    await page.getByRole('link', { name: 'Fjord cabins: 40 saunas' }).click();
    await page.getByRole('heading', { name: 'Fjord cabins: 40 saunas' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/leads/${leadId}`);

    await page.locator('.record-fields').getByRole('link', { name: 'Ingrid Fjord' }).click();
    await page.getByRole('heading', { name: 'Ingrid Fjord' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/contacts/${partnerId}`);
    await page.getByText('ingrid@fjord-cabins.example').waitFor();
    await page.getByText('Purchasing manager').waitFor();
    // The first lead was won by an earlier test: only the other one is still open.
    const opportunities = page.getByTestId('contact-opportunities');
    await opportunities.getByRole('link', { name: 'Fjord cabins: sauna service' }).waitFor();
    expect(await opportunities.getByRole('link').allTextContents()).toEqual([
      'Fjord cabins: sauna service',
    ]);

    await page.getByLabel('Note', { exact: true }).fill('Prefers calls after 14:00.');
    await page.getByRole('button', { name: 'Log note' }).click();
    await page.getByTestId('chatter').getByText('Prefers calls after 14:00.').waitFor();
    const chatter = await api<{ items: Array<{ kind: string; bodyHtml: string }> }>(
      seller,
      'get',
      `/partners/${partnerId}/messages`,
    );
    expect(
      chatter.items.some(
        (message) =>
          message.kind === 'note' && message.bodyHtml.includes('Prefers calls after 14:00.'),
      ),
    ).toBe(true);
    await page.screenshot({
      path: path.join(screenshotDirectory, 'contact-page.png'),
      fullPage: true,
    });
    await browserContext.close();
  });
  it('resolves address-book sync conflicts from the contact page and from the conflicts list', async () => {
    // The seller's Thunderbird changed Ingrid's job title and city while the CRM changed them too.
    const pushAs = async (changes: unknown[]) =>
      api<{ results: Array<{ status: string; conflicts?: Array<{ id: string; path: string }> }> }>(
        seller,
        'post',
        '/sync/contacts',
        { clientId: 'sol-thunderbird', host: 'thunderbird', device: "Sol's laptop", changes },
      );
    // The seller's address book is in sync: the version its copy of Ingrid is based on.
    type FeedPage = {
      changes: Array<{ id: string; version: number }>;
      nextToken: string;
      hasMore: boolean;
    };
    let feed = await api<FeedPage>(seller, 'get', '/sync/contacts');
    let version = feed.changes.find((change) => change.id === partnerId)?.version;
    while (feed.hasMore) {
      feed = await api<FeedPage>(seller, 'get', `/sync/contacts?token=${feed.nextToken}`);
      version = feed.changes.find((change) => change.id === partnerId)?.version ?? version;
    }
    expect(version).toBeGreaterThan(0);
    const tokenBefore = feed.nextToken;
    const before = await api<{ jobPosition: string; city: string }>(
      seller,
      'get',
      `/partners/${partnerId}`,
    );
    await context.request
      .patch(`/api/v1/partners/${partnerId}`)
      .set(admin.auth)
      .send({ jobPosition: 'Head of purchasing', city: 'Oslo' })
      .expect(200);
    const pushed = await pushAs([
      {
        changeId: 'e2e-conflict-0001',
        op: 'update',
        id: partnerId,
        baseVersion: version,
        fields: {
          jobPosition: { value: 'Sauna buyer', base: before.jobPosition },
          city: { value: 'Stavanger', base: before.city },
        },
      },
    ]);
    const conflicts = pushed.results[0]!.conflicts!;
    expect(conflicts.map((conflict) => conflict.path).sort()).toEqual(['city', 'jobPosition']);
    const jobConflict = conflicts.find((conflict) => conflict.path === 'jobPosition')!;
    const cityConflict = conflicts.find((conflict) => conflict.path === 'city')!;

    const { context: browserContext, remoteRequests } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, 'record-seller', `/contacts/${partnerId}`);
    const panel = page.getByTestId('contact-conflicts');
    await panel.getByRole('heading', { name: 'Open sync conflicts' }).waitFor();
    const jobRow = panel.locator(`tr[data-conflict-id="${jobConflict.id}"]`);
    await jobRow.getByText('Job position').waitFor();
    expect(await jobRow.getByTestId('conflict-crm-value').textContent()).toBe('Head of purchasing');
    expect(await jobRow.getByTestId('conflict-device-value').textContent()).toBe('Sauna buyer');
    await jobRow.getByText("Thunderbird · Sol's laptop").waitFor();
    await page.screenshot({
      path: path.join(screenshotDirectory, 'contact-sync-conflicts.png'),
      fullPage: true,
    });

    await jobRow.getByRole('button', { name: 'Use device value' }).click();
    await panel.getByText('The device value was applied').waitFor();
    await jobRow.waitFor({ state: 'detached' });
    // The record shows the applied value, the chatter says who resolved it.
    await page.locator('.record-fields').getByText('Sauna buyer').waitFor();
    await page.getByTestId('chatter').getByText('Sol Seller resolved the sync conflict').waitFor();

    const stored = await api<{ jobPosition: string; city: string }>(
      admin,
      'get',
      `/partners/${partnerId}`,
    );
    expect(stored).toMatchObject({ jobPosition: 'Sauna buyer', city: 'Oslo' });
    const afterFeed = await api<{
      changes: Array<{ id: string; contact?: { jobPosition: string | null } }>;
    }>(seller, 'get', `/sync/contacts?token=${tokenBefore}`);
    expect(afterFeed.changes.find((change) => change.id === partnerId)?.contact?.jobPosition).toBe(
      'Sauna buyer',
    );

    // The list of every open conflict, reached from the navigation.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sync conflicts' })
      .click();
    await page.getByRole('heading', { name: 'Address-book sync conflicts' }).waitFor();
    const cityRow = page.locator(`tr[data-conflict-id="${cityConflict.id}"]`);
    await cityRow.getByRole('link', { name: 'Ingrid Fjord' }).waitFor();
    expect(await cityRow.getByTestId('conflict-device-value').textContent()).toBe('Stavanger');
    await cityRow.getByRole('button', { name: 'Keep CRM value' }).click();
    await page.getByText('The CRM value was kept.').waitFor();
    await page.getByText('No open sync conflicts.').waitFor();

    const open = await api<{ items: Array<{ id: string }> }>(seller, 'get', '/sync/conflicts');
    expect(open.items).toEqual([]);
    expect((await api<{ city: string }>(admin, 'get', `/partners/${partnerId}`)).city).toBe('Oslo');
    const again = await context.request
      .post(`/api/v1/sync/conflicts/${cityConflict.id}/resolve`)
      .set(seller.auth)
      .send({ resolution: 'use-device' });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({
      resolution: 'keep-crm',
      resolvedBy: seller.userId,
    });
    expect(pageErrors).toEqual([]);
    expect(remoteRequests).toEqual([]);
    await page.screenshot({
      path: path.join(screenshotDirectory, 'sync-conflicts-page.png'),
      fullPage: true,
    });
    await browserContext.close();
  });
});

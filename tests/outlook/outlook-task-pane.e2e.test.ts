import { AxeBuilder } from '@axe-core/playwright';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { connectTestDatabase, type TestDatabase } from '../../server/src/db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../server/src/test-support/test-context';
import { describeWithChromium, launchChromium } from '../support/chromium';
import { outlookTestFixtures, sharedMailFixtures } from './support/fake-mail-data';
import {
  openTaskPane,
  startPaneServer,
  unexpectedRemoteRequests,
  type OpenPaneOptions,
  type PaneServer,
} from './support/outlook-harness';
import { ensureTaskPaneBuilt } from './support/task-pane-build';

const mail = (file: string) => path.join(sharedMailFixtures, file);
const rfq = mail('rfq-office-chairs-en.eml');
const reply = mail('rfq-reply-thread-en.eml');
const freemail = mail('freemail-individual-en.eml');
const chinese = mail('inquiry-zh-cn.eml');
const romanian = mail('oferta-ro.eml');
const noMessageId = mail('no-message-id.eml');
const payloads = path.join(outlookTestFixtures, 'script-payloads.eml');

interface LeadRow {
  id: string;
  name: string;
  partnerName: string;
}

// testTimeout is a global jest option (ignored per project): real-browser tests set their own.
jest.setTimeout(180_000);

describeWithChromium(
  'Outlook task pane in Chromium, with the real office.js and the CRM server',
  () => {
    let database: TestDatabase;
    let crm: TestContext;
    let user: TestUser;
    let server: PaneServer;
    let browser: Browser;
    const opened: { close(): Promise<void> }[] = [];

    beforeAll(async () => {
      await ensureTaskPaneBuilt();
      database = await connectTestDatabase();
      crm = createTestContext();
      user = await crm.createUser({ accessLevel: 'all', name: 'Sofia Marin', login: 'sofia' });
      server = await startPaneServer(crm.app);
      browser = await launchChromium();
    }, 120_000);

    afterEach(async () => {
      for (const context of opened.splice(0)) await context.close();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await database?.disconnect();
    });

    async function open(options: OpenPaneOptions & { signedIn?: boolean }) {
      const pane = await openTaskPane(browser, server.origin, {
        apiToken: options.signedIn === false ? undefined : user.token,
        ...options,
      });
      opened.push(pane.context);
      pane.page.setDefaultTimeout(45_000);
      return pane;
    }

    async function leads(search: string): Promise<LeadRow[]> {
      const response = await crm.request
        .get('/api/v1/leads')
        .query({ search, limit: 50 })
        .set(user.auth)
        .expect(200);
      return (response.body as { items: LeadRow[] }).items;
    }

    async function messagesOf(
      resModel: 'leads' | 'partners',
      id: string,
    ): Promise<{ messageId?: string; subject?: string }[]> {
      const response = await crm.request
        .get(`/api/v1/${resModel}/${id}/messages`)
        .set(user.auth)
        .expect(200);
      return (response.body as { items: { messageId?: string; subject?: string }[] }).items;
    }

    async function expectCleanPage(pane: {
      page: Page;
      problems: string[];
      remoteRequests: string[];
    }) {
      expect(pane.problems).toEqual([]);
      expect(unexpectedRemoteRequests(pane.remoteRequests)).toEqual([]);
    }

    test('the API token typed in the pane is checked by the server; a malformed one is refused before', async () => {
      const pane = await open({ mails: [rfq], signedIn: false });
      const { page } = pane;
      await page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
      await page.getByLabel('Personal API token').fill('icrm_not-a-token');
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByText('This is not an inbox-crm API token').waitFor();
      await page.getByLabel('Personal API token').fill(user.token);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByRole('heading', { name: 'Sender' }).waitFor();
      expect(await page.locator('#app').getAttribute('data-state')).toBe('ready');
      const saved = await page.evaluate(
        () =>
          (window as unknown as { __fakeOutlook: { roaming: Record<string, unknown> } })
            .__fakeOutlook.roaming,
      );
      expect(saved).toEqual({ inboxCrmApiToken: user.token });
      await expectCleanPage(pane);
    });

    test('Create opportunity: prefilled, edited, archived with the .eml; a second run creates nothing new', async () => {
      const first = await open({ mails: [rfq] });
      await first.page.getByText('This sender is not in the CRM yet.').waitFor();
      await first.page.getByRole('button', { name: 'Create opportunity' }).click();
      const form = first.page.getByRole('form', { name: 'Create opportunity' });
      expect(await form.getByLabel('Opportunity name').inputValue()).toBe(
        'Request for quotation: 120 ergonomic office chairs',
      );
      await form.getByLabel('Expected revenue').fill('18400');
      await form.getByRole('button', { name: 'Create' }).click();
      await first.page
        .getByText('Opportunity created: Request for quotation: 120 ergonomic office chairs')
        .waitFor();
      await expectCleanPage(first);

      const created = await leads('Request for quotation');
      expect(created).toHaveLength(1);
      const lead = created[0]!;
      const detail = (await crm.request.get(`/api/v1/leads/${lead.id}`).set(user.auth).expect(200))
        .body as { expectedRevenue: number };
      expect(detail.expectedRevenue).toBe(18400);
      const chatter = await messagesOf('leads', lead.id);
      expect(chatter.map((message) => message.messageId)).toContain(
        '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
      );
      const attachments = (
        await crm.request.get(`/api/v1/leads/${lead.id}/attachments`).set(user.auth).expect(200)
      ).body as { items: { fileName: string }[] };
      expect(attachments.items.map((attachment) => attachment.fileName)).toEqual(
        expect.arrayContaining(['RFQ-BL-2026-118.pdf']),
      );

      // The pane opened again on the same mail shows it is in the CRM, and creating again is a no-op.
      const second = await open({ mails: [rfq] });
      await second.page
        .getByText(
          'This mail is already in the CRM: Request for quotation: 120 ergonomic office chairs',
        )
        .first()
        .waitFor();
      await second.page.getByRole('button', { name: 'Create opportunity' }).click();
      await second.page
        .getByRole('form', { name: 'Create opportunity' })
        .getByRole('button', { name: 'Create' })
        .click();
      await second.page
        .getByRole('status')
        .filter({ hasText: 'already in the CRM' })
        .first()
        .waitFor();
      expect(await leads('Request for quotation')).toHaveLength(1);
      await expectCleanPage(second);
    });

    test('Log to existing: the reply is found in the thread and logged to the opportunity, once', async () => {
      const [lead] = await leads('Request for quotation');
      expect(lead).toBeDefined();
      for (let run = 0; run < 2; run += 1) {
        const pane = await open({ mails: [reply] });
        await pane.page
          .getByText('Another mail of this conversation is in the CRM')
          .or(pane.page.getByText('This mail is already in the CRM'))
          .first()
          .waitFor();
        await pane.page.getByRole('button', { name: 'Log to existing' }).click();
        await pane.page
          .getByRole('searchbox', { name: 'Search opportunities and contacts' })
          .fill('Request for quotation');
        await pane.page.getByRole('button', { name: 'Search', exact: true }).click();
        await pane.page
          .getByRole('button', {
            name: 'Log here: Request for quotation: 120 ergonomic office chairs',
          })
          .click();
        const expected =
          run === 0 ? 'Mail logged to Request for quotation' : 'This mail is already in the CRM';
        await pane.page.getByText(expected).first().waitFor();
        await expectCleanPage(pane);
      }
      const chatter = await messagesOf('leads', lead!.id);
      const replies = chatter.filter(
        (message) =>
          message.messageId?.includes('bluefin-logistics.example.com') &&
          message.messageId !== '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
      );
      expect(replies).toHaveLength(1);
    });

    test('Add sender as contact: a free-mail sender becomes a contact without a company "Gmail"', async () => {
      const pane = await open({ mails: [freemail] });
      await pane.page.getByRole('button', { name: 'Add sender as contact' }).click();
      await pane.page.getByText('Jordan Whitfield was added as a contact.').waitFor();
      // The card reloads: the sender is known now, so the button goes away.
      await pane.page
        .getByRole('button', { name: 'Add sender as contact' })
        .waitFor({ state: 'detached' });
      await pane.page
        .getByText('This sender is not in the CRM yet.')
        .waitFor({ state: 'detached' });
      const partners = (
        await crm.request
          .get('/api/v1/partners')
          .query({ search: 'jordan.whitfield84@gmail.com' })
          .set(user.auth)
          .expect(200)
      ).body as {
        items: { name: string; email: string; companyName: string }[];
      };
      expect(partners.items).toEqual([
        expect.objectContaining({
          name: 'Jordan Whitfield',
          email: 'jordan.whitfield84@gmail.com',
          companyName: '',
        }),
      ]);
      await expectCleanPage(pane);
    });

    test('multi-select: one opportunity per mail with progress and per-mail results; a second run reports duplicates', async () => {
      for (let run = 0; run < 2; run += 1) {
        const pane = await open({ mails: [chinese, romanian, noMessageId], initialIndex: 0 });
        await pane.page.getByRole('heading', { name: 'Sender' }).waitFor();
        await pane.page.evaluate(() =>
          (
            window as unknown as { __fakeOutlook: { select(indices: number[]): void } }
          ).__fakeOutlook.select([0, 1, 2]),
        );
        await pane.page.getByRole('heading', { name: '3 messages selected' }).waitFor();
        await pane.page.getByRole('button', { name: 'Start', exact: true }).click();
        await pane.page.getByText('3 of 3 done').waitFor();
        const statuses = await pane.page
          .locator('li[data-status]')
          .evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
        expect(statuses).toEqual(
          run === 0
            ? ['created', 'created', 'created']
            : ['already-in-crm', 'already-in-crm', 'already-in-crm'],
        );
        const calls = await pane.page.evaluate(
          () => (window as unknown as { __fakeOutlook: { calls: string[] } }).__fakeOutlook.calls,
        );
        // One selected item loaded at a time, each unloaded before the next.
        const loads = calls.filter(
          (call) => call.startsWith('loadItemByIdAsync') || call.startsWith('unloadAsync'),
        );
        expect(loads.map((call) => call.split(':')[0])).toEqual([
          'loadItemByIdAsync',
          'unloadAsync',
          'loadItemByIdAsync',
          'unloadAsync',
          'loadItemByIdAsync',
          'unloadAsync',
        ]);
        await expectCleanPage(pane);
      }
      expect(await leads('询价')).toHaveLength(1);
      expect(await leads('Cerere de ofertă')).toHaveLength(1);
      expect(await leads('Quote for 40 student lockers')).toHaveLength(1);
    });

    test('multi-select: all mails logged to one record', async () => {
      const [lead] = await leads('Quote for 40 student lockers');
      const pane = await open({ mails: [rfq, freemail], initialIndex: 0 });
      await pane.page.getByRole('heading', { name: 'Sender' }).waitFor();
      await pane.page.evaluate(() =>
        (
          window as unknown as { __fakeOutlook: { select(indices: number[]): void } }
        ).__fakeOutlook.select([0, 1]),
      );
      await pane.page.getByLabel('Log all to one record').check();
      await pane.page
        .getByRole('searchbox', { name: 'Search opportunities and contacts' })
        .fill('Quote for 40');
      await pane.page.getByRole('button', { name: 'Search', exact: true }).click();
      await pane.page
        .getByRole('button', { name: 'Log here: Quote for 40 student lockers' })
        .click();
      await pane.page.getByRole('button', { name: 'Start', exact: true }).click();
      await pane.page.getByText('2 of 2 done').waitFor();
      const statuses = await pane.page
        .locator('li[data-status]')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
      expect(statuses).toEqual(['logged', 'logged']);
      const ids = (await messagesOf('leads', lead!.id)).map((message) => message.messageId);
      expect(ids).toEqual(
        expect.arrayContaining(['<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>']),
      );
      await expectCleanPage(pane);
    });

    test('an older Outlook (Mailbox 1.12): no multi-select, the mail is rebuilt and the pane says what it could not archive', async () => {
      const pane = await open({
        mails: [mail('html-with-inline-image.eml'), rfq],
        sets: { Mailbox: '1.12' },
      });
      await pane.page.getByRole('button', { name: 'Create opportunity' }).click();
      await pane.page
        .getByRole('form', { name: 'Create opportunity' })
        .getByRole('button', { name: 'Create' })
        .click();
      await pane.page
        .getByText('Opportunity created: Reception area seating for 3 clinics')
        .waitFor();
      await pane.page.getByText('Your Outlook cannot export the whole message').waitFor();
      const calls = await pane.page.evaluate(
        () => (window as unknown as { __fakeOutlook: { calls: string[] } }).__fakeOutlook.calls,
      );
      expect(calls).not.toContain('addHandlerAsync:olkSelectedItemsChanged');
      expect(calls.some((call) => call.startsWith('getAsFileAsync'))).toBe(false);
      const [lead] = await leads('Reception area seating');
      expect((await messagesOf('leads', lead!.id)).map((message) => message.messageId)).toContain(
        '<1e8b3c5d4f2a4b7e9c016d2e8f7a3b90@northgate-dental.example.com>',
      );
      await expectCleanPage(pane);
    });

    test('a mail carrying script payloads in its subject, sender name and HTML executes nothing', async () => {
      const pane = await open({ mails: [payloads] });
      const { page } = pane;
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByRole('button', { name: 'Create opportunity' }).click();
      const name = page
        .getByRole('form', { name: 'Create opportunity' })
        .getByLabel('Opportunity name');
      expect(await name.inputValue()).toBe(
        'Quote <script>window.__xss=2</script> for <img src=x onerror=window.__xss=3> desks',
      );
      await page
        .getByRole('form', { name: 'Create opportunity' })
        .getByRole('button', { name: 'Create' })
        .click();
      await page.getByText('Opportunity created: Quote <script>').waitFor();
      // Switch away and back: the card now renders the stored (hostile) names from the server.
      await page.evaluate(() =>
        (
          window as unknown as { __fakeOutlook: { select(indices: number[]): void } }
        ).__fakeOutlook.select([0]),
      );
      await page.getByText('This mail is already in the CRM').first().waitFor();
      expect(
        await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
      ).toBeUndefined();
      expect(await page.locator('#app script, #app img, #app svg, #app iframe').count()).toBe(0);
      expect(dialogs).toEqual([]);
      await expectCleanPage(pane);
    });

    test('"Open in CRM" hands console links to Outlook (openBrowserWindow) where it can, else opens them as links', async () => {
      // The opportunity "Create opportunity" made from this mail above.
      const [lead] = await leads('Request for quotation: 120 ergonomic office chairs');
      const partners = await crm.request
        .get('/api/v1/partners')
        .query({ search: 'margaret.lindqvist@bluefin-logistics.example.com' })
        .set(user.auth)
        .expect(200);
      const sender = (partners.body as { items: { id: string; name: string }[] }).items[0]!;
      const openedUrls = (page: Page) =>
        page.evaluate(
          () =>
            (window as unknown as { __fakeOutlook: { openedBrowserUrls: string[] } }).__fakeOutlook
              .openedBrowserUrls,
        );

      const desktop = await open({
        mails: [rfq],
        sets: { Mailbox: '1.15', DialogApi: '1.2', OpenBrowserWindowApi: '1.1' },
      });
      const leadLink = desktop.page
        .getByRole('link', { name: `Open ${lead!.name} in the CRM` })
        .first();
      await leadLink.click();
      await desktop.page
        .getByRole('link', { name: `Open ${sender.name} in the CRM` })
        .first()
        .click();
      expect(await openedUrls(desktop.page)).toEqual([
        `${server.origin}/leads/${lead!.id}`,
        `${server.origin}/contacts/${sender.id}`,
      ]);
      expect(desktop.context.pages()).toHaveLength(1);
      await expectCleanPage(desktop);

      // Without the API (Outlook on the web before 1.1 of the set): a plain new-tab link.
      const web = await open({ mails: [rfq] });
      const link = web.page.getByRole('link', { name: `Open ${lead!.name} in the CRM` }).first();
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      const tab = web.context.waitForEvent('page');
      await link.click();
      expect((await tab).url()).toBe(`${server.origin}/leads/${lead!.id}`);
      expect(await openedUrls(web.page)).toEqual([]);
    });

    test('accessible: no axe (WCAG 2.1 A/AA) violations on sign-in, sender card, draft form and settings; usable by keyboard', async () => {
      const wcag = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
      const violations = async (page: Page) => {
        // office.js's (blocked) telemetry frame is not ours.
        const result = await new AxeBuilder({ page }).withTags(wcag).exclude('iframe').analyze();
        // Axe really looked at the pane (labels, names, contrast … passed, not skipped).
        expect(result.passes.map((rule) => rule.id)).toEqual(
          expect.arrayContaining(['button-name', 'color-contrast']),
        );
        return result.violations.map(
          (violation) =>
            `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
        );
      };
      const signIn = await open({ mails: [freemail], signedIn: false });
      await signIn.page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
      expect(await violations(signIn.page)).toEqual([]);

      const { page } = await open({ mails: [freemail] });
      await page.getByRole('heading', { name: 'Sender' }).waitFor();
      expect(await violations(page)).toEqual([]);

      // Keyboard only: Tab reaches the actions in order, Enter opens the draft form.
      const reached: string[] = [];
      for (let step = 0; step < 12 && !reached.includes('Create opportunity'); step += 1) {
        await page.keyboard.press('Tab');
        reached.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
      }
      expect(reached).toContain('Settings');
      expect(reached.at(-1)).toBe('Create opportunity');
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: 'Create opportunity' });
      await form.getByLabel('Opportunity name').waitFor();
      expect(await violations(page)).toEqual([]);
      await form.getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: 'Settings' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Outlook contact sync' }).waitFor();
      await page.getByText('This CRM server has no Microsoft 365 connection').waitFor();
      expect(await violations(page)).toEqual([]);
    });

    test('zh-CN Outlook gets the pane in Chinese, and the pinned pane follows the selected mail', async () => {
      const pane = await open({ mails: [chinese, romanian], displayLanguage: 'zh-CN' });
      await pane.page.getByRole('heading', { name: '发件人' }).waitFor();
      await pane.page.getByText('wang.lei@huaxin-trading.example.cn').waitFor();
      await pane.page.evaluate(() =>
        (
          window as unknown as { __fakeOutlook: { select(indices: number[]): void } }
        ).__fakeOutlook.select([1]),
      );
      await pane.page.getByText('stefania.dumitrescu@carpatica.example.ro').waitFor();
      await pane.page.evaluate(() =>
        (
          window as unknown as { __fakeOutlook: { select(indices: number[]): void } }
        ).__fakeOutlook.select([]),
      );
      await pane.page.getByText('选择一封邮件以查看发件人在 CRM 中的信息。').waitFor();
      await expectCleanPage(pane);
    });
  },
);

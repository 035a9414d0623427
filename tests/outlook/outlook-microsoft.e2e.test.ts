import { AxeBuilder } from '@axe-core/playwright';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectTestDatabase, type TestDatabase } from '../../server/src/db/test-database';
import { FakeEntraObo } from '../../server/src/modules/graph-contact-sync/__fakes__/fake-entra-obo';
import { FakeGraph } from '../../server/src/modules/graph-contact-sync/__fakes__/fake-graph';
import { OutlookSyncAccountModel } from '../../server/src/modules/graph-contact-sync/graph-contact-sync.model';
import {
  FakeEntra,
  fakeEntraUser,
  type FakeEntraUser,
} from '../../server/src/test-support/fake-entra/fake-entra';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../server/src/test-support/test-context';
import { describeWithChromium, launchChromium } from '../support/chromium';
import { EntraFront } from './support/entra-front';
import { sharedMailFixtures } from './support/fake-mail-data';
import {
  openTaskPane,
  startPaneServer,
  unexpectedRemoteRequests,
  type OpenPaneOptions,
  type PaneServer,
} from './support/outlook-harness';
import { ensureTaskPaneBuilt } from './support/task-pane-build';

const rfq = path.join(sharedMailFixtures, 'rfq-office-chairs-en.eml');
const tenant = '5f3c1a2b-8d4e-4f60-9a7b-1c2d3e4f5a6b';
// The API's app registration, which the add-in also signs in with (GET /auth/methods).
const apiClientId = '0d9e8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
const clientSecret = 'e2e-client-secret-value';

jest.setTimeout(180_000);

/**
 * The Outlook pane's Microsoft paths in Chromium, with the real office.js, the real MSAL.js (the
 * Office dialog fallback's redirect flow) and the real server: the Entra fakes the server tests use
 * answer for login.microsoftonline.com, and the fake Microsoft Graph holds the mailbox.
 */
describeWithChromium('Outlook pane: Microsoft sign-in and Outlook contact sync', () => {
  let database: TestDatabase;
  let crm: TestContext;
  let user: TestUser;
  let entra: FakeEntra;
  let obo: FakeEntraObo;
  let front: EntraFront;
  let graph: FakeGraph;
  let server: PaneServer;
  let browser: Browser;
  let person: FakeEntraUser;
  const opened: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    await ensureTaskPaneBuilt();
    database = await connectTestDatabase();
    graph = await FakeGraph.start();
    entra = await FakeEntra.start();
    obo = await FakeEntraObo.start({
      clientId: apiClientId,
      clientSecret,
      onAccessToken: (token, owner) => graph.acceptToken(token, owner),
    });
    front = await EntraFront.start({ entraUrl: entra.url, oboUrl: obo.url });
    crm = createTestContext({
      env: {
        ENTRA_TENANT_ID: tenant,
        ENTRA_CLIENT_ID: apiClientId,
        ENTRA_CLIENT_SECRET: clientSecret,
        ENTRA_AUTHORITY_URL: front.url,
        GRAPH_BASE_URL: graph.baseUrl,
      },
    });
    user = await crm.createUser({ accessLevel: 'own', name: 'Sofia Marin', login: 'sofia' });
    server = await startPaneServer(crm.app);
    entra.clients.set(apiClientId, clientSecret);
    entra.spaRedirectUris.add(`${server.origin}/addins/outlook/sign-in-dialog.html`);
    entra.apiScopes.set(`api://${apiClientId}/access_as_user`, apiClientId);
    browser = await launchChromium();
  }, 120_000);

  beforeEach(() => {
    person = fakeEntraUser(tenant, 'Sofia Marin');
    entra.nextUser = person;
  });

  afterEach(async () => {
    for (const context of opened.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await front?.stop();
    await obo?.stop();
    await entra?.stop();
    await graph?.stop();
    await database?.disconnect();
  });

  async function open(options: Partial<OpenPaneOptions> & { signedIn?: boolean } = {}) {
    const pane = await openTaskPane(browser, server.origin, {
      mails: [rfq],
      apiToken: options.signedIn === false ? undefined : user.token,
      entraAuthority: front.url,
      ...options,
    });
    opened.push(pane.context);
    pane.page.setDefaultTimeout(45_000);
    return pane;
  }

  async function expectClean(pane: { problems: string[]; remoteRequests: string[] }) {
    expect(pane.problems).toEqual([]);
    expect(unexpectedRemoteRequests(pane.remoteRequests)).toEqual([]);
  }

  async function openSettings(page: Page) {
    await page.getByRole('heading', { name: 'Sender' }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Outlook contact sync' }).waitFor();
  }

  test('Sign in with Microsoft through the Office dialog: MSAL redirect flow, token accepted by the CRM', async () => {
    const pane = await open({ signedIn: false });
    const { page, context } = pane;
    await page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
    const dialog = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    const dialogPage = await dialog;
    // The dialog went to Entra and back, handed the token to the pane and was closed by it.
    await dialogPage.waitForEvent('close');
    await page.getByRole('heading', { name: 'Sender' }).waitFor();
    expect(await page.locator('#app').getAttribute('data-state')).toBe('ready');
    expect(entra.hits.get('authorize')).toBeGreaterThanOrEqual(1);

    // The server took the Entra access token: the first sign-in created the user from its claims.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByText('Signed in as Sofia Marin').waitFor();
    const calls = await page.evaluate(
      () => (window as unknown as { __fakeOutlook: { calls: string[] } }).__fakeOutlook.calls,
    );
    expect(calls).toContain('displayDialogAsync:/addins/outlook/sign-in-dialog.html');
    // Nothing kept in roaming settings: a Microsoft sign-in is not a personal token.
    const roaming = await page.evaluate(
      () =>
        (window as unknown as { __fakeOutlook: { roaming: Record<string, unknown> } }).__fakeOutlook
          .roaming,
    );
    expect(roaming).toEqual({});
    await expectClean(pane);
  });

  test('Entra refusing consent (AADSTS65001) and a closed dialog get their own messages', async () => {
    const pane = await open({ signedIn: false });
    const { page, context } = pane;
    await page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
    entra.nextAuthorizeError = {
      error: 'consent_required',
      description:
        'AADSTS65001: The user or administrator has not consented to use the application.',
    };
    const dialog = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await (await dialog).waitForEvent('close');
    await page.getByText('inbox-crm needs your or your admin’s consent').waitFor();
    await page.getByText('Code: AADSTS65001').waitFor();

    const second = context.waitForEvent('page');
    entra.nextUser = undefined; // the user never finishes: they close the window
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    const abandoned = await second;
    await abandoned.waitForLoadState();
    await abandoned.close();
    await page.getByText('Sign-in was cancelled.').waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to your CRM' }).isVisible()).toBe(true);
  });

  test('Outlook contact sync from the settings: consent through Microsoft, first sync, Sync now, turn off', async () => {
    for (const [name, email] of [
      ['Ioana Radu', 'ioana.radu@example.com'],
      ['Wei Zhang', 'wei.zhang@example.com'],
    ]) {
      await crm.request.post('/api/v1/partners').set(user.auth).send({ name, email }).expect(201);
    }
    const pane = await open();
    const { page, context } = pane;
    await openSettings(page);
    const section = page.getByRole('region', { name: 'Outlook contact sync' });
    await section.getByText('Off', { exact: true }).waitFor();
    await section.getByText('Keeps your CRM contacts in a "CRM" contact folder').waitFor();

    // Signed in with a personal token: turning the sync on asks Microsoft for a token (dialog).
    const dialog = context.waitForEvent('page');
    await section.getByRole('button', { name: 'Turn on Outlook contact sync' }).click();
    await (await dialog).waitForEvent('close');
    await section.getByText(/^On, last sync /).waitFor();
    await section.getByRole('button', { name: 'Sync now' }).waitFor();

    // The server exchanged the token On-Behalf-Of and the first sync filled the mailbox folder.
    expect(obo.grants).toContain('on_behalf_of');
    const mailbox = graph.mailbox(person.oid);
    const folder = mailbox.folderByName('CRM');
    expect(folder).toBeDefined();
    const names = () =>
      mailbox
        .contactsIn(folder!.id)
        .map((contact) => contact.displayName)
        .sort();
    expect(names()).toEqual(['Ioana Radu', 'Wei Zhang']);
    // Whose mailbox: the Microsoft account of the consent (the user signed in with a token).
    expect(await section.locator('dd').first().textContent()).toBe(person.preferredUsername);
    expect(await section.locator('dd').nth(2).textContent()).toBe('2');
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .exclude('iframe')
      .analyze();
    expect(axe.violations.map((violation) => violation.id)).toEqual([]);

    // A contact added in the CRM arrives with "Sync now".
    await crm.request
      .post('/api/v1/partners')
      .set(user.auth)
      .send({ name: 'Ana Popescu', email: 'ana.popescu@example.com' })
      .expect(201);
    await section.getByRole('button', { name: 'Sync now' }).click();
    await section.locator('dd', { hasText: /^3$/ }).waitFor();
    expect(names()).toEqual(['Ana Popescu', 'Ioana Radu', 'Wei Zhang']);

    // Turn off: the server forgets the tokens; the folder stays in Outlook.
    await section.getByRole('button', { name: 'Turn off' }).click();
    await section
      .getByText('Outlook contact sync is off. The "CRM" folder and its contacts stay in Outlook.')
      .waitFor();
    await section.getByRole('button', { name: 'Turn on Outlook contact sync' }).waitFor();
    const account = await OutlookSyncAccountModel.findOne({ userId: user.userId })
      .select('+tokenCache')
      .lean();
    expect(account).toMatchObject({ enabled: false, tokenCache: null });
    expect(names()).toHaveLength(3);
    await expectClean(pane);
  });

  test('a refused on-behalf-of exchange says consent is needed, and nothing is turned on', async () => {
    const pane = await open();
    const { page, context } = pane;
    await openSettings(page);
    const section = page.getByRole('region', { name: 'Outlook contact sync' });
    await section.getByRole('button', { name: 'Turn on Outlook contact sync' }).waitFor();
    // Entra will refuse to exchange whatever token the dialog brings.
    obo.refuseEveryAssertion = true;
    try {
      const dialog = context.waitForEvent('page');
      await section.getByRole('button', { name: 'Turn on Outlook contact sync' }).click();
      await (await dialog).waitForEvent('close');
      await section.getByText('Microsoft did not let the CRM reach your contacts.').waitFor();
    } finally {
      obo.refuseEveryAssertion = false;
    }
    await section.getByText('Off', { exact: true }).waitFor();
  });

  /**
   * Outlook's side of nested app authentication, for one test: it answers MSAL.js's bridge
   * requests like the host's broker — nothing cached until the user signs in through the broker's
   * pop-up, then tokens for the add-in's API scope issued by the fake Entra.
   */
  function fakeBroker(mode: { popup: 'sign-in' | 'cancel' | 'disabled' }) {
    const requests: { method: string; clientId?: string; scope?: string }[] = [];
    let signedIn = false;
    const answer = async (method: string, params: { clientId?: string; scope?: string }) => {
      requests.push({ method, clientId: params?.clientId, scope: params?.scope });
      if (mode.popup === 'disabled') return { success: false, error: { status: 'DISABLED' } };
      if (method === 'GetTokenPopup') {
        if (mode.popup === 'cancel')
          return { success: false, error: { status: 'USER_CANCEL', code: 'user_cancelled' } };
        signedIn = true;
      } else if (!signedIn) {
        return {
          success: false,
          error: {
            status: 'USER_INTERACTION_REQUIRED',
            code: 'interaction_required',
            description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.',
          },
        };
      }
      const apiScope = `api://${apiClientId}/access_as_user`;
      if (params.clientId !== apiClientId || !params.scope?.split(' ').includes(apiScope)) {
        return {
          success: false,
          error: {
            status: 'PERSISTENT_ERROR',
            code: 'invalid_request',
            description: 'AADSTS700016: Application not found in the directory.',
          },
        };
      }
      const now = Math.floor(Date.now() / 1000);
      const idToken = await entra.sign({
        aud: apiClientId,
        iss: entra.issuerFor(tenant),
        iat: now,
        nbf: now,
        exp: now + 3600,
        sub: person.oid,
        oid: person.oid,
        tid: tenant,
        name: person.name,
        preferred_username: person.preferredUsername,
        ver: '2.0',
      });
      return {
        success: true,
        token: {
          access_token: await entra.issueAccessToken(person, apiClientId),
          expires_in: 3600,
          id_token: idToken,
          properties: null,
          scope: apiScope,
        },
        account: {
          homeAccountId: `${person.oid}.${tenant}`,
          environment: 'login.microsoftonline.com',
          tenantId: tenant,
          username: person.preferredUsername,
          localAccountId: person.oid,
          name: person.name,
        },
      };
    };
    return {
      requests,
      prepareContext: async (context: BrowserContext) => {
        await context.exposeBinding('__fakeNaaBroker', (_source, method: string, params) =>
          answer(method, params as { clientId?: string; scope?: string }),
        );
      },
    };
  }

  const withNaa = { Mailbox: '1.15', DialogApi: '1.2', NestedAppAuth: '1.1' };

  test('nested app authentication: silent first, the broker’s pop-up on "Sign in with Microsoft", the token accepted by the CRM and reused for the contact sync', async () => {
    const broker = fakeBroker({ popup: 'sign-in' });
    const pane = await open({
      signedIn: false,
      sets: withNaa,
      prepareContext: broker.prepareContext,
    });
    const { page, context } = pane;
    // Nothing cached in the broker: the silent attempt fails and the pane asks.
    await page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
    expect(broker.requests.map((request) => request.method)).toEqual(['GetToken']);
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await page.getByRole('heading', { name: 'Sender' }).waitFor();
    expect(broker.requests.map((request) => request.method)).toContain('GetTokenPopup');
    expect(broker.requests.every((request) => request.clientId === apiClientId)).toBe(true);

    // Settings → contact sync: the NAA token goes to the server (no dialog opens).
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByText('Signed in as Sofia Marin').waitFor();
    const section = page.getByRole('region', { name: 'Outlook contact sync' });
    await section.getByRole('button', { name: 'Turn on Outlook contact sync' }).click();
    await section.getByText(/^On, /).waitFor();
    expect(graph.mailbox(person.oid).folderByName('CRM')).toBeDefined();
    expect(context.pages()).toHaveLength(1);
    const calls = await page.evaluate(
      () => (window as unknown as { __fakeOutlook: { calls: string[] } }).__fakeOutlook.calls,
    );
    expect(calls.some((call) => call.startsWith('displayDialogAsync'))).toBe(false);
    await expectClean(pane);

    // The next time the pane opens, the broker has the account: signed in without a click.
    const again = await open({
      signedIn: false,
      sets: withNaa,
      prepareContext: broker.prepareContext,
    });
    await again.page.getByRole('heading', { name: 'Sender' }).waitFor();
  });

  test('nested app authentication: the user closing the broker’s pop-up is told so', async () => {
    const broker = fakeBroker({ popup: 'cancel' });
    const pane = await open({
      signedIn: false,
      sets: withNaa,
      prepareContext: broker.prepareContext,
    });
    await pane.page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
    await pane.page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await pane.page.getByText('Sign-in was cancelled.').waitFor();
  });

  test('nested app authentication advertised but the broker is off for this account: the Office dialog signs in instead', async () => {
    const broker = fakeBroker({ popup: 'disabled' });
    const pane = await open({
      signedIn: false,
      sets: withNaa,
      prepareContext: broker.prepareContext,
    });
    const { page, context } = pane;
    await page.getByRole('heading', { name: 'Sign in to your CRM' }).waitFor();
    const dialog = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await (await dialog).waitForEvent('close');
    await page.getByRole('heading', { name: 'Sender' }).waitFor();
    expect(broker.requests.map((request) => request.method)).toContain('GetTokenPopup');
  });

  test('a sync running elsewhere (background pass, another server) shows as running, and the settings follow it to its end', async () => {
    const consent = await crm.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({ accessToken: await entra.issueAccessToken(person, apiClientId) });
    expect(consent.status).toBe(200);
    const release = graph.hold();
    const before = graph.requests.length;
    const elsewhere = crm.request
      .post('/api/v1/outlook-sync/run')
      .set(user.auth)
      .then((r) => r);
    try {
      while (graph.requests.length === before)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const pane = await open();
      await openSettings(pane.page);
      const section = pane.page.getByRole('region', { name: 'Outlook contact sync' });
      await section.getByText('Syncing…').waitFor();
      expect(await section.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
      release();
      // No click: the pane looks again until the run is over.
      await section.locator('button:enabled', { hasText: 'Sync now' }).waitFor();
      expect(await section.getByText('Syncing…').count()).toBe(0);
      await section.getByText(/^On, last sync /).waitFor();
    } finally {
      release();
      expect((await elsewhere).status).toBe(200);
    }
  });
});

import { randomUUID } from 'node:crypto';
import { FakeEntra, fakeEntraUser } from '../../server/src/test-support/fake-entra/fake-entra';
import { thunderbirdTestMode } from './harness/e2e-environment';
import { type HttpsInterceptor, startHttpsInterceptor } from './harness/https-interceptor';
import { startThunderbirdSession, type ThunderbirdSession } from './harness/thunderbird-session';
import {
  answerPermissionPrompt,
  clickInExtensionPage,
  clickInWebAuthWindow,
  webAuthWindowOpen,
  inExtensionPage,
  trustCertificateAuthority,
  waitForOptionsPage,
} from './harness/thunderbird-ui';
import { eventually } from '../support/eventually';

// Real Thunderbird, real server, the local Entra fake the server's own tests use: "Sign in with
// Microsoft" on the options page, with nothing typed but the server address. The extension reads
// the app registration from GET /api/v1/auth/methods (authority https://login.microsoftonline.com/
// <tenant>), runs the code flow with PKCE through identity.launchWebAuthFlow and exchanges the code
// from the background; the CRM server then accepts the Entra access token. Thunderbird reaches
// "login.microsoftonline.com" through an https proxy that hands that one host to the fake.

const mode = thunderbirdTestMode();
const describeInThunderbird = mode.run ? describe : describe.skip;
if (!mode.run) console.warn(mode.reason);

describeInThunderbird('Thunderbird: Microsoft Entra ID sign-in (PKCE, web auth flow)', () => {
  const tenantId = randomUUID();
  const apiId = randomUUID();
  let entra: FakeEntra;
  let interceptor: HttpsInterceptor;
  let session: ThunderbirdSession;
  const marionette = () => session.thunderbird.marionette;
  const optionsText = (selector: string) =>
    inExtensionPage<string | null>(
      marionette(),
      'options.html',
      'const element = document.querySelector(arguments[0]); return element ? element.textContent : null;',
      [selector],
    );
  const result = (previous?: string | null) =>
    eventually(async () => {
      const text = await optionsText('[data-testid="connection-result"]');
      return text && text !== previous ? text : undefined;
    }, 'the connection result');

  beforeAll(async () => {
    entra = await FakeEntra.start();
    entra.clients.set(apiId, 'not-used-by-public-clients');
    entra.apiScopes.set(`api://${apiId}/access_as_user`, apiId);
    entra.nextUser = fakeEntraUser(tenantId, 'Ana Popescu');
    interceptor = await startHttpsInterceptor({
      host: 'login.microsoftonline.com',
      target: entra.url,
    });
    session = await startThunderbirdSession({
      connect: false,
      prefs: interceptor.prefs,
      crmEnv: {
        ENTRA_TENANT_ID: tenantId,
        ENTRA_CLIENT_ID: apiId,
        ENTRA_APP_ID_URI: `api://${apiId}`,
        ENTRA_AUTHORITY_URL: entra.url,
      },
    });
    await trustCertificateAuthority(marionette(), interceptor.caCertificateBase64);
    await session.control.run('openOptionsPage');
    await waitForOptionsPage(marionette());
    await eventually(
      async () => ((await optionsText('#test-connection')) !== null ? true : undefined),
      'the options page to render',
    );
  }, 180_000);

  afterAll(async () => {
    await session?.stop();
    await interceptor?.stop();
    await entra?.stop();
  }, 60_000);

  it('signs in with Microsoft from the server address alone, and the CRM accepts the token', async () => {
    await inExtensionPage(
      marionette(),
      'options.html',
      `const input = document.querySelector('input[name="serverUrl"]');
       input.value = arguments[0];
       input.dispatchEvent(new Event('input', { bubbles: true }));`,
      [session.crm.baseUrl],
    );
    await clickInExtensionPage(marionette(), 'options.html', '#test-connection');
    await answerPermissionPrompt(marionette(), 'allow');
    const saved = await result();
    expect(saved).toContain('sign in');

    // What the user registers in the app registration, shown by the page; the fake registers it
    // as a public client (redeemed with PKCE, no secret).
    const redirectUri = await eventually(
      async () => (await optionsText('[data-testid="redirect-uri"]')) ?? undefined,
      'the redirect URI',
    );
    expect(redirectUri).toMatch(/^https:\/\/[0-9a-f]{40}\.extensions\.allizom\.org\/$/);
    entra.spaRedirectUris.add(redirectUri);
    expect(await optionsText('input[name="tenantId"]')).toBeNull();

    await clickInExtensionPage(marionette(), 'options.html', '#sign-in-entra');
    expect(await result(saved)).toBe('Connected as Ana Popescu <ana.popescu@contoso.test>.');
    expect(entra.hits.get('authorize')).toBe(1);
    expect(entra.hits.get('token')).toBe(1);
    expect(interceptor.connects).toContain('login.microsoftonline.com:443');

    // The stored sign-in carries the product's own calls: the status names the Entra account.
    const status = await session.control.run<{ configured: boolean; signedInAs?: string }>(
      'request',
      { request: { type: 'status' } },
    );
    expect(status).toMatchObject({ configured: true });
    const search = await session.control.run<{ error?: string }>('request', {
      request: { type: 'records/search', query: 'Bluefin' },
    });
    expect(search.error).toBeUndefined();
  });

  it('shows Microsoft’s sign-in page in a window when there is no session, and signs in from there', async () => {
    // Without a Microsoft session Entra answers with its sign-in page instead of redirecting:
    // Thunderbird then opens the page in a window of its own.
    entra.signInPage = true;
    entra.nextUser = fakeEntraUser(tenantId, 'Li Wei');
    const before = await optionsText('[data-testid="connection-result"]');
    await clickInExtensionPage(marionette(), 'options.html', '#sign-in-entra');
    const shown = await clickInWebAuthWindow(marionette(), '#fake-entra-sign-in');
    const authorize = new URL(shown);
    expect(authorize.origin).toBe('https://login.microsoftonline.com');
    expect(authorize.pathname).toBe(`/${tenantId}/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toContain(`api://${apiId}/access_as_user`);

    expect(await result(before)).toBe('Connected as Li Wei <li.wei@contoso.test>.');
    expect(await webAuthWindowOpen(marionette())).toBe(false);
  });

  it('renews the Microsoft token with the refresh token before it expires, without asking again', async () => {
    // Tokens that expire within the refresh margin: every use of the sign-in renews it first.
    entra.signInPage = false;
    entra.accessTokenLifetimeSeconds = 30;
    entra.nextUser = fakeEntraUser(tenantId, 'Mara Ionescu');
    const before = await optionsText('[data-testid="connection-result"]');
    await clickInExtensionPage(marionette(), 'options.html', '#sign-in-entra');
    expect(await result(before)).toBe('Connected as Mara Ionescu <mara.ionescu@contoso.test>.');
    const authorizations = entra.hits.get('authorize');
    const refreshes = entra.hits.get('refresh') ?? 0;

    // Two product calls in a row: each renews with the refresh token the previous renewal
    // returned (they rotate), and the CRM accepts every new token.
    for (const query of ['Bluefin', 'Larchmont']) {
      const search = await session.control.run<{ error?: string }>('request', {
        request: { type: 'records/search', query },
      });
      expect(search.error).toBeUndefined();
    }
    expect(entra.hits.get('refresh')).toBeGreaterThanOrEqual(refreshes + 2);
    // No new sign-in was needed.
    expect(entra.hits.get('authorize')).toBe(authorizations);
    const check = await session.control.run<{ ok: boolean; message: string }>('request', {
      request: { type: 'options/test-connection' },
    });
    expect(check).toMatchObject({ ok: true, message: expect.stringContaining('Mara Ionescu') });
  });
});

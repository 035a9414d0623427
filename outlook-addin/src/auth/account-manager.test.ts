import { noCapabilities } from '../host/requirement-sets';
import { AccountManager, expiresWithin } from './account-manager';
import { ApiTokenStore, type RoamingSettings } from './api-token-store';

const validToken = `icrm_${'a1B2c3D4e5'.repeat(4)}${'Z9y8x7w6v'}`;

function roamingSettings(): RoamingSettings & { values: Record<string, unknown>; saves: number } {
  const values: Record<string, unknown> = {};
  const settings = {
    values,
    saves: 0,
    get: (name: string) => values[name],
    set: (name: string, value: unknown) => {
      values[name] = value;
    },
    remove: (name: string) => {
      delete values[name];
    },
    saveAsync: (callback?: (result: Office.AsyncResult<void>) => void) => {
      settings.saves += 1;
      callback?.({ status: 'succeeded' } as unknown as Office.AsyncResult<void>);
    },
  };
  return settings;
}

const manager = (settings: RoamingSettings, entra = false) =>
  new AccountManager({
    capabilities: { ...noCapabilities, dialogApi: true },
    entra: entra
      ? {
          clientId: 'c',
          authority: 'https://login.microsoftonline.com/organizations',
          scopes: ['api://x/access_as_user'],
        }
      : null,
    tokenStore: new ApiTokenStore(settings),
    dialogUrl: 'https://crm.example.net/addins/outlook/sign-in-dialog.html',
  });

describe('AccountManager with a personal API token', () => {
  test('the token is validated, kept in roaming settings (not localStorage) and restored', async () => {
    expect(validToken).toHaveLength(54);
    const settings = roamingSettings();
    const first = manager(settings);
    await expect(first.signInWithApiToken('icrm_short')).rejects.toThrow('invalid-token-format');
    await first.signInWithApiToken(`  ${validToken} `);
    expect(settings.values.inboxCrmApiToken).toBe(validToken);
    expect(settings.saves).toBe(1);
    await expect(first.getAccessToken()).resolves.toBe(validToken);

    const next = manager(settings);
    await expect(next.restore()).resolves.toBe(true);
    expect(next.signedInWith).toBe('api-token');
    await next.signOut();
    expect(settings.values).toEqual({});
    await expect(next.getAccessToken()).rejects.toThrow('Not signed in');
  });

  test('Microsoft sign-in is offered as the dialog when the host has no NAA, and not at all without Entra', () => {
    expect(manager(roamingSettings(), true).microsoftSignIn).toBe('dialog');
    expect(manager(roamingSettings(), false).microsoftSignIn).toBeNull();
  });
});

describe('A Microsoft token for the server (Outlook contact sync consent)', () => {
  const jwt = (payload: object) =>
    `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

  test('without Entra on the server there is none to get, with a code the pane can explain', async () => {
    await expect(manager(roamingSettings(), false).acquireMicrosoftToken()).rejects.toMatchObject({
      errorCode: 'microsoft_unavailable',
    });
  });

  test('the dialog gets the server’s Entra settings and the login hint in its URL', async () => {
    const opened: string[] = [];
    (globalThis as unknown as { Office: unknown }).Office = {
      context: {
        ui: {
          displayDialogAsync: (
            url: string,
            _options: unknown,
            callback: (result: unknown) => void,
          ) => {
            opened.push(url);
            callback({ status: 'failed', error: { code: 12009, message: 'blocked' } });
          },
        },
      },
    };
    const accounts = new AccountManager({
      capabilities: { ...noCapabilities, dialogApi: true },
      entra: {
        clientId: 'c1',
        authority: 'https://login.microsoftonline.com/t1',
        scopes: ['api://c1/access_as_user'],
      },
      tokenStore: new ApiTokenStore(roamingSettings()),
      loginHint: 'sofia@contoso.test',
      dialogUrl: 'https://crm.example.net/addins/outlook/sign-in-dialog.html',
    });
    await expect(accounts.acquireMicrosoftToken()).rejects.toMatchObject({ code: 12009 });
    const url = new URL(opened[0]!);
    expect(url.origin + url.pathname).toBe(
      'https://crm.example.net/addins/outlook/sign-in-dialog.html',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      clientId: 'c1',
      authority: 'https://login.microsoftonline.com/t1',
      scope: 'api://c1/access_as_user',
      loginHint: 'sofia@contoso.test',
    });
    delete (globalThis as unknown as { Office?: unknown }).Office;
  });

  test('a dialog token is reused only while it has more than the margin left', () => {
    const now = Date.parse('2026-11-29T19:00:00Z');
    const exp = (ms: number) => jwt({ exp: Math.floor((now + ms) / 1000) });
    expect(expiresWithin(exp(60 * 60_000), 5 * 60_000, now)).toBe(false);
    expect(expiresWithin(exp(2 * 60_000), 5 * 60_000, now)).toBe(true);
    expect(expiresWithin('not-a-jwt', 5 * 60_000, now)).toBe(true);
  });
});

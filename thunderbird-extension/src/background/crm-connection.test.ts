import { createExtensionStore, createMemoryStorageArea } from '../host/extension-storage';
import { CrmConnection } from './crm-connection';
import { type EntraSignIn, loadSettings, updateSettings } from './settings';

const me = {
  id: 'u1',
  login: 'ana',
  name: 'Ana Popescu',
  accessLevel: 'own',
  isAdmin: false,
  teamIds: [],
  via: 'entra',
};

describe('CrmConnection with a Microsoft sign-in', () => {
  it('renews an expiring token first, keeping the rotated refresh token where it will be saved', async () => {
    const store = createExtensionStore(createMemoryStorageArea());
    await updateSettings(store, (settings) => ({
      ...settings,
      serverUrl: 'https://crm.example.org',
    }));
    let renewals = 0;
    const fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
      if (String(url).endsWith('/oauth2/v2.0/token')) {
        renewals += 1;
        expect(new URLSearchParams(String(init?.body)).get('refresh_token')).toBe(
          `rt-${renewals - 1}`,
        );
        return new Response(
          JSON.stringify({
            access_token: `at-${renewals}`,
            refresh_token: `rt-${renewals}`,
            expires_in: 3600,
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      }
      return new Response(JSON.stringify(me), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    const connection = new CrmConnection({
      store,
      fetch: fetch as unknown as typeof globalThis.fetch,
      now: () => 1_000_000,
    });
    const checked: EntraSignIn = {
      kind: 'entra',
      authority: 'https://login.microsoftonline.com/contoso',
      clientId: 'client',
      scope: 'api://crm/access_as_user',
      accessToken: 'expired',
      refreshToken: 'rt-0',
      expiresAt: 0,
    };

    // Being checked (not saved yet): the object the caller saves next carries the new tokens.
    await (await connection.client({ signIn: checked })).me();
    expect(checked).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect((await loadSettings(store)).signIn).toBeUndefined();

    // Saved: the renewal is saved.
    await updateSettings(store, (settings) => ({
      ...settings,
      signIn: { ...checked, expiresAt: 0 },
    }));
    await (await connection.client()).me();
    expect((await loadSettings(store)).signIn).toMatchObject({
      accessToken: 'at-2',
      refreshToken: 'rt-2',
    });
    const bearers = fetch.mock.calls
      .filter(([url]) => String(url).endsWith('/api/v1/me'))
      .map(([, init]) => new Headers(init?.headers).get('authorization'));
    expect(bearers).toEqual(['Bearer at-1', 'Bearer at-2']);
  });
});

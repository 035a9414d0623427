import { noCapabilities } from '../host/requirement-sets';
import { AccountManager } from './account-manager';
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

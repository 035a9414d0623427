import { createExtensionStore, createMemoryStorageArea } from '../host/extension-storage';
import { defaultSyncSettings, deviceId, loadSettings, updateSettings } from './settings';

describe('settings', () => {
  it('defaults sync settings and keeps what was saved', async () => {
    const store = createExtensionStore(createMemoryStorageArea());
    expect(await loadSettings(store)).toEqual({ sync: defaultSyncSettings });
    await updateSettings(store, (s) => ({
      ...s,
      serverUrl: 'https://crm.example.org',
      sync: { ...s.sync, intervalMinutes: 5 },
    }));
    expect(await loadSettings(store)).toEqual({
      serverUrl: 'https://crm.example.org',
      sync: { ...defaultSyncSettings, intervalMinutes: 5 },
    });
  });

  it('makes the device id once per profile and keeps it', async () => {
    const area = createMemoryStorageArea();
    let n = 0;
    const random = () => `id-${++n}`;
    const first = await deviceId(createExtensionStore(area), random);
    expect(first).toBe('tb-id-1');
    expect(await deviceId(createExtensionStore(area), random)).toBe(first);
    expect(await deviceId(createExtensionStore(createMemoryStorageArea()), random)).toBe('tb-id-2');
  });

  it("reads a Microsoft sign-in saved with a tenant id as one for that tenant's authority", async () => {
    const area = createMemoryStorageArea();
    await area.set({
      settings: {
        serverUrl: 'https://crm.example.org',
        signIn: {
          kind: 'entra',
          tenantId: 'contoso-id',
          clientId: 'c',
          scope: 's',
          accessToken: 'a',
          expiresAt: 1,
        },
      },
    });
    const { signIn } = await loadSettings(createExtensionStore(area));
    expect(signIn).toEqual({
      kind: 'entra',
      authority: 'https://login.microsoftonline.com/contoso-id',
      clientId: 'c',
      scope: 's',
      accessToken: 'a',
      expiresAt: 1,
    });
  });
});

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
});

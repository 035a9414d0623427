import { createExtensionStore, createMemoryStorageArea } from './extension-storage';

describe('createExtensionStore', () => {
  it('round-trips values under a prefix', async () => {
    const area = createMemoryStorageArea();
    const store = createExtensionStore(area, 'crm.');
    await store.set('settings', { serverUrl: 'https://crm.example.org' });
    expect(await store.get('settings')).toEqual({ serverUrl: 'https://crm.example.org' });
    expect(Object.keys(await area.get(null))).toEqual(['crm.settings']);
    await store.remove('settings');
    expect(await store.get('settings')).toBeUndefined();
  });

  it('serialises concurrent read-modify-write updates so none is lost', async () => {
    const area = createMemoryStorageArea();
    // A slow backing store makes interleaving likely if updates were not chained.
    const slowArea = {
      get: async (k: string) => {
        await new Promise((r) => setTimeout(r, 1));
        return area.get(k);
      },
      set: area.set,
      remove: area.remove,
    };
    const store = createExtensionStore(slowArea);
    await Promise.all(
      Array.from({ length: 20 }, () => store.update<number>('count', (n) => (n ?? 0) + 1)),
    );
    expect(await store.get('count')).toBe(20);
  });

  it('keeps working after a failing update', async () => {
    const store = createExtensionStore(createMemoryStorageArea());
    await expect(
      store.update('x', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await store.set('x', 1);
    expect(await store.get('x')).toBe(1);
  });
});

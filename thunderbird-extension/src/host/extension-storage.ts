import type { Storage } from 'webextension-polyfill';

// Key-value persistence over storage.local. Every read-modify-write goes through one promise
// chain so concurrent updates (sync, queue, UI) cannot overwrite each other; an event page that
// restarts finds everything here, nothing lives only in module state.

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  remove(key: string): Promise<void>;
  /** Atomically replaces the value with `change(current)` and returns the new value. */
  update<T>(key: string, change: (current: T | undefined) => T): Promise<T>;
}

export function createExtensionStore(
  area: Pick<Storage.StorageArea, 'get' | 'set' | 'remove'>,
  prefix = '',
): KeyValueStore {
  let chain: Promise<unknown> = Promise.resolve();
  const serialize = <T>(task: () => Promise<T>): Promise<T> => {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  };
  const read = async <T>(key: string): Promise<T | undefined> => {
    const stored = await area.get(prefix + key);
    return stored[prefix + key] as T | undefined;
  };
  return {
    get: (key) => serialize(() => read(key)),
    set: (key, value) => serialize(() => area.set({ [prefix + key]: value })),
    remove: (key) => serialize(() => area.remove(prefix + key)),
    update: <T>(key: string, change: (current: T | undefined) => T) =>
      serialize(async () => {
        const next = change(await read<T>(key));
        await area.set({ [prefix + key]: next });
        return next;
      }),
  };
}

/** An in-memory storage area with storage.local's contract, for tests and previews. */
export function createMemoryStorageArea(): Pick<Storage.StorageArea, 'get' | 'set' | 'remove'> {
  const data = new Map<string, unknown>();
  const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));
  return {
    async get(keys?: null | string | string[] | Record<string, unknown>) {
      const names =
        typeof keys === 'string'
          ? [keys]
          : Array.isArray(keys)
            ? keys
            : keys
              ? Object.keys(keys)
              : [...data.keys()];
      const result: Record<string, unknown> = {};
      for (const name of names) if (data.has(name)) result[name] = clone(data.get(name));
      return result;
    },
    async set(items: Record<string, unknown>) {
      for (const [name, value] of Object.entries(items)) data.set(name, clone(value));
    },
    async remove(keys: string | string[]) {
      for (const name of typeof keys === 'string' ? [keys] : keys) data.delete(name);
    },
  };
}

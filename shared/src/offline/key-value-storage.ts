/** What a host gives the core to persist small state (extension storage, Office settings, memory). */
export interface KeyValueStorage {
  get<Value>(key: string): Promise<Value | undefined>;
  set<Value>(key: string, value: Value): Promise<void>;
  remove(key: string): Promise<void>;
}

/** For tests and for server-side use: values are deep-copied, as a real store would. */
export class MemoryKeyValueStorage implements KeyValueStorage {
  readonly #values = new Map<string, unknown>();
  /** How many writes happened (tests assert on batching). */
  writes = 0;

  async get<Value>(key: string): Promise<Value | undefined> {
    const value = this.#values.get(key);
    return value === undefined ? undefined : (structuredClone(value) as Value);
  }

  async set<Value>(key: string, value: Value): Promise<void> {
    this.writes += 1;
    this.#values.set(key, structuredClone(value));
  }

  async remove(key: string): Promise<void> {
    this.#values.delete(key);
  }

  keys(): string[] {
    return [...this.#values.keys()];
  }
}

/**
 * Runs every read-modify-write of one storage through one promise chain, so two callers never
 * interleave between their read and their write (an error does not break the chain).
 */
export class SerialStorage {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(readonly storage: KeyValueStorage) {}

  run<Result>(task: (storage: KeyValueStorage) => Promise<Result>): Promise<Result> {
    const next = this.#tail.then(() => task(this.storage));
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

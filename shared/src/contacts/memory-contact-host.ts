import type { SyncContact } from '../schemas/contact-sync.schemas';
import type { ContactHostAdapter, HostContact } from './contact-host-adapter';

/**
 * An address book in memory: for tests, and as the base of server-side hosts. Like real hosts it
 * fires change events for every write, including the sync engine's own (asynchronously).
 */
export class MemoryContactHost implements ContactHostAdapter {
  readonly #contacts = new Map<string, { contact: SyncContact; crmId?: string; uid?: string }>();
  readonly #listeners = new Set<(localId: string) => void>();
  #nextId = 1;
  /** Counts host calls (benchmarks and tests). */
  readonly calls = { list: 0, get: 0, create: 0, update: 0, delete: 0 };

  constructor(private readonly prefix = 'local') {}

  async list(): Promise<HostContact[]> {
    this.calls.list += 1;
    return [...this.#contacts.keys()].map((localId) => this.#snapshot(localId)!);
  }

  async get(localId: string): Promise<HostContact | undefined> {
    this.calls.get += 1;
    return this.#snapshot(localId);
  }

  async create(contact: SyncContact, link: { crmId: string }): Promise<HostContact> {
    this.calls.create += 1;
    const localId = this.#store(undefined, contact, link.crmId);
    return this.#snapshot(localId)!;
  }

  async update(
    localId: string,
    contact: SyncContact,
    link: { crmId: string },
  ): Promise<HostContact> {
    this.calls.update += 1;
    if (!this.#contacts.has(localId)) throw new Error(`No contact ${localId}`);
    this.#store(localId, contact, link.crmId);
    return this.#snapshot(localId)!;
  }

  async delete(localId: string): Promise<void> {
    this.calls.delete += 1;
    if (this.#contacts.delete(localId)) this.#emit(localId);
  }

  onChange(listener: (localId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ------------------------------------------------------------ the user's own edits (tests)

  userCreate(contact: SyncContact, uid?: string): string {
    const localId = this.#store(undefined, contact, undefined);
    if (uid) this.#contacts.get(localId)!.uid = uid;
    return localId;
  }

  userUpdate(localId: string, change: Partial<SyncContact>): void {
    const current = this.#contacts.get(localId);
    if (!current) throw new Error(`No contact ${localId}`);
    this.#store(localId, { ...current.contact, ...change }, current.crmId);
  }

  userDelete(localId: string): void {
    if (this.#contacts.delete(localId)) this.#emit(localId);
  }

  size(): number {
    return this.#contacts.size;
  }

  contacts(): HostContact[] {
    return [...this.#contacts.keys()].map((localId) => this.#snapshot(localId)!);
  }

  #store(localId: string | undefined, contact: SyncContact, crmId: string | undefined): string {
    const id = localId ?? `${this.prefix}-${this.#nextId++}`;
    const previous = this.#contacts.get(id);
    this.#contacts.set(id, {
      contact: structuredClone(contact),
      crmId: crmId ?? previous?.crmId,
      uid: previous?.uid,
    });
    this.#emit(id);
    return id;
  }

  #snapshot(localId: string): HostContact | undefined {
    const entry = this.#contacts.get(localId);
    if (!entry) return undefined;
    return { localId, contact: structuredClone(entry.contact), crmId: entry.crmId, uid: entry.uid };
  }

  #emit(localId: string): void {
    for (const listener of this.#listeners) queueMicrotask(() => listener(localId));
  }
}

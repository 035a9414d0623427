import type { KeyValueStore } from './extension-storage';
import type { AddressBooksApi, ContactNode } from './thunderbird-api';

// The dedicated "CRM" address book as the contact-sync engine sees it. The contact id is the
// vCard UID (Thunderbird uses the UID verbatim as the contact id), so CRM ids survive restarts
// and re-installs. Thunderbird reports our own writes back as change events; they are dropped
// here so a server→Thunderbird write never returns as a "local change".

export const crmAddressBookName = 'CRM';
const bookIdKey = 'addressBook.id';
const echoWindowMs = 10_000;

export interface AddressBookContact {
  id: string;
  vCard: string;
}

export type AddressBookChange =
  | { kind: 'created' | 'updated'; contact: AddressBookContact }
  | { kind: 'deleted'; id: string }
  /** Many cards arrived at once (Thunderbird 153+ import): re-read the whole book. */
  | { kind: 'rescan' };

export class CrmAddressBook {
  /** Per contact id, the deadlines of echoes still to come (one per write). */
  private readonly expectedEchoes = new Map<string, number[]>();
  private bookId: string | undefined;

  constructor(
    private readonly addressBooks: AddressBooksApi,
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The id of our book, created on first use (and again if the user deleted it). */
  async ensureBook(): Promise<string> {
    if (this.bookId) return this.bookId;
    const storedId = await this.store.get<string>(bookIdKey);
    if (storedId) {
      const books = await this.addressBooks.list(false);
      if (books.some((book) => book.id === storedId)) return (this.bookId = storedId);
    }
    const id = await this.addressBooks.create({ name: crmAddressBookName });
    await this.store.set(bookIdKey, id);
    return (this.bookId = id);
  }

  async list(): Promise<AddressBookContact[]> {
    const nodes = await this.addressBooks.contacts.list(await this.ensureBook());
    return nodes.map(toContact);
  }

  async get(id: string): Promise<AddressBookContact | undefined> {
    const bookId = await this.ensureBook();
    try {
      const node = await this.addressBooks.contacts.get(id);
      return node.parentId === bookId ? toContact(node) : undefined;
    } catch {
      // contacts.get rejects for an unknown id; that is "not there", not a failure.
      return undefined;
    }
  }

  /** Creates the card; its UID becomes the contact id. */
  async create(vCard: string): Promise<string> {
    const bookId = await this.ensureBook();
    // The event can arrive before create() resolves, so register the echo under the UID first.
    const uid = uidOf(vCard);
    if (uid) this.expectEcho(uid);
    const id = await this.addressBooks.contacts.create(bookId, vCard);
    if (!uid) this.expectEcho(id);
    return id;
  }

  async update(id: string, vCard: string): Promise<void> {
    this.expectEcho(id);
    await this.addressBooks.contacts.update(id, vCard);
  }

  async delete(id: string): Promise<void> {
    this.expectEcho(id);
    await this.addressBooks.contacts.delete(id);
  }

  /**
   * Subscribes to changes the user (or another add-on) made in the CRM book. Must be called
   * synchronously at the top level of the background so the event page is woken for them.
   */
  onChange(listener: (change: AddressBookChange) => void): () => void {
    let active = true;
    const emit = (change: AddressBookChange) => active && listener(change);
    const inOurBook = async (parentId: string) => parentId === (await this.ensureBook());
    this.addressBooks.contacts.onCreated.addListener((node) => {
      void inOurBook(node.parentId).then((ours) => {
        if (ours && !this.isEcho(node.id)) emit({ kind: 'created', contact: toContact(node) });
      });
    });
    this.addressBooks.contacts.onUpdated.addListener((node) => {
      void inOurBook(node.parentId).then((ours) => {
        if (ours && !this.isEcho(node.id)) emit({ kind: 'updated', contact: toContact(node) });
      });
    });
    this.addressBooks.contacts.onDeleted.addListener((parentId, id) => {
      void inOurBook(parentId).then((ours) => {
        if (ours && !this.isEcho(id)) emit({ kind: 'deleted', id });
      });
    });
    // Thunderbird 153+ only; older versions send one onCreated per card instead.
    this.addressBooks.contacts.onManyCreated?.addListener((node) => {
      void inOurBook(node.id).then((ours) => ours && emit({ kind: 'rescan' }));
    });
    // Thunderbird listeners stay registered for the page's life; this only mutes ours.
    return () => {
      active = false;
    };
  }

  private expectEcho(id: string): void {
    const deadlines = this.expectedEchoes.get(id) ?? [];
    deadlines.push(this.now() + echoWindowMs);
    this.expectedEchoes.set(id, deadlines);
  }

  /** One write → one echo; after the window an event for that id is a real change again. */
  private isEcho(id: string): boolean {
    const now = this.now();
    const pending = (this.expectedEchoes.get(id) ?? []).filter((deadline) => deadline >= now);
    const echo = pending.length > 0;
    pending.shift();
    if (pending.length > 0) this.expectedEchoes.set(id, pending);
    else this.expectedEchoes.delete(id);
    return echo;
  }
}

/** The UID of a vCard (values may contain colons, e.g. `urn:uuid:…`). */
export function uidOf(vCard: string): string | undefined {
  return /^UID(?:;[^:\r\n]*)?:([^\r\n]*)$/im.exec(vCard)?.[1]?.trim() || undefined;
}

function toContact(node: ContactNode): AddressBookContact {
  return { id: node.id, vCard: node.vCard };
}

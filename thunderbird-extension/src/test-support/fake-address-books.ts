import type { AddressBookNode, AddressBooksApi, ContactNode } from '../host/thunderbird-api';
import { createFakeEvent } from './fake-events';

// In-memory address books behaving like Thunderbird's where it matters to us: the UID is the
// contact id, duplicate UIDs are rejected, and every write (ours too) fires a change event.

export function createFakeAddressBooks() {
  const books = new Map<string, AddressBookNode>();
  const contacts = new Map<string, ContactNode>();
  let nextBook = 1;
  const onCreated = createFakeEvent<(node: ContactNode) => void>();
  const onUpdated = createFakeEvent<(node: ContactNode, changed: unknown) => void>();
  const onDeleted = createFakeEvent<(parentId: string, id: string) => void>();
  const control = { dropNextEvent: false };
  const fireLater = (fire: () => void) => {
    if (control.dropNextEvent) control.dropNextEvent = false;
    else void Promise.resolve().then(fire);
  };
  const uidOf = (vCard: string) => /^UID:(.*)$/m.exec(vCard)?.[1]?.trim();

  const api: AddressBooksApi = {
    list: async () => [...books.values()],
    get: async (id) => {
      const book = books.get(id);
      if (!book) throw new Error(`Invalid address book id: ${id}`);
      return book;
    },
    create: async ({ name }) => {
      const id = `ab-${nextBook++}`;
      books.set(id, { id, name, type: 'addressBook', readOnly: false, remote: false });
      return id;
    },
    contacts: {
      list: async (parentId) => [...contacts.values()].filter((c) => c.parentId === parentId),
      get: async (id) => {
        const contact = contacts.get(id);
        if (!contact) throw new Error(`Invalid contact id: ${id}`);
        return contact;
      },
      create: async (parentId, vCard) => {
        let id = uidOf(vCard);
        if (id && contacts.has(id)) throw new Error(`Duplicate contact id: ${id}`);
        if (!id) {
          id = `generated-${contacts.size + 1}`;
          vCard = vCard.replace(/END:VCARD/, `UID:${id}\r\nEND:VCARD`);
        }
        const node: ContactNode = { id, parentId, type: 'contact', vCard };
        contacts.set(id, node);
        fireLater(() => onCreated.fire(node));
        return id;
      },
      update: async (id, vCard) => {
        const existing = contacts.get(id);
        if (!existing) throw new Error(`Invalid contact id: ${id}`);
        const node = { ...existing, vCard };
        contacts.set(id, node);
        fireLater(() => onUpdated.fire(node, {}));
      },
      delete: async (id) => {
        const existing = contacts.get(id);
        if (!existing) throw new Error(`Invalid contact id: ${id}`);
        contacts.delete(id);
        fireLater(() => onDeleted.fire(existing.parentId, id));
      },
      onCreated,
      onUpdated,
      onDeleted,
    },
  };
  /** What the user does in Thunderbird's address book UI. */
  const user = {
    edit(id: string, vCard: string) {
      const node = { ...contacts.get(id)!, vCard };
      contacts.set(id, node);
      onUpdated.fire(node, {});
    },
    add(parentId: string, id: string, vCard: string) {
      const node: ContactNode = { id, parentId, type: 'contact', vCard };
      contacts.set(id, node);
      onCreated.fire(node);
    },
    remove(id: string) {
      const node = contacts.get(id)!;
      contacts.delete(id);
      onDeleted.fire(node.parentId, id);
    },
  };
  return { api, user, books, contacts, control };
}

import { createFakeAddressBooks } from '../test-support/fake-address-books';
import { type AddressBookChange, CrmAddressBook, uidOf } from './crm-address-book';
import { createExtensionStore, createMemoryStorageArea } from './extension-storage';

const card = (uid: string, name: string) =>
  `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${name}\r\nUID:${uid}\r\nEND:VCARD\r\n`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(now = () => 0) {
  const fake = createFakeAddressBooks();
  const store = createExtensionStore(createMemoryStorageArea());
  const book = new CrmAddressBook(fake.api, store, now);
  const changes: AddressBookChange[] = [];
  book.onChange((change) => changes.push(change));
  return { fake, store, book, changes };
}

describe('CrmAddressBook', () => {
  it('creates the "CRM" book once and reuses it across instances (event page restarts)', async () => {
    const { fake, store, book } = setup();
    const id = await book.ensureBook();
    expect(fake.books.get(id)?.name).toBe('CRM');
    const afterRestart = new CrmAddressBook(fake.api, store);
    expect(await afterRestart.ensureBook()).toBe(id);
    expect(fake.books.size).toBe(1);
  });

  it('creates a new book when the user deleted ours', async () => {
    const { fake, store, book } = setup();
    const first = await book.ensureBook();
    fake.books.delete(first);
    const second = await new CrmAddressBook(fake.api, store).ensureBook();
    expect(second).not.toBe(first);
  });

  it('uses the vCard UID as the contact id', async () => {
    const { book } = setup();
    expect(await book.create(card('crm-42', 'Ann'))).toBe('crm-42');
    expect(await book.get('crm-42')).toEqual({ id: 'crm-42', vCard: card('crm-42', 'Ann') });
    expect(await book.get('unknown')).toBeUndefined();
  });

  it('drops the echo of its own writes but reports the user’s edits', async () => {
    const { fake, book, changes } = setup();
    const bookId = await book.ensureBook();
    await book.create(card('c1', 'Ann'));
    await book.update('c1', card('c1', 'Ann B'));
    await settle();
    expect(changes).toEqual([]);

    fake.user.edit('c1', card('c1', 'Ann C'));
    fake.user.add(bookId, 'c2', card('c2', 'Bob'));
    await settle();
    expect(changes).toEqual([
      { kind: 'updated', contact: { id: 'c1', vCard: card('c1', 'Ann C') } },
      { kind: 'created', contact: { id: 'c2', vCard: card('c2', 'Bob') } },
    ]);

    await book.delete('c2');
    fake.user.remove('c1');
    await settle();
    expect(changes.slice(2)).toEqual([{ kind: 'deleted', id: 'c1' }]);
  });

  it('reads UIDs with colons and parameters', () => {
    expect(uidOf('BEGIN:VCARD\r\nUID:urn:uuid:0c5f\r\nEND:VCARD')).toBe('urn:uuid:0c5f');
    expect(uidOf('BEGIN:VCARD\nuid;VALUE=text:abc\nEND:VCARD')).toBe('abc');
    expect(uidOf('BEGIN:VCARD\r\nFN:x\r\nEND:VCARD')).toBeUndefined();
  });

  it('ignores changes in other address books', async () => {
    const { fake, book, changes } = setup();
    await book.ensureBook();
    const personal = await fake.api.create({ name: 'Personal' });
    fake.user.add(personal, 'p1', card('p1', 'Private'));
    await settle();
    expect(changes).toEqual([]);
  });

  it('treats a change after the echo window as the user’s', async () => {
    let clock = 0;
    const { fake, book, changes } = setup(() => clock);
    await book.ensureBook();
    // An expected echo that never came (e.g. Thunderbird coalesced it) must not hide a later user edit forever.
    await book.create(card('c1', 'Ann'));
    await settle();
    fake.control.dropNextEvent = true;
    await book.update('c1', card('c1', 'Ann'));
    await settle();
    clock = 60_000;
    fake.user.edit('c1', card('c1', 'Ann X'));
    await settle();
    expect(changes).toHaveLength(1);
  });
});

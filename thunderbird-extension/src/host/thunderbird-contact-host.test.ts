import type { SyncContact } from '@inbox-crm/shared/schemas';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createFakeAddressBooks } from '../test-support/fake-address-books';
import { CrmAddressBook } from './crm-address-book';
import { createExtensionStore, createMemoryStorageArea } from './extension-storage';
import { ThunderbirdContactHost } from './thunderbird-contact-host';

const vcardFixtures = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'vcards',
);

const margaret: SyncContact = {
  name: 'Margaret Lindqvist',
  isCompany: false,
  companyName: 'Bluefin Logistics Ltd',
  companyId: null,
  jobPosition: 'Head of Procurement',
  email: 'margaret.lindqvist@bluefin-logistics.example.com',
  emails: [],
  phone: '+44 1632 960 100',
  mobile: null,
  street: null,
  street2: null,
  zip: null,
  city: 'Leeds',
  stateCode: null,
  countryCode: 'GB',
  website: null,
  lang: null,
  notes: null,
};

function setup() {
  const fake = createFakeAddressBooks();
  const book = new CrmAddressBook(fake.api, createExtensionStore(createMemoryStorageArea()));
  return { fake, book, host: new ThunderbirdContactHost(book) };
}

describe('ThunderbirdContactHost', () => {
  it('creates a card whose UID is the CRM id and reads the same contact back', async () => {
    const { host, fake } = setup();
    const created = await host.create(margaret, { crmId: '6650a1b2c3d4e5f607182930' });
    expect(created.localId).toBe('6650a1b2c3d4e5f607182930');
    expect(created.crmId).toBe('6650a1b2c3d4e5f607182930');
    expect(created.contact).toMatchObject({
      name: 'Margaret Lindqvist',
      jobPosition: 'Head of Procurement',
      email: margaret.email,
      city: 'Leeds',
    });
    const stored = fake.contacts.get('6650a1b2c3d4e5f607182930')!.vCard;
    expect(stored).toMatch(/^UID:6650a1b2c3d4e5f607182930/m);
    expect(stored).toMatch(/^X-CRM-ID:6650a1b2c3d4e5f607182930/m);
    expect(await host.list()).toHaveLength(1);
  });

  it('updates only what the CRM models and keeps the rest of a card the user wrote', async () => {
    const { host, fake, book } = setup();
    const bookId = await book.ensureBook();
    const card = readFileSync(path.join(vcardFixtures, 'thunderbird-v4.vcf'), 'utf8');
    const uid = /^UID:(.*)$/m.exec(card)![1]!.trim();
    fake.user.add(bookId, uid, card);
    const [before] = await host.list();
    await host.update(uid, { ...before!.contact, jobPosition: 'Chief Buyer' }, { crmId: 'crm-1' });
    const after = fake.contacts.get(uid)!.vCard;
    expect(after).toMatch(/^TITLE:Chief Buyer/m);
    expect(after).toMatch(/^X-CRM-ID:crm-1/m);
    // The note with its escapes and the second e-mail survive untouched.
    const [reread] = await host.list();
    expect(reread!.contact.notes).toBe(before!.contact.notes);
    expect(reread!.contact.emails).toEqual(before!.contact.emails);
  });

  it('turns a retried create (card already there after a lost answer) into an update', async () => {
    const { host, fake } = setup();
    await host.create(margaret, { crmId: 'crm-9' });
    await host.create({ ...margaret, city: 'York' }, { crmId: 'crm-9' });
    expect(fake.contacts.size).toBe(1);
    expect((await host.get('crm-9'))!.contact.city).toBe('York');
  });

  it('reports the user’s edits by contact id, not its own writes', async () => {
    const { host, fake } = setup();
    const changed: string[] = [];
    host.onChange((localId) => changed.push(localId));
    await host.create(margaret, { crmId: 'crm-2' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(changed).toEqual([]);
    fake.user.edit(
      'crm-2',
      fake.contacts.get('crm-2')!.vCard.replace('Head of Procurement', 'Buyer'),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(changed).toEqual(['crm-2']);
  });
});

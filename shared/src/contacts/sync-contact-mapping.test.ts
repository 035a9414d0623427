import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDirectory } from '../mail/fixtures-path.test-support';
import { syncContactSchema } from '../schemas/contact-sync.schemas';
import { applySyncContactToVCard, vcardToSyncContact } from './sync-contact-mapping';
import { parseVCards, serializeVCard } from './vcard-codec';

const allCards = ['vcards', 'vcards-public'].flatMap((folder) =>
  readdirSync(path.join(fixturesDirectory, folder))
    .filter((file) => file.endsWith('.vcf'))
    .flatMap((file) =>
      parseVCards(readFileSync(path.join(fixturesDirectory, folder, file))).contacts.map(
        (card) => [file, card] as const,
      ),
    ),
);

describe('vCard ↔ CRM contact', () => {
  it.each(allCards)(
    '%s: the CRM view is valid and writing it back changes nothing',
    (_file, card) => {
      const contact = vcardToSyncContact(card);
      expect(syncContactSchema.safeParse(contact).success).toBe(true);
      expect(applySyncContactToVCard(contact, card)).toEqual(card);
    },
  );

  it('maps the Outlook card to partner fields', () => {
    const card = allCards.find(([file]) => file === 'outlook-v21-qp.vcf')![1];
    expect(vcardToSyncContact(card)).toMatchObject({
      name: 'Ștefania-Mădălina Dumitrescu-Brâncoveanu',
      companyName: 'Carpatica Construct SRL',
      email: 'stefania.dumitrescu@carpatica.example.ro',
      city: 'Cluj-Napoca',
      zip: '400000',
      countryCode: null,
    });
  });

  it('applies CRM edits and keeps what the CRM does not model', () => {
    const card = allCards.find(([file]) => file === 'multi-contacts.vcf')![1];
    const contact = {
      ...vcardToSyncContact(card),
      jobPosition: 'Head of Procurement',
      emails: ['second@example.org'],
    };
    const updated = applySyncContactToVCard(contact, card);
    expect(updated.title).toBe('Head of Procurement');
    expect(updated.emails.map((email) => email.value)).toEqual([
      contact.email,
      'second@example.org',
    ]);
    expect(updated.extraLines).toEqual(card.extraLines);
    expect(updated.uid).toBe(card.uid);
    const reread = parseVCards(serializeVCard(updated, '4.0')).contacts[0]!;
    expect(vcardToSyncContact(reread)).toEqual(contact);
  });

  it('creates a new card from a CRM contact', () => {
    const contact = syncContactSchema.parse({
      name: 'Margaret Lindqvist',
      isCompany: false,
      companyName: 'Bluefin Logistics Ltd',
      companyId: null,
      jobPosition: 'Procurement Manager',
      email: 'margaret.lindqvist@bluefin-logistics.example.com',
      emails: [],
      phone: '+31 10 555 0142',
      mobile: null,
      street: 'Kadeweg 21',
      street2: null,
      zip: '3089 ZZ',
      city: 'Rotterdam',
      stateCode: null,
      countryCode: 'NL',
      website: null,
      lang: null,
      notes: 'RFQ 118',
    });
    const card = applySyncContactToVCard(contact);
    expect(card.name).toMatchObject({ given: 'Margaret', family: 'Lindqvist' });
    const reread = parseVCards(serializeVCard(card, '3.0')).contacts[0]!;
    expect(vcardToSyncContact(reread)).toEqual(contact);
  });
});

import {
  applySyncContactToVCard,
  type ContactHostAdapter,
  type HostContact,
  parseVCards,
  serializeVCard,
  type VCardContact,
  vcardToSyncContact,
} from '@inbox-crm/shared/contacts';
import type { SyncContact } from '@inbox-crm/shared/schemas';
import type { AddressBookChange, AddressBookContact, CrmAddressBook } from './crm-address-book';

// The "CRM" address book as the shared ContactSyncEngine's host: vCards in, SyncContacts out.
// A card the CRM created gets the CRM id as its UID (Thunderbird's contact id) and X-CRM-ID, so
// ids stay stable across restarts and devices; every property the CRM does not model is kept.

export class ThunderbirdContactHost implements ContactHostAdapter {
  /** Cards Thunderbird refused to parse are skipped, never overwritten: the user's data stays. */
  readonly unreadable = new Map<string, string>();

  constructor(private readonly book: CrmAddressBook) {}

  async list(): Promise<HostContact[]> {
    const cards = await this.book.list();
    return cards
      .map((card) => this.toHostContact(card))
      .filter((contact): contact is HostContact => contact !== undefined);
  }

  async get(localId: string): Promise<HostContact | undefined> {
    const card = await this.book.get(localId);
    return card ? this.toHostContact(card) : undefined;
  }

  async create(contact: SyncContact, link: { crmId: string }): Promise<HostContact> {
    const card = applySyncContactToVCard(contact);
    // A card whose UID already exists (a retried create after a lost answer) is updated instead.
    const existing = await this.book.get(link.crmId);
    if (existing) return this.update(existing.id, contact, link);
    const id = await this.book.create(
      serializeVCard({ ...card, uid: link.crmId, crmId: link.crmId }, '4.0'),
    );
    return (await this.get(id)) ?? { localId: id, contact, crmId: link.crmId, uid: id };
  }

  async update(
    localId: string,
    contact: SyncContact,
    link: { crmId: string },
  ): Promise<HostContact> {
    const current = await this.book.get(localId);
    if (!current) throw new Error(`The contact ${localId} is no longer in the CRM address book.`);
    const parsed = parseCard(current.vCard);
    if (!parsed) throw new Error(`The card ${localId} cannot be read; it was left unchanged.`);
    const card = applySyncContactToVCard(contact, parsed);
    await this.book.update(
      localId,
      serializeVCard({ ...card, uid: localId, crmId: link.crmId }, '4.0'),
    );
    return (await this.get(localId)) ?? { localId, contact, crmId: link.crmId, uid: localId };
  }

  async delete(localId: string): Promise<void> {
    await this.book.delete(localId);
  }

  onChange(listener: (localId: string) => void): () => void {
    return this.book.onChange((change: AddressBookChange) => {
      if (change.kind === 'deleted') listener(change.id);
      else if (change.kind === 'rescan')
        void this.book.list().then((cards) => cards.forEach((card) => listener(card.id)));
      else listener(change.contact.id);
    });
  }

  private toHostContact(card: AddressBookContact): HostContact | undefined {
    const parsed = parseCard(card.vCard);
    if (!parsed) {
      this.unreadable.set(card.id, card.vCard.slice(0, 80));
      return undefined;
    }
    this.unreadable.delete(card.id);
    return {
      localId: card.id,
      contact: vcardToSyncContact(parsed),
      crmId: parsed.crmId,
      uid: parsed.uid ?? card.id,
    };
  }
}

function parseCard(vCard: string): VCardContact | undefined {
  return parseVCards(vCard).contacts[0];
}

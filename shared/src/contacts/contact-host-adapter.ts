import type { SyncContact } from '../schemas/contact-sync.schemas';

/** A contact as the host's address book holds it. */
export interface HostContact {
  /** The host's own id (Thunderbird contact id, Graph contact id, …). */
  localId: string;
  contact: SyncContact;
  /** The CRM id the host stored with the contact (vCard `X-CRM-ID`, a Graph extended property). */
  crmId?: string;
  /** The card's UID, when the host has one (a hint for linking, never the identity). */
  uid?: string;
}

/** What the sync engine needs from an address book. Writes return what the host actually stored. */
export interface ContactHostAdapter {
  list(): Promise<HostContact[]>;
  get(localId: string): Promise<HostContact | undefined>;
  create(contact: SyncContact, link: { crmId: string }): Promise<HostContact>;
  update(localId: string, contact: SyncContact, link: { crmId: string }): Promise<HostContact>;
  delete(localId: string): Promise<void>;
  /** Live change notifications (created, updated, deleted); also fired for the engine's own writes. */
  onChange?(listener: (localId: string) => void): () => void;
}

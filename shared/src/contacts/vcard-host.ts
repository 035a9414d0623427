import type { SyncContact } from '../schemas/contact-sync.schemas';
import type { HostContact } from './contact-host-adapter';
import { applySyncContactToVCard, vcardToSyncContact } from './sync-contact-mapping';
import { parseVCards, serializeVCard } from './vcard-codec';
import type { VCardVersion } from './vcard-contact';

/**
 * For hosts that store vCards (Thunderbird): the engine's view of one stored card. Throws when
 * the text is not a readable vCard (report it; never sync a half-read card).
 */
export function hostContactFromVCard(localId: string, vcard: string): HostContact {
  const { contacts, errors } = parseVCards(vcard);
  const card = contacts[0];
  if (!card)
    throw new Error(`Contact ${localId} is not a readable vCard: ${errors[0]?.message ?? 'empty'}`);
  return { localId, contact: vcardToSyncContact(card), crmId: card.crmId, uid: card.uid };
}

/**
 * The vCard to store for a CRM contact: the existing card with the CRM's values applied (unknown
 * lines, photo, groups and types kept), linked by `X-CRM-ID`, with a UID (new cards get one).
 */
export function vcardForHostWrite(
  contact: SyncContact,
  link: { crmId: string },
  existingVCard?: string,
  options: { version?: VCardVersion; newUid?: () => string } = {},
): string {
  const existing = existingVCard ? parseVCards(existingVCard).contacts[0] : undefined;
  const card = applySyncContactToVCard(contact, existing);
  card.crmId = link.crmId;
  card.uid ??= options.newUid?.() ?? globalThis.crypto.randomUUID();
  return serializeVCard(card, options.version ?? '4.0');
}

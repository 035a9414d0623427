export type {
  VCardContact,
  VCardVersion,
  TypedValue,
  PostalAddress,
  StructuredName,
} from './vcard-contact';
export { parseVCards, serializeVCard, serializeVCards } from './vcard-codec';
export type { VCardParseResult, VCardParseError } from './vcard-codec';
export { convertVCard21To30 } from './vcard-21-prepass';
export {
  emptySyncContact,
  vcardToSyncContact,
  applySyncContactToVCard,
} from './sync-contact-mapping';
export type { ContactHostAdapter, HostContact } from './contact-host-adapter';
export { ContactSyncEngine, sameContact } from './contact-sync-engine';
export type {
  ContactSyncEngineOptions,
  ContactSyncTransport,
  SyncPhase,
  SyncProgress,
  SyncRejection,
  SyncSummary,
} from './contact-sync-engine';
export { MemoryContactHost } from './memory-contact-host';
export { hostContactFromVCard, vcardForHostWrite } from './vcard-host';

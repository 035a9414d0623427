import type { SyncContact } from '@inbox-crm/shared/schemas';
import {
  crmIdPropertyId,
  graphMaxBusinessPhones,
  graphMaxEmailAddresses,
  type GraphContact,
  type GraphContactWrite,
} from './graph-contact';

/**
 * Graph contact → the sync engine's contact. Fields Outlook has no slot for (isCompany, lang,
 * street2 beyond the street's second line) come back empty; the engine records what the host
 * stored, so the loss is not taken for a user's edit.
 */
export function syncContactFromGraph(contact: GraphContact): SyncContact {
  const addresses = (contact.emailAddresses ?? [])
    .map((entry) => entry.address?.trim())
    .filter((address): address is string => Boolean(address));
  const [street, ...moreStreet] = (contact.businessAddress?.street ?? '').split('\n');
  const country = contact.businessAddress?.countryOrRegion?.trim() ?? '';
  const name =
    text(contact.displayName) ??
    text([contact.givenName, contact.surname].filter(Boolean).join(' ')) ??
    addresses[0] ??
    text(contact.companyName) ??
    '(no name)';
  return {
    name,
    isCompany: false,
    companyName: text(contact.companyName),
    companyId: null,
    jobPosition: text(contact.jobTitle),
    email: addresses[0] ?? null,
    emails: addresses.slice(1),
    phone: text(contact.businessPhones?.[0]),
    mobile: text(contact.mobilePhone),
    street: text(street),
    street2: text(moreStreet.join(' ')),
    zip: text(contact.businessAddress?.postalCode),
    city: text(contact.businessAddress?.city),
    stateCode: text(contact.businessAddress?.state),
    countryCode: /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
    website: text(contact.businessHomePage),
    lang: null,
    notes: text(contact.personalNotes),
  };
}

/** The engine's contact → the Graph body (a full write of our fields; Graph keeps the others). */
export function graphContactFromSync(contact: SyncContact, crmId: string): GraphContactWrite {
  const emails = [contact.email, ...contact.emails]
    .filter((address): address is string => Boolean(address))
    .slice(0, graphMaxEmailAddresses);
  const street = [contact.street, contact.street2].filter(Boolean).join('\n');
  return {
    displayName: contact.name,
    companyName: contact.companyName ?? null,
    jobTitle: contact.jobPosition ?? null,
    emailAddresses: emails.map((address) => ({ address, name: contact.name })),
    businessPhones: contact.phone ? [contact.phone].slice(0, graphMaxBusinessPhones) : [],
    mobilePhone: contact.mobile ?? null,
    businessAddress: {
      street: street || null,
      city: contact.city ?? null,
      state: contact.stateCode ?? null,
      postalCode: contact.zip ?? null,
      countryOrRegion: contact.countryCode ?? null,
    },
    businessHomePage: contact.website ?? null,
    personalNotes: contact.notes ?? null,
    singleValueExtendedProperties: [{ id: crmIdPropertyId, value: crmId }],
  };
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

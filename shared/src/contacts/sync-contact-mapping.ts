import type { SyncContact } from '../schemas/contact-sync.schemas';
import { normalizeEmail } from '../mail/mail-address';
import type { PostalAddress, TypedValue, VCardContact } from './vcard-contact';

const MOBILE_TYPES = ['cell', 'mobile', 'iphone'];

const preferredFirst = <Value extends { pref?: number }>(values: readonly Value[]): Value[] =>
  [...values].sort((left, right) => (left.pref ?? 100) - (right.pref ?? 100));
const orNull = (value: string | undefined) => (value && value.trim() ? value.trim() : null);

/** A contact with every synced field empty, `extra` on top (new contacts, tests). */
export function emptySyncContact(name: string, extra: Partial<SyncContact> = {}): SyncContact {
  return {
    name,
    isCompany: false,
    companyName: null,
    companyId: null,
    jobPosition: null,
    email: null,
    emails: [],
    phone: null,
    mobile: null,
    street: null,
    street2: null,
    zip: null,
    city: null,
    stateCode: null,
    countryCode: null,
    website: null,
    lang: null,
    notes: null,
    ...extra,
  };
}

/** The CRM's view of a vCard contact (the partner fields that sync). */
export function vcardToSyncContact(card: VCardContact): SyncContact {
  const emails = preferredFirst(card.emails)
    .map((email) => email.value.trim())
    .filter(Boolean);
  const mobile = card.phones.find((phone) =>
    phone.types.some((type) => MOBILE_TYPES.includes(type)),
  );
  const phone = preferredFirst(
    card.phones.filter((candidate) => candidate !== mobile && !candidate.types.includes('fax')),
  )[0];
  const address = preferredFirst(card.addresses)[0];
  const country = address?.country.trim();
  return {
    name: card.formattedName.trim() || emails[0] || 'Unnamed contact',
    isCompany: card.kind === 'org',
    companyName: orNull(card.organization?.name),
    companyId: null,
    jobPosition: orNull(card.title),
    email: emails[0] ?? null,
    emails: emails.slice(1),
    phone: orNull(phone?.value),
    mobile: orNull(mobile?.value),
    street: orNull(address?.street),
    street2: orNull(address?.extended),
    zip: orNull(address?.postalCode),
    city: orNull(address?.locality),
    stateCode: orNull(address?.region && address.region.length <= 16 ? address.region : undefined),
    countryCode: country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
    website: orNull(card.urls[0]?.value),
    lang: null,
    notes: orNull(card.note),
  };
}

/**
 * Write the CRM's values onto a card, keeping everything the CRM does not model (types, groups,
 * other phones, photo, unknown lines). A new card is made when `card` is absent.
 */
export function applySyncContactToVCard(contact: SyncContact, card?: VCardContact): VCardContact {
  const next: VCardContact = card
    ? structuredClone(card)
    : {
        sourceVersion: '4.0',
        formattedName: '',
        emails: [],
        phones: [],
        addresses: [],
        urls: [],
        categories: [],
        extraLines: [],
      };
  // Only what differs from the card's own CRM view is written: an unchanged field keeps its form.
  const current = card ? vcardToSyncContact(card) : undefined;
  const changed = (field: keyof SyncContact) =>
    !current || JSON.stringify(current[field]) !== JSON.stringify(contact[field]);
  const setOptional = <Key extends 'title' | 'note' | 'kind'>(
    key: Key,
    value: VCardContact[Key] | null,
  ) => {
    if (value === null || value === undefined || value === '') delete next[key];
    else next[key] = value;
  };
  if (changed('name')) {
    next.formattedName = contact.name;
    if (contact.isCompany) delete next.name;
    else next.name = splitName(contact.name, next.name);
  }
  if (changed('isCompany'))
    setOptional('kind', contact.isCompany ? 'org' : next.kind === 'org' ? null : next.kind);
  if (changed('companyName')) {
    if (contact.companyName)
      next.organization = { name: contact.companyName, units: next.organization?.units ?? [] };
    else delete next.organization;
  }
  if (changed('jobPosition')) setOptional('title', contact.jobPosition);
  if (changed('email') || changed('emails')) {
    next.emails = mergeEmails(
      next.emails,
      [contact.email, ...contact.emails].filter((email): email is string => !!email),
    );
  }
  if (changed('mobile')) next.phones = setPhone(next.phones, contact.mobile, 'mobile');
  if (changed('phone')) next.phones = setPhone(next.phones, contact.phone, 'phone');
  if ((['street', 'street2', 'zip', 'city', 'stateCode', 'countryCode'] as const).some(changed)) {
    next.addresses = setAddress(next.addresses, contact);
  }
  if (changed('website')) {
    next.urls = contact.website
      ? [{ ...(next.urls[0] ?? { types: [] }), value: contact.website }, ...next.urls.slice(1)]
      : next.urls.slice(1);
  }
  if (changed('notes')) setOptional('note', contact.notes);
  return next;
}

function splitName(
  name: string,
  previous: VCardContact['name'],
): NonNullable<VCardContact['name']> {
  const words = name.trim().split(/\s+/);
  const family = words.length > 1 ? words.pop()! : '';
  return {
    family,
    given: words.join(' '),
    additional: '',
    prefix: '',
    suffix: '',
    ...(previous?.params ? { params: previous.params } : {}),
  };
}

/** Addresses that stay keep their order, types and groups; the CRM's primary one becomes preferred. */
function mergeEmails(existing: TypedValue[], wanted: string[]): TypedValue[] {
  const wantedKeys = wanted.map(normalizeEmail);
  const existingKeys = new Set(existing.map((email) => normalizeEmail(email.value)));
  const result: TypedValue[] = [
    ...existing
      .filter((email) => wantedKeys.includes(normalizeEmail(email.value)))
      .map((email) => ({
        ...email,
        value: wanted[wantedKeys.indexOf(normalizeEmail(email.value))]!,
      })),
    ...wanted
      .filter((_, index) => !existingKeys.has(wantedKeys[index]!))
      .map((value) => ({ value, types: [] })),
  ];
  const primaryKey = wantedKeys[0];
  const currentPrimary = preferredFirst(result)[0];
  if (primaryKey && currentPrimary && normalizeEmail(currentPrimary.value) !== primaryKey) {
    for (const email of result) {
      if (normalizeEmail(email.value) === primaryKey) email.pref = 1;
      else if (email.pref === 1) delete email.pref;
    }
  }
  return result;
}

function setPhone(
  phones: TypedValue[],
  value: string | null,
  kind: 'phone' | 'mobile',
): TypedValue[] {
  const isMobile = (phone: TypedValue) => phone.types.some((type) => MOBILE_TYPES.includes(type));
  const index =
    kind === 'mobile'
      ? phones.findIndex(isMobile)
      : phones.indexOf(
          preferredFirst(
            phones.filter((phone) => !isMobile(phone) && !phone.types.includes('fax')),
          )[0]!,
        );
  if (!value) return index >= 0 ? phones.filter((_, position) => position !== index) : phones;
  if (index >= 0)
    return phones.map((phone, position) => (position === index ? { ...phone, value } : phone));
  return [...phones, { value, types: [kind === 'mobile' ? 'cell' : 'work'] }];
}

function setAddress(addresses: PostalAddress[], contact: SyncContact): PostalAddress[] {
  const wanted = [
    contact.street,
    contact.street2,
    contact.zip,
    contact.city,
    contact.stateCode,
    contact.countryCode,
  ];
  const sorted = preferredFirst(addresses);
  const first = sorted[0];
  const rest = addresses.filter((address) => address !== first);
  if (wanted.every((value) => !value)) return rest;
  const base: PostalAddress = first ?? {
    poBox: '',
    extended: '',
    street: '',
    locality: '',
    region: '',
    postalCode: '',
    country: '',
    types: ['work'],
  };
  // A country or region the CRM cannot hold as a code (`România`) stays as written.
  return [
    {
      ...base,
      street: contact.street ?? '',
      extended: contact.street2 ?? '',
      postalCode: contact.zip ?? '',
      locality: contact.city ?? '',
      region: contact.stateCode ?? (base.region.length > 16 ? base.region : ''),
      country: contact.countryCode ?? (/^[A-Za-z]{2}$/.test(base.country) ? '' : base.country),
    },
    ...rest,
  ];
}

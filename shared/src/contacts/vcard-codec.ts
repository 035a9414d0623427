import ICAL from 'ical.js';
import { convertVCard21To30 } from './vcard-21-prepass';
import type { PostalAddress, TypedValue, VCardContact, VCardVersion } from './vcard-contact';

type JCardParams = Record<string, string | string[]>;
type JCardProperty = [name: string, params: JCardParams, type: string, ...values: unknown[]];

/** Properties the model maps; every other one is kept as a raw line. */
const MAPPED = new Set([
  'BEGIN',
  'END',
  'VERSION',
  'UID',
  'FN',
  'N',
  'KIND',
  'ORG',
  'TITLE',
  'ROLE',
  'EMAIL',
  'TEL',
  'ADR',
  'URL',
  'NOTE',
  'CATEGORIES',
  'BDAY',
  'PHOTO',
  'REV',
  'X-CRM-ID',
]);
/** Parameters the model interprets (all others are kept per value). */
const INTERPRETED_PARAMS = new Set(['type', 'pref', 'group', 'value', 'encoding', 'charset']);

export interface VCardParseError {
  /** 0-based position of the card in the file. */
  index: number;
  message: string;
  /** First line of the card's name, for the import report. */
  excerpt: string;
}

export interface VCardParseResult {
  contacts: VCardContact[];
  errors: VCardParseError[];
}

/**
 * Parse a .vcf file (one or many cards; 2.1, 3.0, 4.0; CRLF, LF or CR; with or without BOM).
 * Each card is parsed alone (correct rules per version), so one bad card is one error row.
 * Pass bytes to get 2.1 charsets right; strings are taken as already-decoded text.
 */
export function parseVCards(input: string | Uint8Array): VCardParseResult {
  const cards = splitCards(input);
  const result: VCardParseResult = { contacts: [], errors: [] };
  cards.forEach((card, index) => {
    try {
      result.contacts.push(parseCard(card));
    } catch (error) {
      const fn = /^FN[^:]*:(.*)$/im.exec(card.text)?.[1] ?? '';
      result.errors.push({ index, message: (error as Error).message, excerpt: fn.slice(0, 80) });
    }
  });
  return result;
}

interface RawCard {
  text: string;
  /** The card as latin1 (bytes input only), for the 2.1 pre-pass. */
  latin1?: string;
}

function splitCards(input: string | Uint8Array): RawCard[] {
  const utf8 = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  const latin1 = typeof input === 'string' ? undefined : new TextDecoder('latin1').decode(input);
  const split = (text: string) =>
    text
      .replace(/^\uFEFF/, '')
      .replace(/^ï»¿/, '')
      .replace(/\r(?!\n)/g, '\r\n')
      .split(/^(?=BEGIN:VCARD\s*$)/im)
      .filter((chunk) => /^BEGIN:VCARD/i.test(chunk.trimStart()));
  const utf8Cards = split(utf8);
  const latin1Cards = latin1 ? split(latin1) : [];
  return utf8Cards.map((text, index) => ({
    text,
    latin1: latin1Cards.length === utf8Cards.length ? latin1Cards[index] : undefined,
  }));
}

function parseCard(card: RawCard): VCardContact {
  const version = /^VERSION:\s*(\S+)/im.exec(card.text)?.[1];
  const sourceVersion = version === '4.0' ? '4.0' : version === '2.1' ? '2.1' : '3.0';
  const text =
    sourceVersion === '2.1'
      ? convertVCard21To30(card.latin1 ?? card.text)
      : moveVersionFirst(card.text);
  const jcard = ICAL.parse(text) as unknown;
  const component = (
    Array.isArray(jcard) && typeof jcard[0] === 'string' ? jcard : (jcard as unknown[])[0]
  ) as [string, JCardProperty[], unknown[]];
  if (!component || component[0] !== 'vcard') throw new Error('not a vCard');
  const contact: VCardContact = {
    sourceVersion,
    formattedName: '',
    emails: [],
    phones: [],
    addresses: [],
    urls: [],
    categories: [],
    extraLines: unfoldedLines(text).filter((line) => !MAPPED.has(propertyName(line))),
  };
  for (const property of component[1]) readProperty(contact, property);
  if (!contact.formattedName) contact.formattedName = nameFromParts(contact);
  return contact;
}

/** ical.js picks 4.0 rules only when VERSION:4.0 is the first property (RFC 6350). */
function moveVersionFirst(text: string): string {
  const lines = text.split(/\r?\n/);
  const versionIndex = lines.findIndex((line) => /^VERSION:4\.0\s*$/i.test(line));
  if (versionIndex <= 1) return text;
  const [version] = lines.splice(versionIndex, 1);
  lines.splice(1, 0, version!);
  return lines.join('\r\n');
}

function unfoldedLines(text: string): string[] {
  return text
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .filter(Boolean);
}

function propertyName(line: string): string {
  return /^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)/.exec(line)?.[1]?.toUpperCase() ?? '';
}

const plainText = (value: unknown) => String(value ?? '').replace(/\\;/g, ';');
const asList = (value: string | string[] | undefined) =>
  value === undefined
    ? []
    : (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(','));

function readProperty(contact: VCardContact, [name, params, type, ...values]: JCardProperty): void {
  const first = values[0];
  switch (name) {
    case 'uid':
      contact.uid = String(first);
      break;
    case 'fn':
      contact.formattedName = plainText(first);
      break;
    case 'n': {
      const parts = structured(first, 5);
      if (parts.every((part) => !part) && !withParams(params).params) break;
      contact.name = {
        family: parts[0]!,
        given: parts[1]!,
        additional: parts[2]!,
        prefix: parts[3]!,
        suffix: parts[4]!,
        ...withParams(params),
      };
      break;
    }
    case 'kind':
      contact.kind = String(first).toLowerCase();
      break;
    case 'org': {
      const parts = Array.isArray(first) ? first.map(String) : values.map((value) => String(value));
      contact.organization = { name: parts[0] ?? '', units: parts.slice(1).filter(Boolean) };
      break;
    }
    case 'title':
      contact.title = plainText(first);
      break;
    case 'role':
      contact.role = plainText(first);
      break;
    case 'email':
      contact.emails.push(typedValue(String(first), params));
      break;
    case 'tel':
      // `tel:` URIs (4.0) and plain numbers are one thing in the model; written back per version.
      contact.phones.push(typedValue(String(first).replace(/^tel:/i, ''), params));
      break;
    case 'url':
      contact.urls.push(typedValue(String(first), params));
      break;
    case 'adr': {
      const parts = structured(first, 7);
      const typed = typedValue('', params);
      const address: PostalAddress = {
        poBox: parts[0]!,
        extended: parts[1]!,
        street: parts[2]!,
        locality: parts[3]!,
        region: parts[4]!,
        postalCode: parts[5]!,
        country: parts[6]!,
        types: typed.types,
      };
      if (typed.pref !== undefined) address.pref = typed.pref;
      if (typed.group) address.group = typed.group;
      if (typed.params) address.params = typed.params;
      contact.addresses.push(address);
      break;
    }
    case 'note':
      contact.note = plainText(first);
      break;
    case 'categories':
      contact.categories.push(...values.map((value) => plainText(value)).filter(Boolean));
      break;
    case 'bday':
      contact.birthday = String(first);
      break;
    case 'rev':
      contact.revision = String(first);
      break;
    case 'x-crm-id':
      contact.crmId = String(first);
      break;
    case 'photo': {
      const value = String(first);
      const dataUri = /^data:([^;,]+)?(;base64)?,(.*)$/is.exec(value);
      if (type === 'binary' || String(params.encoding ?? '').toLowerCase() === 'b') {
        const mediaType = asList(params.type)[0];
        contact.photo = { mediaType: mediaTypeOf(mediaType), base64: value.replace(/\s+/g, '') };
      } else if (dataUri?.[2]) {
        contact.photo = {
          mediaType: dataUri[1] ?? 'image/jpeg',
          base64: dataUri[3]!.replace(/\s+/g, ''),
        };
      } else {
        contact.photo = { uri: value };
      }
      break;
    }
    default:
      break; // VERSION, unmapped properties (kept raw in extraLines)
  }
}

function structured(value: unknown, length: number): string[] {
  const parts = Array.isArray(value) ? value : [value];
  return Array.from({ length }, (_, index) => {
    const part = parts[index];
    return Array.isArray(part) ? part.map(String).join(',') : String(part ?? '');
  });
}

function typedValue(value: string, params: JCardParams): TypedValue {
  const rawTypes = asList(params.type)
    .map((type) => type.trim().toLowerCase())
    .filter(Boolean);
  const types = rawTypes.filter((type) => type !== 'pref');
  const typed: TypedValue = { value, types };
  const pref =
    params.pref !== undefined ? Number(params.pref) : rawTypes.includes('pref') ? 1 : undefined;
  if (pref !== undefined && Number.isFinite(pref)) typed.pref = pref;
  if (typeof params.group === 'string') typed.group = params.group;
  return { ...typed, ...withParams(params) };
}

function withParams(params: JCardParams): { params?: JCardParams } {
  const extra = Object.fromEntries(
    Object.entries(params).filter(([key]) => !INTERPRETED_PARAMS.has(key)),
  );
  return Object.keys(extra).length ? { params: extra } : {};
}

function mediaTypeOf(type: string | undefined): string {
  if (!type) return 'image/jpeg';
  const lowered = type.toLowerCase();
  return lowered.includes('/') ? lowered : `image/${lowered === 'jpg' ? 'jpeg' : lowered}`;
}

function nameFromParts(contact: VCardContact): string {
  const parts = contact.name;
  const joined = parts
    ? [parts.prefix, parts.given, parts.additional, parts.family, parts.suffix]
        .filter(Boolean)
        .join(' ')
    : '';
  return joined || contact.organization?.name || contact.emails[0]?.value || '';
}

// ---------------------------------------------------------------- writing

/**
 * Write a contact as a vCard of the given version (rule 4: our own per-version writer, never a
 * flipped VERSION line). Unmapped properties are appended exactly as they came.
 */
export function serializeVCard(contact: VCardContact, version: VCardVersion = '4.0'): string {
  const v4 = version === '4.0';
  const props: JCardProperty[] = [['version', {}, 'text', version]];
  const add = (name: string, params: JCardParams, type: string, ...values: unknown[]) =>
    props.push([name, params, type, ...values]);
  if (contact.uid)
    add('uid', {}, v4 && /^urn:|^[a-z]+:/i.test(contact.uid) ? 'uri' : 'text', contact.uid);
  if (contact.kind) add('kind', {}, 'text', contact.kind);
  add('fn', {}, 'text', contact.formattedName);
  const name = contact.name;
  add(
    'n',
    name?.params ?? {},
    'text',
    name
      ? [name.family, name.given, name.additional, name.prefix, name.suffix]
      : ['', '', '', '', ''],
  );
  if (contact.organization) {
    add('org', {}, 'text', [contact.organization.name, ...contact.organization.units]);
  }
  if (contact.title) add('title', {}, 'text', contact.title);
  if (contact.role) add('role', {}, 'text', contact.role);
  for (const email of contact.emails)
    add('email', typedParams(email, v4, 'email'), 'text', email.value);
  // Text in both versions (4.0 as `TEL;VALUE=TEXT:` the way Thunderbird writes it).
  for (const phone of contact.phones)
    add('tel', typedParams(phone, v4, 'tel'), 'text', phone.value);
  for (const address of contact.addresses) {
    add('adr', typedParams({ ...address, value: '' }, v4, 'adr'), 'text', [
      address.poBox,
      address.extended,
      address.street,
      address.locality,
      address.region,
      address.postalCode,
      address.country,
    ]);
  }
  for (const url of contact.urls) add('url', typedParams(url, v4, 'url'), 'uri', url.value);
  if (contact.note) add('note', {}, 'text', contact.note);
  if (contact.categories.length) add('categories', {}, 'text', ...contact.categories);
  if (contact.birthday) add('bday', {}, v4 ? 'date-and-or-time' : 'date', contact.birthday);
  if (contact.photo) {
    if ('uri' in contact.photo) add('photo', {}, 'uri', contact.photo.uri);
    else if (v4)
      add('photo', {}, 'uri', `data:${contact.photo.mediaType};base64,${contact.photo.base64}`);
    else {
      const subtype = contact.photo.mediaType.replace(/^image\//, '').toUpperCase();
      add('photo', { encoding: 'b', type: subtype }, 'binary', contact.photo.base64);
    }
  }
  if (contact.crmId) add('x-crm-id', {}, 'unknown', contact.crmId);
  const revision = formatRevision(contact.revision, v4);
  if (revision) add('rev', {}, 'text', revision);
  const designSet = ICAL.design.getDesignSet(v4 ? 'vcard' : 'vcard3');
  const lines = props.map((property) => stringifyProperty(property, designSet));
  const extras = contact.extraLines.map((line) => ICAL.helpers.foldline(line));
  return ['BEGIN:VCARD', ...lines, ...extras, 'END:VCARD', ''].join('\r\n');
}

/**
 * ical.js text-escapes URI values (`data:image/jpeg;base64\\,…`), which other readers take
 * literally: URI values are written raw after ical.js has formatted name and parameters.
 */
function stringifyProperty(
  property: JCardProperty,
  designSet: ReturnType<typeof ICAL.design.getDesignSet>,
): string {
  if (property[2] !== 'uri') return ICAL.stringify.property(property, designSet, false) as string;
  const placeholder: JCardProperty = [property[0], property[1], 'uri', ''];
  const head = ICAL.stringify.property(placeholder, designSet, true) as string;
  return ICAL.helpers.foldline(head + String(property[3]));
}

/** Several contacts in one .vcf. */
export function serializeVCards(
  contacts: readonly VCardContact[],
  version: VCardVersion = '4.0',
): string {
  return contacts.map((contact) => serializeVCard(contact, version)).join('');
}

function typedParams(
  value: TypedValue,
  v4: boolean,
  kind: 'email' | 'tel' | 'adr' | 'url',
): JCardParams {
  const params: JCardParams = { ...(value.params ?? {}) };
  // 4.0 has no INTERNET / VOICE types (they are the defaults); 3.0 readers expect them as written.
  const types = v4
    ? value.types.filter(
        (type) =>
          !(kind === 'email' && type === 'internet') && !(kind === 'tel' && type === 'voice'),
      )
    : [...value.types];
  if (value.pref !== undefined) {
    if (v4) params.pref = String(value.pref);
    else if (value.pref === 1) types.push('pref');
  }
  if (types.length) params.type = types.length === 1 ? types[0]! : types;
  if (value.group) params.group = value.group;
  return params;
}

/** REV in the target version's format (4.0 basic `20261110T104000Z`, 3.0 extended `2026-11-10T10:40:00Z`). */
function formatRevision(revision: string | undefined, v4: boolean): string | undefined {
  if (!revision) return undefined;
  const digits = revision.replace(/[-:]/g, '');
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(?:\.\d+)?(Z)?)?$/.exec(digits);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  if (hour === undefined) return v4 ? `${year}${month}${day}` : `${year}-${month}-${day}`;
  return v4
    ? `${year}${month}${day}T${hour}${minute}${second}Z`
    : `${year}-${month}-${day}T${hour}:${minute}:${second}Z`;
}

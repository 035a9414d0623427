import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import allFreeMailDomains from 'email-providers/all.json';
import { domainToAscii, normalizeEmail as normalizeAddress } from '@inbox-crm/shared/mail';

export { companyNameFromDomain, domainToAscii } from '@inbox-crm/shared/mail';

/**
 * Matching keys for e-mails, phones, names and domains (crm-model.md §2.9, sync-and-mail.md §7 and
 * §9.3). The user's text is always stored as typed; these keys are what queries compare.
 */

/** The address part of `"Name" <a@b>` or of a bare address; the first one when several are given. */
export function extractEmailAddress(typed: string): string | undefined {
  const first = typed.split(/[,;](?=(?:[^"]*"[^"]*")*[^"]*$)/)[0]?.trim() ?? '';
  const angle = /<([^<>]*)>\s*$/.exec(first);
  const address = (angle?.[1] ?? first).trim().replace(/^mailto:/i, '');
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(address) ? address : undefined;
}

/** The display name of `"Name" <a@b>` (empty for a bare address). */
export function displayNameFromEmail(typed: string): string {
  const angle = /^(.*)<[^<>]*>\s*$/.exec(typed.trim());
  if (!angle?.[1]) return '';
  return angle[1]
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1')
    .trim();
}

/**
 * The lookup key of an e-mail typed as `a@b` or `"Name" <a@b>`: the address part, keyed as the
 * shared core keys it (NFC, lower-case, IDN domain as ASCII, dots and `+tags` kept). `null` when
 * no address is in the text.
 */
export function normalizeEmail(typed: string | null | undefined): string | null {
  if (!typed) return null;
  const address = extractEmailAddress(typed.normalize('NFC'));
  return address ? normalizeAddress(address) : null;
}

/** The domain of a normalized address, or `null`. */
export function domainOfNormalizedEmail(normalized: string | null | undefined): string | null {
  if (!normalized) return null;
  const at = normalized.lastIndexOf('@');
  return at < 0 ? null : normalized.slice(at + 1) || null;
}

// email-providers `all.json`, plus providers it lacks, minus example.com (documentation domain used
// by test data and fixtures, never a real provider) — sync-and-mail.md §7.
const freeMailDomains: ReadonlySet<string> = new Set(
  [
    ...(allFreeMailDomains as string[]),
    '139.com',
    'sohu.com',
    'googlemail.com',
    'hotmail.co.uk',
    'yahoo.ro',
  ].filter((domain) => domain !== 'example.com'),
);

/** A free-mail provider: its users are not one company. Exact match, no parent-domain matching. */
export function isFreeMailDomain(domain: string): boolean {
  return freeMailDomains.has(domainToAscii(domain));
}

/**
 * Odoo's `email_domain_criterion`: `@domain` for a company domain, the whole address for free-mail
 * providers (two Gmail users are not duplicates, two people at acme.ro are).
 */
export function emailDomainCriterion(normalized: string | null | undefined): string | null {
  const domain = domainOfNormalizedEmail(normalized);
  if (!normalized || !domain) return null;
  return isFreeMailDomain(domain) ? normalized : `@${domain}`;
}

/**
 * E.164 when the number parses (with the record's country for national numbers), else the digits
 * with a leading `+` when the user typed one; `null` when nothing number-like is there.
 */
export function sanitizePhone(
  typed: string | null | undefined,
  countryCode?: string | null,
): string | null {
  if (!typed?.trim()) return null;
  const country =
    countryCode && /^[A-Z]{2}$/.test(countryCode) ? (countryCode as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(
    typed,
    country ? { defaultCountry: country } : undefined,
  );
  if (parsed?.isPossible()) return parsed.number;
  const digits = typed.replace(/[^\d]/g, '');
  if (digits.length < 3) return null;
  return typed.trim().startsWith('+') ? `+${digits}` : digits;
}

/**
 * Search key of a name: NFC, Romanian cedilla letters folded to comma-below, accents removed,
 * lower-case, whitespace collapsed. Only for matching; the name is shown as typed.
 */
export function normalizeName(name: string | null | undefined): string {
  if (!name) return '';
  return name
    .normalize('NFC')
    .replace(/ş/g, 'ș')
    .replace(/Ş/g, 'Ș')
    .replace(/ţ/g, 'ț')
    .replace(/Ţ/g, 'Ț')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Odoo's `_clean_website`: `http://` prefixed when no scheme is given. */
export function cleanWebsite(website: string | null | undefined): string {
  const trimmed = website?.trim() ?? '';
  if (!trimmed) return '';
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}

/** The host of a website without `www.`, lower-case ASCII; `null` when it does not parse. */
export function domainOfWebsite(website: string | null | undefined): string | null {
  const cleaned = cleanWebsite(website);
  if (!cleaned) return null;
  try {
    const host = new URL(cleaned).hostname;
    return host ? host.replace(/^www\./, '') : null;
  } catch {
    return null;
  }
}

/** For anchored prefix searches on normalized fields (`$regex: ^…`). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

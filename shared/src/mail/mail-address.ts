import { addressParser, decodeWords } from 'postal-mime';

/** One mailbox as the user sees it: display name (may be empty) and address as written. */
export interface MailAddress {
  name: string;
  address: string;
}

/**
 * Normalized key for matching an e-mail address (sync-and-mail.md §9.3): trimmed, NFC, lower-cased
 * (local part compared case-insensitively), IDN domain converted to ASCII. Dots and `+tags` are
 * kept: stripping them is provider-specific. Display the original, match on this.
 */
export function normalizeEmail(address: string): string {
  const trimmed = address.trim().normalize('NFC');
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.toLowerCase();
  const local = trimmed.slice(0, at).toLowerCase();
  const domain = domainToAscii(trimmed.slice(at + 1));
  return `${local}@${domain}`;
}

/** The lower-cased ASCII domain of an address, or `undefined` when there is none. */
export function domainOfEmail(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0 || at === address.length - 1) return undefined;
  return domainToAscii(address.slice(at + 1).trim());
}

/** IDN → punycode through the URL parser (browsers and Node alike); falls back to lower case. */
export function domainToAscii(domain: string): string {
  const lowered = domain.trim().normalize('NFC').toLowerCase();
  if (/^[\x21-\x7e]*$/.test(lowered)) return lowered;
  try {
    return new URL(`http://${lowered}/`).hostname;
  } catch {
    return lowered;
  }
}

const looksLikeAddress = (value: string) => /^[^\s@<>]+@[^\s@<>]+$/.test(value);

/**
 * Parse one address header (From, To, Cc) into mailboxes, groups flattened. Handles RFC 2047
 * words. Broken clients send `Lindqvist, Margaret <m@x>` unquoted, which splits into a bogus
 * entry without an address: such pieces are glued back onto the following mailbox's name
 * (sync-and-mail.md §4.2).
 */
export function parseAddressList(header: string | undefined): MailAddress[] {
  if (!header || !header.trim()) return [];
  const parsed = addressParser(header, { flatten: true });
  const result: MailAddress[] = [];
  let pendingName: string[] = [];
  for (const entry of parsed) {
    const address = (entry.address ?? '').trim();
    const name = decodeWords(entry.name ?? '').trim();
    if (!address || !looksLikeAddress(address)) {
      const fallback = lastAngleAddress(address || name);
      if (fallback) {
        result.push({
          name: [...pendingName, fallback.name].filter(Boolean).join(', '),
          address: fallback.address,
        });
        pendingName = [];
      } else if (name || address) {
        pendingName.push(name || address);
      }
      continue;
    }
    result.push({ name: [...pendingName, name].filter(Boolean).join(', '), address });
    pendingName = [];
  }
  return result;
}

/** Parse a single-mailbox header (From, Sender). Falls back to the last `<…@…>` in the text. */
export function parseMailbox(header: string | undefined): MailAddress | undefined {
  if (!header || !header.trim()) return undefined;
  const [first] = parseAddressList(header);
  if (first) return first;
  return lastAngleAddress(decodeWords(header));
}

function lastAngleAddress(text: string): MailAddress | undefined {
  const matches = [...text.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)];
  const last = matches.at(-1);
  if (!last || last.index === undefined) return undefined;
  const name = text
    .slice(0, last.index)
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();
  return { name, address: last[1] ?? '' };
}

/** "Margaret Lindqvist <m@x>" for display; never used for matching. */
export function formatMailAddress(mailbox: MailAddress): string {
  if (!mailbox.name) return mailbox.address;
  const needsQuotes = /[",;:<>@()[\]\\]/.test(mailbox.name);
  const name = needsQuotes ? `"${mailbox.name.replace(/(["\\])/g, '\\$1')}"` : mailbox.name;
  return `${name} <${mailbox.address}>`;
}

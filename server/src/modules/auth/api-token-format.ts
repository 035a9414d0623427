import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { apiTokenPattern } from '@inbox-crm/shared/schemas';

const base62Alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const tokenPrefix = 'icrm_';
const bodyLength = 43; // 32 bytes = 256 bits need 43 base62 digits
const checksumLength = 6; // CRC32 < 62^6

function toBase62(value: bigint, length: number): string {
  let digits = '';
  let rest = value;
  while (rest > 0n) {
    digits = base62Alphabet[Number(rest % 62n)] + digits;
    rest /= 62n;
  }
  return digits.padStart(length, '0');
}

function checksumOf(body: string): string {
  return toBase62(BigInt(crc32(body)), checksumLength);
}

/** A new secret: `icrm_` + base62(32 random bytes) + base62(CRC32) — 54 characters. */
export function generateApiToken(): string {
  const body = toBase62(BigInt(`0x${randomBytes(32).toString('hex')}`), bodyLength);
  return `${tokenPrefix}${body}${checksumOf(body)}`;
}

/** True when the string has our shape and its checksum matches (typos fail before any lookup). */
export function isWellFormedApiToken(candidate: string): boolean {
  if (!apiTokenPattern.test(candidate)) return false;
  const body = candidate.slice(tokenPrefix.length, tokenPrefix.length + bodyLength);
  return checksumOf(body) === candidate.slice(tokenPrefix.length + bodyLength);
}

/** Bearer values that are meant as personal API tokens rather than Entra JWTs. */
export function looksLikeApiToken(candidate: string): boolean {
  return candidate.startsWith(tokenPrefix);
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** What lists show: enough to tell tokens apart, far too little to use. */
export function displayPrefixOf(token: string): string {
  return token.slice(0, tokenPrefix.length + 4);
}

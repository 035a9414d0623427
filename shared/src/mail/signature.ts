/** What a sender's signature block tells about them. */
export interface SignatureDetails {
  jobTitle?: string;
  companyName?: string;
  phone?: string;
  mobile?: string;
}

const LEGAL_FORM =
  /\b(?:ltd|limited|llc|llp|inc|corp|corporation|plc|gmbh|ag|kg|srl|s\.r\.l\.|sa|s\.a\.|sas|sarl|bv|b\.v\.|nv|ab|as|asa|oy|spa|s\.p\.a\.|kk|pty|co\.)\b|有限公司|公司|集团|株式会社/iu;
const PHONE = /(\+?\d[\d\s()./-]{6,}\d)/u;
const MOBILE_LABEL = /\b(?:mobile|mob|cell|handy|mobil)\b|手机|携帯/iu;
const NOISE_LABELS = new Set([
  'www',
  'mail',
  'email',
  'smtp',
  'example',
  'com',
  'net',
  'org',
  'co',
  'uk',
  'cn',
  'ro',
  'de',
]);

/** Tokens of a domain that a company name probably contains (`bluefin-logistics.example.com` → bluefin, logistics). */
export function domainNameTokens(domain: string): string[] {
  const labels = domain.toLowerCase().split('.').slice(0, -1);
  return labels
    .filter((label) => !NOISE_LABELS.has(label))
    .flatMap((label) => label.split(/[-_]/))
    .filter((token) => token.length >= 4);
}

/** A readable company name from a domain (`bluefin-logistics.example.com` → `Bluefin Logistics`). */
export function companyNameFromDomain(domain: string): string {
  const label =
    domain
      .toLowerCase()
      .split('.')
      .slice(0, -1)
      .find((part) => !NOISE_LABELS.has(part)) ?? domain;
  return label
    .split(/[-_]/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * Read the signature below the sender's name in the unquoted part of a plain-text body: job title,
 * company (a line with a legal form or a word of the sender's domain), phone and mobile.
 */
export function extractSignature(
  text: string,
  senderName: string,
  senderDomain?: string,
): SignatureDetails {
  const lines = unquotedLines(text);
  const block = signatureBlock(lines, senderName);
  const details: SignatureDetails = {};
  const tokens = senderDomain ? domainNameTokens(senderDomain) : [];
  for (const line of block) {
    for (const piece of line.split(/\s*[|,]\s*(?=\S)/u)) {
      const part = piece.trim();
      if (!part || /@|https?:|www\./i.test(part)) continue;
      const phone = part.match(PHONE);
      if (phone && /\d{6,}/.test(phone[1]!.replace(/\D/g, ''))) {
        const number = phone[1]!.trim();
        if (MOBILE_LABEL.test(part)) details.mobile ??= number;
        else details.phone ??= number;
        continue;
      }
      const lowered = part.toLowerCase();
      const looksLikeCompany =
        LEGAL_FORM.test(part) || tokens.some((token) => lowered.includes(token));
      if (looksLikeCompany && !details.companyName) details.companyName = part;
      else if (!details.jobTitle && !looksLikeCompany && part.length <= 80 && !/\d{3,}/.test(part))
        details.jobTitle = part;
    }
  }
  return details;
}

function unquotedLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const quoteStart = lines.findIndex(
    (line) =>
      line.startsWith('>') || /^-{2,}\s*(original message|forwarded message)/i.test(line.trim()),
  );
  return (quoteStart >= 0 ? lines.slice(0, quoteStart) : lines).map((line) => line.trim());
}

function signatureBlock(lines: string[], senderName: string): string[] {
  const name = senderName.normalize('NFC').trim().toLowerCase();
  let start = -1;
  if (name) {
    for (let index = lines.length - 1; index >= 0; index -= 1) {
      const line = lines[index]!.normalize('NFC').toLowerCase();
      if (line === name || (line.startsWith(name) && line.length <= name.length + 3)) {
        start = index + 1;
        break;
      }
    }
  }
  if (start < 0) {
    const dashes = lines.lastIndexOf('--');
    if (dashes < 0) return [];
    start = dashes + 2; // the line after `-- ` is usually the name
  }
  const block: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line) {
      if (block.length) break;
      continue;
    }
    if (/^on .+(wrote|schrieb)|^am .+schrieb/i.test(line)) break;
    block.push(line);
    if (block.length === 6) break;
  }
  return block;
}

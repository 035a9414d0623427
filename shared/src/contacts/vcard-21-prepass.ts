/**
 * vCard 2.1 (Outlook "Save as vCard") → 3.0 text that ical.js can parse (sync-and-mail.md §3.4):
 * quoted-printable soft breaks joined, bare type params turned into `TYPE=`, QP values decoded
 * with their CHARSET through `TextDecoder`, `VERSION:2.1` → `VERSION:3.0`.
 *
 * `latin1Text` is the card decoded as latin1, so every original byte is one char code.
 */
export function convertVCard21To30(latin1Text: string): string {
  const physical = latin1Text.split(/\r\n|\n|\r/);
  const logical: string[] = [];
  for (let index = 0; index < physical.length; index += 1) {
    let line = physical[index]!;
    if (/^[ \t]/.test(line) && logical.length) {
      logical[logical.length - 1] += line.slice(1);
      continue;
    }
    if (isQuotedPrintable(line)) {
      while (line.endsWith('=') && index + 1 < physical.length) {
        line = line.slice(0, -1) + physical[index + 1]!;
        index += 1;
      }
    }
    logical.push(line);
  }
  return logical
    .filter((line) => line.length > 0)
    .map(convertLine)
    .join('\r\n')
    .concat('\r\n');
}

function isQuotedPrintable(line: string): boolean {
  const colon = nameAndParamsEnd(line);
  return /;(?:ENCODING=)?QUOTED-PRINTABLE\b/i.test(line.slice(0, colon));
}

/** Index of the colon that ends name and params (params may be quoted). */
function nameAndParamsEnd(line: string): number {
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (char === '"') quoted = !quoted;
    else if (char === ':' && !quoted) return index;
  }
  return -1;
}

const STRUCTURED = new Set(['N', 'ADR', 'ORG']);

function convertLine(line: string): string {
  const colon = nameAndParamsEnd(line);
  if (colon < 0) return line;
  const [nameWithGroup, ...rawParams] = line.slice(0, colon).split(';');
  let value = line.slice(colon + 1);
  const name = nameWithGroup!.replace(/^.*\./, '').toUpperCase();
  if (name === 'VERSION') return `${nameWithGroup}:3.0`;
  const types: string[] = [];
  const kept: string[] = [];
  let charset: string | undefined;
  let quotedPrintable = false;
  for (const param of rawParams) {
    const [key, ...rest] = param.split('=');
    const paramValue = rest.join('=');
    const upperKey = key!.trim().toUpperCase();
    if (!rest.length) {
      if (upperKey === 'QUOTED-PRINTABLE') quotedPrintable = true;
      else if (upperKey === 'BASE64' || upperKey === 'B') kept.push('ENCODING=b');
      else if (upperKey) types.push(key!.trim());
    } else if (upperKey === 'ENCODING') {
      const encoding = paramValue.toUpperCase();
      if (encoding === 'QUOTED-PRINTABLE') quotedPrintable = true;
      else if (encoding === 'BASE64' || encoding === 'B') kept.push('ENCODING=b');
      else if (encoding !== '8BIT' && encoding !== '7BIT') kept.push(param);
    } else if (upperKey === 'CHARSET') {
      charset = paramValue;
    } else if (upperKey === 'TYPE') {
      types.push(...paramValue.split(','));
    } else {
      kept.push(param);
    }
  }
  if (quotedPrintable) {
    const parts = STRUCTURED.has(name) ? splitUnescaped(value, ';') : [value];
    value = parts
      .map((part) => escapeText(decodeText(decodeQuotedPrintable(part), charset)))
      .join(';');
  } else if (/[\x80-\xff]/.test(value)) {
    // 8-bit text without QP: only the charset changes, the escapes stay as written.
    value = decodeText(latin1Bytes(value), charset);
  }
  const params = [...(types.length ? [`TYPE=${types.join(',')}`] : []), ...kept];
  return [nameWithGroup, ...params].join(';') + ':' + value;
}

function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index]!;
    if (char === '\\' && index + 1 < value.length) {
      current += value[index + 1];
      index += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function decodeQuotedPrintable(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    const hex = text.slice(index + 1, index + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(char.charCodeAt(0) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

function decodeText(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const escapeText = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\r\n|\n|\r/g, '\\n');

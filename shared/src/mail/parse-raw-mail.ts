import PostalMime, { type Attachment, type Email } from 'postal-mime';
import { parseAddressList, parseMailbox, type MailAddress } from './mail-address';
import {
  normalizeMessageId,
  parseMessageIdList,
  type MailAttachment,
  type MailMessage,
} from './mail-message';
import { htmlToText } from './html-to-text';

export class MailParseError extends Error {
  override readonly name = 'MailParseError';
}

const MAX_FORWARD_DEPTH = 3;

/**
 * Parse a raw .eml with postal-mime into the host-neutral `MailMessage`. Forwarded mails
 * (`message/rfc822` parts) are parsed too, up to three levels deep.
 */
export async function parseRawMail(raw: Uint8Array | ArrayBuffer | string): Promise<MailMessage> {
  return parseAtDepth(raw, 0);
}

async function parseAtDepth(
  raw: Uint8Array | ArrayBuffer | string,
  depth: number,
): Promise<MailMessage> {
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    throw new MailParseError(`This mail could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const header = (key: string) => email.headers.find((entry) => entry.key === key)?.value;
  const forwarded: MailMessage[] = [];
  const attachments: MailAttachment[] = [];
  for (const part of email.attachments) {
    if (part.mimeType.toLowerCase() === 'message/rfc822' && depth < MAX_FORWARD_DEPTH) {
      try {
        forwarded.push(await parseAtDepth(toBytes(part.content), depth + 1));
      } catch {
        // An unreadable forwarded part stays an ordinary attachment below.
      }
    }
    attachments.push(toMailAttachment(part));
  }
  const rawHtml = email.html || undefined;
  const text = normalizeLineEnds(email.text ?? (rawHtml ? htmlToText(rawHtml) : ''));
  return {
    messageId: normalizeMessageId(email.messageId),
    inReplyTo: parseMessageIdList(email.inReplyTo)[0],
    references: parseMessageIdList(email.references),
    from: fromMailbox(email, header('from')),
    replyTo: (email.replyTo ?? []).flatMap(flattenAddress),
    to: addressesOf(email.to, header('to')),
    cc: addressesOf(email.cc, header('cc')),
    date: toIsoDate(email.date),
    subject: stripLeadingReplacementCharacter(email.subject ?? '', header('subject')),
    text,
    rawHtml,
    organization: header('organization')?.trim() || undefined,
    attachments,
    forwarded,
  };
}

function fromMailbox(email: Email, rawHeader: string | undefined): MailAddress | undefined {
  const parsed = email.from ? flattenAddress(email.from)[0] : undefined;
  if (parsed?.address) return parsed;
  // postal-mime loses `Lindqvist, Margaret <m@x>` (unquoted comma): re-read the raw header.
  return parseMailbox(rawHeader);
}

function addressesOf(parsed: Email['to'], rawHeader: string | undefined): MailAddress[] {
  const list = (parsed ?? []).flatMap(flattenAddress);
  if (list.every((entry) => entry.address)) return list;
  return parseAddressList(rawHeader);
}

function flattenAddress(address: NonNullable<Email['from']>): MailAddress[] {
  if (address.group)
    return address.group.map((member) => ({ name: member.name, address: member.address }));
  return [{ name: address.name, address: address.address }];
}

function toMailAttachment(part: Attachment): MailAttachment {
  const bytes = toBytes(part.content);
  const contentId = part.contentId?.replace(/^<|>$/g, '') || undefined;
  return {
    fileName: part.filename || defaultFileName(part.mimeType),
    contentType: part.mimeType,
    size: bytes.byteLength,
    disposition: part.disposition === 'inline' ? 'inline' : 'attachment',
    contentId,
    related: part.related === true,
    calendarMethod: part.method,
    getContent: async () => bytes,
  };
}

function defaultFileName(mimeType: string): string {
  if (mimeType === 'message/rfc822') return 'forwarded-message.eml';
  if (mimeType === 'text/calendar') return 'invite.ics';
  return 'attachment';
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function normalizeLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function toIsoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Chromium's shared ISO-2022-JP decoder prefixes a second encoded word with U+FFFD (§4.3). */
function stripLeadingReplacementCharacter(subject: string, rawHeader: string | undefined): string {
  if (subject.startsWith('\uFFFD') && /=\?iso-2022-jp\?/i.test(rawHeader ?? ''))
    return subject.slice(1);
  return subject;
}

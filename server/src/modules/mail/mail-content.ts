import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MailAddress, ParsedMailDescriptor } from '@inbox-crm/shared/schemas';
import { ValidationError } from '../../errors/app-error';
import { normalizeMessageId } from '../messages/message.service';

/** One file of the mail, ready for `storeAttachment`. */
export interface MailAttachment {
  fileName: string;
  contentType: string;
  content: Buffer;
  /** Inline part referenced from the HTML (`cid:`). */
  contentId?: string;
}

/** The mail as the server stores it: the client's headers and text, completed from the .eml. */
export interface MailContent {
  messageId: string;
  /** True when the mail had no Message-ID and `messageId` is derived from its content. */
  derivedMessageId: boolean;
  inReplyTo?: string;
  references: string[];
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  date?: Date;
  bodyText?: string;
  bodyHtml?: string;
  attachments: MailAttachment[];
  /** The raw message, archived as an attachment when the client sent it. */
  eml?: Buffer;
  host: ParsedMailDescriptor['host'];
}

/**
 * Completes the client's description of a mail with the raw .eml (parsed with mailparser:
 * charsets through iconv-lite, RFC 2231 names — `sync-and-mail.md` §4). What the user saw in the
 * client wins for headers it sent; attachments only ever come from the .eml.
 */
export async function buildMailContent(
  mail: ParsedMailDescriptor,
  eml: Buffer | undefined,
): Promise<MailContent> {
  const parsed = eml ? await parseEml(eml) : undefined;
  const messageIdHeader = mail.messageId ?? parsed?.messageId;
  const references = mail.references.length > 0 ? mail.references : referencesOf(parsed);
  const inReplyTo =
    mail.inReplyTo ?? (parsed?.inReplyTo ? normalizeMessageId(parsed.inReplyTo) : undefined);
  const bodyText = mail.bodyText ?? parsed?.text ?? undefined;
  const bodyHtml = mail.bodyHtml ?? (typeof parsed?.html === 'string' ? parsed.html : undefined);
  const date = mail.date ? new Date(mail.date) : parsed?.date;
  const content: Omit<MailContent, 'messageId' | 'derivedMessageId'> = {
    ...(inReplyTo ? { inReplyTo } : {}),
    references: references.map(normalizeMessageId),
    subject: mail.subject || parsed?.subject || '',
    from: mail.from,
    to: mail.to.length > 0 ? mail.to : addressesOf(parsed?.to),
    cc: mail.cc.length > 0 ? mail.cc : addressesOf(parsed?.cc),
    ...(date ? { date } : {}),
    ...(bodyText !== undefined ? { bodyText } : {}),
    ...(bodyHtml !== undefined ? { bodyHtml } : {}),
    attachments: (parsed?.attachments ?? [])
      .filter((attachment) => attachment.content.length > 0)
      .map((attachment, index) => ({
        fileName:
          attachment.filename ?? `attachment-${index + 1}${extensionFor(attachment.contentType)}`,
        contentType: attachment.contentType || 'application/octet-stream',
        content: attachment.content,
        ...(attachment.contentId && attachment.related ? { contentId: attachment.contentId } : {}),
      })),
    ...(eml ? { eml } : {}),
    host: mail.host,
  };
  if (messageIdHeader)
    return { ...content, messageId: normalizeMessageId(messageIdHeader), derivedMessageId: false };
  return { ...content, messageId: derivedMessageId(content), derivedMessageId: true };
}

async function parseEml(eml: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true });
  } catch {
    throw new ValidationError([
      { field: 'body.eml', message: 'is not a readable RFC 5322 message' },
    ]);
  }
}

/**
 * A mail without Message-ID still needs one stable key, so that importing it twice gives one
 * record: a hash of sender, date, subject and text (line ends and outer blanks normalized),
 * shaped as a msg-id so thread lookups treat it like any other.
 */
function derivedMessageId(
  mail: Pick<MailContent, 'from' | 'date' | 'subject' | 'bodyText'>,
): string {
  const text = (mail.bodyText ?? '').replace(/\r\n?/g, '\n').trim();
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        mail.from.address.toLowerCase(),
        mail.date?.toISOString() ?? '',
        mail.subject.trim(),
        text,
      ]),
    )
    .digest('hex');
  return `<sha256-${hash.slice(0, 40)}@no-message-id.inbox-crm>`;
}

function referencesOf(parsed: ParsedMail | undefined): string[] {
  if (!parsed?.references) return [];
  return Array.isArray(parsed.references)
    ? parsed.references
    : parsed.references.split(/\s+/).filter(Boolean);
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  return objects
    .flatMap((object) => object.value)
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .filter((entry) => entry.address)
    .map((entry) => ({ address: entry.address!, ...(entry.name ? { name: entry.name } : {}) }));
}

function extensionFor(contentType: string): string {
  if (contentType === 'message/rfc822') return '.eml';
  if (contentType === 'text/calendar') return '.ics';
  return '';
}

/** Plain text as chatter HTML (escaped, paragraphs and line breaks kept). */
export function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return escaped
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export function formatAddress(address: MailAddress): string {
  return address.name
    ? `"${address.name.replace(/"/g, "'")}" <${address.address}>`
    : address.address;
}

/** File name for the archived .eml: the subject, made safe, or a fallback. */
export function emlFileName(subject: string): string {
  const printable = [...subject]
    .map((character) => (character.charCodeAt(0) < 32 ? ' ' : character))
    .join('');
  const base = printable
    .replace(/[\\/:*?"<>|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return `${base || 'mail'}.eml`;
}

import type { MailAddress, MailSummary } from '@inbox-crm/shared/mail';
import { normalizeMessageId, parseMessageIdList } from '@inbox-crm/shared/mail';
import { callOffice } from './office-async';
import type { HostCapabilities } from './requirement-sets';

export type OutlookMessageItem = Office.MessageRead;

/** Something the host could not give, told to the user rather than silently skipped. */
export type ContentGap =
  | 'eml-unavailable' // Mailbox < 1.14: the .eml is rebuilt from body, headers and attachments
  | 'attachments-unavailable' // Mailbox < 1.8: attachment files cannot be read
  | 'attachment-skipped'; // the host refused one attachment (cloud file, unsupported kind)

export interface MailFile {
  name: string;
  contentType: string;
  /** Base64, as Office hands it over. */
  base64: string;
}

function toAddress(
  details: Office.EmailAddressDetails | undefined | null,
): MailAddress | undefined {
  const address = typeof details?.emailAddress === 'string' ? details.emailAddress.trim() : '';
  if (!address) return undefined;
  return { name: String(details?.displayName ?? '').trim(), address };
}

function toAddresses(list: Office.EmailAddressDetails[] | undefined | null): MailAddress[] {
  return (Array.isArray(list) ? list : [])
    .map(toAddress)
    .filter((entry): entry is MailAddress => entry !== undefined);
}

/**
 * The Mailbox 1.1 properties of a message as shared's host-neutral summary. Office hands out
 * nested objects that are not plain data (office-addin-mock, some hosts): every field is copied.
 */
export function toMailSummary(item: OutlookMessageItem): MailSummary {
  const created = item.dateTimeCreated;
  const summary: MailSummary = {
    hostId: String(item.itemId ?? ''),
    subject: String(item.subject ?? ''),
    to: toAddresses(item.to),
    cc: toAddresses(item.cc),
  };
  const messageId = normalizeMessageId(item.internetMessageId ?? undefined);
  if (messageId) summary.messageId = messageId;
  const from = toAddress(item.from) ?? toAddress(item.sender);
  if (from) summary.from = from;
  if (created instanceof Date && !Number.isNaN(created.getTime()))
    summary.date = created.toISOString();
  return summary;
}

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function readBody(item: OutlookMessageItem, coercion: 'html' | 'text'): Promise<string> {
  return callOffice<string>(`Reading the mail body (${coercion})`, (callback) =>
    item.body.getAsync(coercion as Office.CoercionType, callback),
  );
}

async function readAttachmentFiles(
  item: OutlookMessageItem,
  gaps: Set<ContentGap>,
): Promise<MailFile[]> {
  // Attachment ids expire when the pane closes: read the list and fetch everything in one go.
  const files: MailFile[] = [];
  for (const attachment of item.attachments ?? []) {
    let content: Office.AttachmentContent;
    try {
      content = await callOffice<Office.AttachmentContent>(
        `Reading the attachment ${attachment.name}`,
        (callback) => item.getAttachmentContentAsync(attachment.id, callback),
      );
    } catch {
      gaps.add('attachment-skipped');
      continue;
    }
    const format = String(content.format).toLowerCase();
    if (format === 'base64') {
      files.push({
        name: attachment.name,
        contentType: attachment.contentType || 'application/octet-stream',
        base64: content.content,
      });
    } else if (format === 'eml') {
      files.push({
        name: attachment.name.replace(/(\.eml)?$/i, '.eml'),
        contentType: 'message/rfc822',
        base64: encodeBase64(content.content),
      });
    } else {
      // `url` (cloud attachments) and `iCalendar` items are not files we can archive.
      gaps.add('attachment-skipped');
    }
  }
  return files;
}

/**
 * Outlook below Mailbox 1.14 cannot export the message: rebuild an RFC 5322 message from what it
 * can give (headers, both bodies, attachments from 1.8) so the CRM still archives one `.eml`. The
 * MIME writer is loaded only on such hosts.
 */
async function rebuildRawMail(
  item: OutlookMessageItem,
  summary: MailSummary,
  capabilities: HostCapabilities,
  gaps: Set<ContentGap>,
): Promise<Uint8Array> {
  const [{ createMimeMessage }, text, html] = await Promise.all([
    import('mimetext/browser'),
    readBody(item, 'text'),
    readBody(item, 'html'),
  ]);
  const message = createMimeMessage();
  if (summary.from) message.setSender({ name: summary.from.name, addr: summary.from.address });
  if (summary.to?.length)
    message.setTo(summary.to.map((entry) => ({ name: entry.name, addr: entry.address })));
  if (summary.cc?.length)
    message.setCc(summary.cc.map((entry) => ({ name: entry.name, addr: entry.address })));
  message.setSubject(summary.subject);
  if (summary.messageId) message.setHeader('Message-ID', summary.messageId);
  if (summary.date) message.setHeader('Date', new Date(summary.date).toUTCString());
  message.setHeader('X-Inbox-Crm-Source', 'outlook-rebuilt');
  message.addMessage({ contentType: 'text/plain', data: text });
  message.addMessage({ contentType: 'text/html', data: html });
  if ((item.attachments?.length ?? 0) > 0) {
    if (capabilities.attachmentContent) {
      for (const file of await readAttachmentFiles(item, gaps)) {
        message.addAttachment({
          filename: file.name,
          contentType: file.contentType,
          data: file.base64,
        });
      }
    } else {
      gaps.add('attachments-unavailable');
    }
  }
  return new TextEncoder().encode(message.asRaw());
}

/**
 * The raw bytes of a message: `getAsFileAsync` (Mailbox 1.14), otherwise a rebuilt message. The
 * gaps found on the way are added to `gaps` so the pane can tell the user what was not archived.
 */
export async function readRawMail(
  item: OutlookMessageItem,
  capabilities: HostCapabilities,
  gaps: Set<ContentGap>,
): Promise<Uint8Array> {
  if (capabilities.emlFile && typeof item.getAsFileAsync === 'function') {
    const base64 = await callOffice<string>('Exporting the mail as .eml', (callback) =>
      item.getAsFileAsync(callback),
    );
    return decodeBase64(base64);
  }
  gaps.add('eml-unavailable');
  return rebuildRawMail(item, toMailSummary(item), capabilities, gaps);
}

/** The value of one header in a raw header block (unfolded), or undefined. */
function headerValue(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded
    .split(/\r?\n/)
    .find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** In-Reply-To and References of a message (Mailbox 1.8 `getAllInternetHeadersAsync`). */
export async function readThreadIds(
  item: OutlookMessageItem,
): Promise<Pick<MailSummary, 'inReplyTo' | 'references'>> {
  if (typeof item.getAllInternetHeadersAsync !== 'function') return {};
  const headers = await callOffice<string>('Reading the mail headers', (callback) =>
    item.getAllInternetHeadersAsync(callback),
  );
  const [inReplyTo] = parseMessageIdList(headerValue(headers, 'In-Reply-To'));
  const references = parseMessageIdList(headerValue(headers, 'References'));
  return { ...(inReplyTo ? { inReplyTo } : {}), ...(references.length ? { references } : {}) };
}

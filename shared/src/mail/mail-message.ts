import type { MailAddress } from './mail-address';

/** An attachment whose bytes are read only when needed (uploads, previews). */
export interface MailAttachment {
  fileName: string;
  contentType: string;
  /** Decoded size in bytes when known. */
  size?: number;
  disposition: 'attachment' | 'inline';
  /** Content-ID without angle brackets (matches `cid:` references in the HTML). */
  contentId?: string;
  /** Part of a multipart/related body (an inline image, not a document of the deal). */
  related: boolean;
  /** `method` of a text/calendar part: an invitation, attached, never rendered as the body. */
  calendarMethod?: string;
  getContent(): Promise<Uint8Array>;
}

/**
 * One mail as both hosts see it. `rawHtml` is exactly what the sender wrote: never render it,
 * pass it through `sanitizeMailHtml` first.
 */
export interface MailMessage {
  /** RFC 5322 msg-id in its `<…>` form; absent for some mails (see `mailIdempotencyKey`). */
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from?: MailAddress;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** ISO 8601, UTC. */
  date?: string;
  subject: string;
  /** Plain text body with `\n` line ends (derived from the HTML when the mail has no text part). */
  text: string;
  rawHtml?: string;
  /** The `Organization:` header when present (a company-name hint). */
  organization?: string;
  attachments: MailAttachment[];
  /** Mails forwarded as `message/rfc822` attachments, parsed (the lead is often in there). */
  forwarded: MailMessage[];
}

/** What a host adapter can tell about a selected mail without downloading it. */
export interface MailSummary {
  /** The host's own id for the item (Outlook itemId, Thunderbird message id). */
  hostId: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  subject: string;
  from?: MailAddress;
  to?: MailAddress[];
  cc?: MailAddress[];
  date?: string;
}

/** A selected mail handed to the use cases by a host adapter. */
export interface MailSource {
  summary: MailSummary;
  /** The raw RFC 5322 bytes (.eml). Called at most once per use-case run. */
  getRaw(): Promise<Uint8Array>;
}

/** `<id@host>` form of a Message-ID, whether the host gave it with or without brackets. */
export function normalizeMessageId(id: string | undefined): string | undefined {
  const trimmed = id?.trim();
  if (!trimmed) return undefined;
  const bare = trimmed.replace(/^<+/, '').replace(/>+$/, '').trim();
  return bare ? `<${bare}>` : undefined;
}

/** All msg-ids of a References/In-Reply-To header, in order, normalized. */
export function parseMessageIdList(header: string | undefined): string[] {
  if (!header) return [];
  const bracketed = header.match(/<[^<>\s]+>/g);
  const ids = bracketed ?? header.split(/[\s,]+/);
  return ids.map(normalizeMessageId).filter((id): id is string => id !== undefined);
}

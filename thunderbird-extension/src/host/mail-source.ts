import {
  type MailSource,
  type MailSummary,
  normalizeMessageId,
  parseAddressList,
  parseMailbox,
  parseMessageIdList,
} from '@inbox-crm/shared/mail';
import type { MessageHeader, MessageList, MessagesApi } from './thunderbird-api';

// Reading mails out of Thunderbird: whole selections (paged by continueList) and the raw .eml.

/** Every message of a (possibly paged) MessageList, reporting progress per page. */
export async function collectMessageList(
  messages: Pick<MessagesApi, 'continueList'>,
  firstPage: MessageList,
  onPage?: (collectedSoFar: number) => void,
): Promise<MessageHeader[]> {
  const collected = [...firstPage.messages];
  onPage?.(collected.length);
  let nextId = firstPage.id;
  while (nextId) {
    const page = await messages.continueList(nextId);
    collected.push(...page.messages);
    onPage?.(collected.length);
    nextId = page.id;
  }
  return collected;
}

const mozillaStatusLine = /^X-Mozilla-(?:Status|Status2|Keys):[^\n]*\n/;

/**
 * Thunderbird prepends X-Mozilla-Status/Status2/Keys lines (bare LF) to mails stored in mbox
 * folders; they are local client state, not part of the mail the sender wrote. Removing the
 * leading ones gives back the original bytes.
 */
export function stripMozillaStatusHeaders(raw: Uint8Array): Uint8Array {
  // latin1 keeps one character per byte, so string offsets are byte offsets.
  const head = new TextDecoder('latin1').decode(raw.subarray(0, 1024));
  let offset = 0;
  for (;;) {
    const match = mozillaStatusLine.exec(head.slice(offset));
    if (!match) break;
    offset += match[0].length;
  }
  return offset === 0 ? raw : raw.subarray(offset);
}

export async function readRawMail(
  messages: Pick<MessagesApi, 'getRaw'>,
  messageId: number,
): Promise<Uint8Array> {
  const file = await messages.getRaw(messageId, { data_format: 'File' });
  return stripMozillaStatusHeaders(new Uint8Array(await file.arrayBuffer()));
}

/**
 * The mail's own Message-ID, or undefined when it has none: Thunderbird then invents an
 * `md5:` id that no other client or the server knows.
 */
export function realMessageId(header: Pick<MessageHeader, 'headerMessageId'>): string | undefined {
  const id = header.headerMessageId?.trim();
  if (!id || id.startsWith('md5:')) return undefined;
  return id.replace(/^<|>$/g, '');
}

/** Thunderbird's header → the host-neutral mail the shared use cases work on. */
export function toMailSource(
  messages: Pick<MessagesApi, 'getRaw'>,
  header: MessageHeader,
  threadHeaders: { inReplyTo?: string; references?: string[] } = {},
): MailSource {
  const summary: MailSummary = {
    hostId: String(header.id),
    messageId: normalizeMessageId(realMessageId(header)),
    subject: header.subject ?? '',
    from: parseMailbox(header.author),
    to: header.recipients.flatMap((recipient) => parseAddressList(recipient)),
    cc: header.ccList.flatMap((recipient) => parseAddressList(recipient)),
    date: header.date ? new Date(header.date).toISOString() : undefined,
    ...threadHeaders,
  };
  return { summary, getRaw: () => readRawMail(messages, header.id) };
}

/** In-Reply-To and References of a displayed mail (for "this thread is already in the CRM"). */
export async function readThreadHeaders(
  messages: Pick<MessagesApi, 'getFull'>,
  messageId: number,
): Promise<{ inReplyTo?: string; references: string[] }> {
  const headers = (await messages.getFull(messageId)).headers ?? {};
  return {
    inReplyTo: parseMessageIdList(headers['in-reply-to']?.[0])[0],
    references: parseMessageIdList(headers['references']?.join(' ')),
  };
}

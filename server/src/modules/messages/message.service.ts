import { Types, type ClientSession } from 'mongoose';
import type {
  ListResponse,
  MessageDto,
  MessageKind,
  PaginationQuery,
  ResModel,
} from '@inbox-crm/shared/schemas';
import { ValidationError, type FieldIssue } from '../../errors/app-error';
import { AttachmentModel } from '../attachments/attachment.model';
import { MessageModel, resModels, type Message, type MessageTracking } from './message.model';
import { normalizeContentId, sanitizeMailHtml } from './sanitize-mail-html';

export interface WriteOptions {
  session?: ClientSession;
}

type IdLike = string | Types.ObjectId;

export interface PostMessageInput {
  resModel: ResModel;
  resId: IdLike;
  kind: MessageKind;
  authorUserId?: IdLike;
  authorPartnerId?: IdLike;
  /** Display name of the author at posting time (user name or mail sender name). */
  authorName?: string;
  subject?: string;
  /** Raw HTML: sanitized here with the mail policy before it is stored. */
  bodyHtml?: string;
  messageId?: string;
  inReplyTo?: string;
  /** The References header (space-separated) or its ids. */
  references?: string | string[];
  emailFrom?: string;
  emailTo?: string | string[];
  emailCc?: string | string[];
  date?: Date | string;
  tracking?: MessageTracking[];
  /** Attachments already stored on the same record (storeAttachment); `cid:` images resolve to them. */
  attachmentIds?: IdLike[];
  /** Set on the "activity done" message. */
  activityTypeId?: IdLike;
}

/** The stored message; `created: false` when the same Message-ID was already on the record. */
export interface PostedMessage extends MessageDto {
  created: boolean;
}

/**
 * Posts one chatter message. Idempotent per (resModel, resId, Message-ID): pushing the same mail
 * to a record twice returns the message stored the first time.
 */
export async function postMessage(
  input: PostMessageInput,
  options: WriteOptions = {},
): Promise<PostedMessage> {
  const { session } = options;
  const resId = toObjectId(input.resId, 'resId');
  assertResModel(input.resModel);
  const messageId = input.messageId === undefined ? undefined : normalizeMessageId(input.messageId);

  if (messageId) {
    const existing = await MessageModel.findOne({ resModel: input.resModel, resId, messageId })
      .session(session ?? null)
      .lean();
    if (existing) return { ...toMessageDto(existing), created: false };
  }

  const attachmentIds = (input.attachmentIds ?? []).map((id, index) =>
    toObjectId(id, `attachmentIds.${index}`),
  );
  const contentUrls = await loadContentIdUrls(input.resModel, resId, attachmentIds, session);
  const bodyHtml = sanitizeMailHtml(input.bodyHtml ?? '', {
    resolveContentId: (contentId) => contentUrls.get(contentId),
  });

  const document: Omit<Message, 'createdAt' | 'updatedAt'> = {
    resModel: input.resModel,
    resId,
    kind: input.kind,
    subject: cleanOptional(input.subject),
    bodyHtml,
    authorUserId:
      input.authorUserId === undefined ? undefined : toObjectId(input.authorUserId, 'authorUserId'),
    authorPartnerId:
      input.authorPartnerId === undefined
        ? undefined
        : toObjectId(input.authorPartnerId, 'authorPartnerId'),
    authorName: cleanOptional(input.authorName),
    emailFrom: cleanOptional(input.emailFrom),
    emailTo: toList(input.emailTo),
    emailCc: toList(input.emailCc),
    date: toDate(input.date),
    messageId,
    inReplyTo: input.inReplyTo === undefined ? undefined : normalizeMessageId(input.inReplyTo),
    references: toReferenceList(input.references),
    attachmentIds,
    activityTypeId:
      input.activityTypeId === undefined
        ? undefined
        : toObjectId(input.activityTypeId, 'activityTypeId'),
    tracking: input.tracking ?? [],
  };

  try {
    const [created] = await MessageModel.create([document], { session });
    return { ...toMessageDto(created!.toObject()), created: true };
  } catch (error) {
    // A concurrent push of the same mail won the race: answer its message. Inside a transaction the
    // server has aborted it already, so the error must reach the transaction's retry loop instead.
    if (messageId && !session && isDuplicateKeyError(error)) {
      const existing = await MessageModel.findOne({
        resModel: input.resModel,
        resId,
        messageId,
      }).lean();
      if (existing) return { ...toMessageDto(existing), created: false };
    }
    throw error;
  }
}

/** A record's chatter, newest first. */
export async function listMessages(
  resModel: ResModel,
  resId: IdLike,
  page: Partial<PaginationQuery> = {},
): Promise<ListResponse<MessageDto>> {
  const limit = page.limit ?? 50;
  const offset = page.offset ?? 0;
  const filter = { resModel, resId: toObjectId(resId, 'resId') };
  const [items, total] = await Promise.all([
    MessageModel.find(filter).sort({ _id: -1 }).skip(offset).limit(limit).lean(),
    MessageModel.countDocuments(filter),
  ]);
  return { items: items.map(toMessageDto), total, limit, offset };
}

export interface RecordWithMessage {
  /** The Message-ID as stored (angle brackets). */
  messageId: string;
  resModel: ResModel;
  resId: string;
  /** The chatter message carrying that Message-ID on the record. */
  chatterMessageId: string;
}

/**
 * Every record holding a message with one of these Message-IDs (thread awareness: "already
 * logged" for the mail's own id, "same conversation" for its In-Reply-To/References). The
 * caller filters the records by what the actor may read.
 */
export async function findRecordsByMessageIds(
  messageIds: readonly string[],
): Promise<RecordWithMessage[]> {
  const normalized = [...new Set(messageIds.map(normalizeMessageId).filter((id) => id.length > 2))];
  if (normalized.length === 0) return [];
  const messages = await MessageModel.find({ messageId: { $in: normalized } })
    .select({ messageId: 1, resModel: 1, resId: 1 })
    .sort({ _id: 1 })
    .limit(1000)
    .lean();
  return messages.map((message) => ({
    messageId: message.messageId!,
    resModel: message.resModel,
    resId: message.resId.toHexString(),
    chatterMessageId: message._id.toHexString(),
  }));
}

/** `<id@host>` whether or not the caller kept the angle brackets. */
export function normalizeMessageId(messageId: string): string {
  const bare = messageId
    .trim()
    .replace(/^<+|>+$/g, '')
    .trim();
  return `<${bare}>`;
}

type StoredMessage = Message & { _id: Types.ObjectId };

export function toMessageDto(message: StoredMessage): MessageDto {
  return {
    id: message._id.toHexString(),
    resModel: message.resModel,
    resId: message.resId.toHexString(),
    kind: message.kind,
    subject: message.subject ?? undefined,
    bodyHtml: message.bodyHtml ?? '',
    authorUserId: message.authorUserId?.toHexString(),
    authorPartnerId: message.authorPartnerId?.toHexString(),
    authorName: message.authorName ?? undefined,
    emailFrom: message.emailFrom ?? undefined,
    emailTo: message.emailTo ?? [],
    emailCc: message.emailCc ?? [],
    date: message.date.toISOString(),
    messageId: message.messageId ?? undefined,
    inReplyTo: message.inReplyTo ?? undefined,
    references: message.references ?? [],
    attachmentIds: (message.attachmentIds ?? []).map((id) => id.toHexString()),
    activityTypeId: message.activityTypeId?.toHexString(),
    tracking: (message.tracking ?? []).map((value) => ({
      field: value.field,
      fieldLabel: value.fieldLabel ?? undefined,
      oldValue: value.oldValue ?? null,
      newValue: value.newValue ?? null,
    })),
    createdAt: message.createdAt.toISOString(),
  };
}

/** Content-ID → download URL for the attachments given with the message; they must sit on the same record. */
async function loadContentIdUrls(
  resModel: ResModel,
  resId: Types.ObjectId,
  attachmentIds: Types.ObjectId[],
  session: ClientSession | undefined,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  if (attachmentIds.length === 0) return urls;
  const attachments = await AttachmentModel.find({ _id: { $in: attachmentIds } })
    .select({ resModel: 1, resId: 1, contentId: 1 })
    .session(session ?? null)
    .lean();
  const found = new Map(
    attachments.map((attachment) => [attachment._id.toHexString(), attachment]),
  );
  const issues: FieldIssue[] = [];
  attachmentIds.forEach((id, index) => {
    const attachment = found.get(id.toHexString());
    if (!attachment || attachment.resModel !== resModel || !attachment.resId.equals(resId)) {
      issues.push({
        field: `attachmentIds.${index}`,
        message: 'is not an attachment of this record',
      });
    } else if (attachment.contentId) {
      urls.set(
        normalizeContentId(attachment.contentId),
        `/api/v1/attachments/${id.toHexString()}/content`,
      );
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return urls;
}

export function toObjectId(value: IdLike, field: string): Types.ObjectId {
  if (value instanceof Types.ObjectId) return value;
  if (typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)) return new Types.ObjectId(value);
  throw new ValidationError([{ field, message: 'must be a 24-character hexadecimal id' }]);
}

function assertResModel(resModel: string): asserts resModel is ResModel {
  if (!(resModels as readonly string[]).includes(resModel)) {
    throw new ValidationError([
      { field: 'resModel', message: `must be one of ${resModels.join(', ')}` },
    ]);
  }
}

function cleanOptional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
}

function toReferenceList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const ids = Array.isArray(value) ? value : value.split(/\s+/);
  return ids
    .map((id) => id.trim())
    .filter(Boolean)
    .map(normalizeMessageId);
}

function toDate(value: Date | string | undefined): Date {
  if (value === undefined) return new Date();
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new ValidationError([{ field: 'date', message: 'is not a valid date' }]);
  return date;
}

function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

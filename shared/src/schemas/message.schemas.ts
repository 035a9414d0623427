import { z } from 'zod';
import { objectIdSchema, paginationQuerySchema, listResponseSchema } from './common.schemas';

/** The kinds of record that carry a chatter, activities, attachments and followers. */
export const resModelSchema = z.enum(['lead', 'partner', 'quotation']);
export type ResModel = z.infer<typeof resModelSchema>;

/** `note`: internal note typed by a user; `email`: a mail logged on the record; `notification`: system (tracking, activity done). */
export const messageKindSchema = z.enum(['note', 'email', 'notification']);
export type MessageKind = z.infer<typeof messageKindSchema>;

/** A tracked value as shown to users: display strings (stage name, salesperson name), numbers or booleans. */
export const trackedValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type TrackedValue = z.infer<typeof trackedValueSchema>;

export const trackingValueSchema = z.object({
  field: z.string(),
  fieldLabel: z.string().optional(),
  oldValue: trackedValueSchema,
  newValue: trackedValueSchema,
});
export type TrackingValue = z.infer<typeof trackingValueSchema>;

/** An RFC 5322 Message-ID, with or without its angle brackets (stored with them). */
export const rfcMessageIdSchema = z
  .string()
  .trim()
  .min(3, 'must be a Message-ID such as <id@host>')
  .max(998, 'is too long')
  .regex(/^<?[^<>\s]+@[^<>\s]+>?$/, 'must be a Message-ID such as <id@host>');

const bodyHtmlSchema = z.string().max(2_000_000, 'is too long (2 MB at most)');
const emailListSchema = z.array(z.string().trim().min(1).max(998)).max(500);

/** `POST /leads/:id/messages` with `kind: 'note'`: log an internal note. */
export const postNoteBodySchema = z.strictObject({
  kind: z.literal('note'),
  subject: z.string().trim().max(998).optional(),
  bodyHtml: bodyHtmlSchema.refine((html) => html.trim().length > 0, 'must not be empty'),
  attachmentIds: z.array(objectIdSchema).max(100).optional(),
});

/**
 * `POST /leads/:id/messages` with `kind: 'email'`: push a mail already parsed by the client (JSON).
 * Pushing the same Message-ID twice to one record answers the existing message (200, not 201).
 * The raw `.eml` upload lives under `/mail/*`.
 */
export const pushMailBodySchema = z.strictObject({
  kind: z.literal('email'),
  messageId: rfcMessageIdSchema,
  subject: z.string().max(998).optional(),
  bodyHtml: bodyHtmlSchema.optional(),
  emailFrom: z.string().trim().min(1).max(998),
  emailTo: emailListSchema.optional(),
  emailCc: emailListSchema.optional(),
  date: z.iso.datetime({ offset: true }).optional(),
  inReplyTo: rfcMessageIdSchema.optional(),
  references: z.array(rfcMessageIdSchema).max(500).optional(),
  attachmentIds: z.array(objectIdSchema).max(100).optional(),
});

export const postMessageBodySchema = z.discriminatedUnion('kind', [
  postNoteBodySchema,
  pushMailBodySchema,
]);
export type PostMessageBody = z.infer<typeof postMessageBodySchema>;

export const listMessagesQuerySchema = paginationQuerySchema;

export const messageSchema = z.object({
  id: z.string(),
  resModel: resModelSchema,
  resId: z.string(),
  kind: messageKindSchema,
  subject: z.string().optional(),
  /** Sanitized on the server with the mail policy; sanitize again when rendering. */
  bodyHtml: z.string(),
  authorUserId: z.string().optional(),
  authorPartnerId: z.string().optional(),
  authorName: z.string().optional(),
  emailFrom: z.string().optional(),
  emailTo: z.array(z.string()),
  emailCc: z.array(z.string()),
  date: z.string(),
  messageId: z.string().optional(),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()),
  attachmentIds: z.array(z.string()),
  activityTypeId: z.string().optional(),
  tracking: z.array(trackingValueSchema),
  createdAt: z.string(),
});
export type MessageDto = z.infer<typeof messageSchema>;

export const messageListResponseSchema = listResponseSchema(messageSchema);

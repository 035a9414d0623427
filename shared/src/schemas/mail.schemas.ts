import { z } from 'zod';
import { dateOnlySchema, moneySchema, objectIdSchema } from './common.schemas';

/**
 * The mail endpoints both add-ins call: sender context beside a mail, "create opportunity from
 * mail" (single and batch), "log mail to a record", "add sender as contact".
 *
 * Uploads: the JSON bodies below may be sent as they are (`application/json`), or as
 * `multipart/form-data` with a `payload` field holding the same JSON and an `eml` file part (the
 * raw message, `message/rfc822`) that the server parses and archives. The raw mail is capped by the
 * server's `MAIL_MAX_BYTES` (default 25 MB): 413 beyond.
 */

export const mailMaxSubjectLength = 998;

/** `"Name" <address>` split into its parts. */
export const mailAddressSchema = z.object({
  name: z.string().trim().max(256).optional(),
  address: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'),
});
export type MailAddress = z.infer<typeof mailAddressSchema>;

/** RFC 5322 msg-id, with or without its angle brackets (the server stores it with them). */
export const messageIdSchema = z
  .string()
  .trim()
  .min(3)
  .max(998)
  .regex(/^<?[^\s<>]+@[^\s<>]+>?$/, 'must be a Message-ID such as <id@host>')
  .transform((value) => (value.startsWith('<') ? value : `<${value}>`));

/** The mail as the add-in read it from its host (headers and text; attachments via the .eml). */
export const mailDescriptorSchema = z.object({
  /** Absent for the rare mail without one; the server then keys idempotency on a content hash. */
  messageId: messageIdSchema.optional(),
  inReplyTo: messageIdSchema.optional(),
  references: z.array(messageIdSchema).max(200).default([]),
  subject: z.string().max(mailMaxSubjectLength).default(''),
  from: mailAddressSchema,
  to: z.array(mailAddressSchema).max(500).default([]),
  cc: z.array(mailAddressSchema).max(500).default([]),
  /** The mail's Date header (ISO 8601). */
  date: z.iso.datetime({ offset: true }).optional(),
  bodyText: z.string().max(2_000_000).optional(),
  /** Sanitized again on the server before it reaches the chatter. */
  bodyHtml: z.string().max(5_000_000).optional(),
  host: z.enum(['outlook', 'thunderbird', 'other']).default('other'),
});
export type MailDescriptor = z.input<typeof mailDescriptorSchema>;
export type ParsedMailDescriptor = z.output<typeof mailDescriptorSchema>;

/** A record of the CRM a mail can sit on. */
export const mailRecordModelSchema = z.enum(['lead', 'partner']);
export type MailRecordModel = z.infer<typeof mailRecordModelSchema>;

export const mailRecordRefSchema = z.object({
  resModel: z.enum(['lead', 'partner', 'quotation']),
  resId: z.string(),
  /** Shown as the link text ("Request for quotation: 120 chairs"); absent if not readable. */
  name: z.string().optional(),
  /** For leads: lead or opportunity. */
  type: z.enum(['lead', 'opportunity']).optional(),
});
export type MailRecordRef = z.infer<typeof mailRecordRefSchema>;

// ---------- GET /api/v1/mail/context ----------

/** Accepts `?to=a@x&to=b@y` and `?to=a@x,b@y`. */
const addressListQuery = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (value === undefined ? [] : Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(320)
          .regex(/^[^\s@]+@[^\s@]+$/, 'must be e-mail addresses'),
      )
      .max(100),
  );

const messageIdListQuery = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (value === undefined ? [] : Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(/\s+/))
      .filter((item) => item !== ''),
  )
  .pipe(z.array(messageIdSchema).max(200));

export const mailContextQuerySchema = z.object({
  from: z
    .string()
    .trim()
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'),
  to: addressListQuery,
  cc: addressListQuery,
  messageId: messageIdSchema.optional(),
  inReplyTo: messageIdSchema.optional(),
  /** Space- or repeat-separated ids of the References header. */
  references: messageIdListQuery,
});
export type MailContextQuery = z.input<typeof mailContextQuerySchema>;

export const mailPartnerSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  isCompany: z.boolean(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  mobile: z.string().nullable(),
  jobPosition: z.string().nullable(),
  companyId: z.string().nullable(),
  companyName: z.string().nullable(),
});
export type MailPartnerSummary = z.infer<typeof mailPartnerSummarySchema>;

export const mailOpportunitySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['lead', 'opportunity']),
  stageId: z.string().nullable(),
  stageName: z.string().nullable(),
  expectedRevenue: z.number(),
  probability: z.number(),
  userId: z.string().nullable(),
  dateDeadline: z.string().nullable(),
});
export type MailOpportunitySummary = z.infer<typeof mailOpportunitySummarySchema>;

export const mailActivitySummarySchema = z.object({
  id: z.string(),
  resModel: z.string(),
  resId: z.string(),
  summary: z.string().nullable(),
  activityTypeName: z.string().nullable(),
  dateDeadline: z.string().nullable(),
  userId: z.string().nullable(),
  done: z.boolean(),
});
export type MailActivitySummary = z.infer<typeof mailActivitySummarySchema>;

export const mailContextPersonSchema = z.object({
  email: z.string(),
  /** The partner matched by normalized e-mail, if any the caller may see. */
  partner: mailPartnerSummarySchema.nullable(),
});

export const mailContextResponseSchema = z.object({
  sender: mailContextPersonSchema.extend({
    /** The sender's company partner (their parent), if any. */
    company: mailPartnerSummarySchema.nullable(),
    /** True for gmail.com and the like: no company should be derived from the domain. */
    freeMailDomain: z.boolean(),
  }),
  recipients: z.array(mailContextPersonSchema),
  /** Open leads and opportunities of the sender, their company, or the known recipients. */
  openOpportunities: z.array(mailOpportunitySummarySchema),
  recentActivities: z.array(mailActivitySummarySchema),
  /** Records that already hold this very mail (same Message-ID). */
  alreadyLoggedOn: z.array(mailRecordRefSchema),
  /** Records that hold another mail of the same conversation (In-Reply-To / References). */
  threadOn: z.array(mailRecordRefSchema),
});
export type MailContextResponse = z.infer<typeof mailContextResponseSchema>;

// ---------- POST /api/v1/mail/opportunities (+ /batch) ----------

/** The user's edits to the draft built by the add-in from the mail (shared `mail/` draft builder). */
export const opportunityDraftSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(512),
  /** Absent = per the team's settings (use leads → lead, else opportunity). */
  type: z.enum(['lead', 'opportunity']).optional(),
  /** An existing contact; otherwise `contact` is matched by e-mail or created. */
  partnerId: objectIdSchema.optional(),
  contact: z
    .object({
      name: z.string().trim().min(1).max(256),
      email: z
        .string()
        .trim()
        .max(320)
        .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'),
      phone: z.string().trim().max(64).optional(),
      mobile: z.string().trim().max(64).optional(),
      jobPosition: z.string().trim().max(256).optional(),
    })
    .optional(),
  /** Company of the contact; `null` = none (free-mail sender). */
  companyName: z.string().trim().max(256).nullable().optional(),
  teamId: objectIdSchema.optional(),
  /** A stage of that team (or a shared one); absent = the team's first open stage. */
  stageId: objectIdSchema.optional(),
  userId: objectIdSchema.optional(),
  expectedRevenue: moneySchema.optional(),
  probability: z.number().min(0).max(100).optional(),
  dateDeadline: dateOnlySchema.optional(),
  priority: z.enum(['0', '1', '2', '3']).optional(),
  tagIds: z.array(objectIdSchema).max(50).optional(),
  /** Plain text; defaults to the mail's text body. */
  description: z.string().max(100_000).optional(),
});
export type OpportunityDraft = z.input<typeof opportunityDraftSchema>;

export const mailToOpportunityBodySchema = z.object({
  mail: mailDescriptorSchema,
  draft: opportunityDraftSchema,
});
export type MailToOpportunityBody = z.input<typeof mailToOpportunityBodySchema>;

export const mailToOpportunityResponseSchema = z.object({
  /** `created` (HTTP 201) or `existing` (HTTP 200: this mail was already turned into a record). */
  status: z.enum(['created', 'existing']),
  record: mailRecordRefSchema,
  /** The chatter message holding the mail. */
  chatterMessageId: z.string().optional(),
  partnerId: z.string().optional(),
  attachmentIds: z.array(z.string()),
  /** The key the server deduplicated on (Message-ID, or a content hash when the mail has none). */
  idempotencyKey: z.string(),
});
export type MailToOpportunityResponse = z.infer<typeof mailToOpportunityResponseSchema>;

export const mailToOpportunityBatchBodySchema = z.object({
  items: z.array(mailToOpportunityBodySchema).min(1).max(50),
});
export type MailToOpportunityBatchBody = z.input<typeof mailToOpportunityBatchBodySchema>;

export const mailBatchItemResultSchema = z.object({
  index: z.number().int(),
  messageId: z.string().optional(),
  status: z.enum(['created', 'existing', 'failed']),
  result: mailToOpportunityResponseSchema.optional(),
  error: z
    .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
    .optional(),
});
export const mailToOpportunityBatchResponseSchema = z.object({
  results: z.array(mailBatchItemResultSchema),
});
export type MailToOpportunityBatchResponse = z.infer<typeof mailToOpportunityBatchResponseSchema>;

// ---------- POST /api/v1/mail/log ----------

export const mailLogBodySchema = z.object({
  mail: mailDescriptorSchema,
  target: z.object({ resModel: mailRecordModelSchema, resId: objectIdSchema }),
});
export type MailLogBody = z.input<typeof mailLogBodySchema>;

export const mailLogResponseSchema = z.object({
  /** `logged` (201) or `existing` (200: this mail is already on that record). */
  status: z.enum(['logged', 'existing']),
  record: mailRecordRefSchema,
  chatterMessageId: z.string().optional(),
  attachmentIds: z.array(z.string()),
  idempotencyKey: z.string(),
});
export type MailLogResponse = z.infer<typeof mailLogResponseSchema>;

// ---------- POST /api/v1/mail/contacts ----------

export const mailContactBodySchema = z.object({
  email: z
    .string()
    .trim()
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'),
  name: z.string().trim().min(1).max(256).optional(),
  /** Company to attach the contact to (found by name or domain, else created); null = none. */
  companyName: z.string().trim().max(256).nullable().optional(),
  jobPosition: z.string().trim().max(256).optional(),
  phone: z.string().trim().max(64).optional(),
  mobile: z.string().trim().max(64).optional(),
});
export type MailContactBody = z.input<typeof mailContactBodySchema>;

export const mailContactResponseSchema = z.object({
  /** `created` (201) or `existing` (200: a partner with this normalized e-mail exists). */
  status: z.enum(['created', 'existing']),
  partner: mailPartnerSummarySchema,
});
export type MailContactResponse = z.infer<typeof mailContactResponseSchema>;

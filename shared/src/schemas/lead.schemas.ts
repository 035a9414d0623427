import { z } from 'zod';
import {
  dateOnlySchema,
  listResponseSchema,
  moneySchema,
  objectIdSchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';
import { typedEmailSchema } from './partner.schemas';
import { probabilitySchema } from './stage.schemas';
import { colorIndexSchema } from './tag.schemas';

export const leadTypeSchema = z.enum(['lead', 'opportunity']);
export type LeadType = z.infer<typeof leadTypeSchema>;
/** Odoo's stars: Low, Medium, High, Very High. */
export const leadPrioritySchema = z.enum(['0', '1', '2', '3']);
export type LeadPriority = z.infer<typeof leadPrioritySchema>;
export const wonStatusSchema = z.enum(['won', 'lost', 'pending']);
export type WonStatus = z.infer<typeof wonStatusSchema>;

const shortText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

export const utmSchema = z.strictObject({
  campaign: shortText(200).optional(),
  /** `email` when the lead came from a mail add-in. */
  medium: shortText(100).optional(),
  /** `outlook` | `thunderbird` | free text. */
  source: shortText(100).optional(),
});

/** Fields a client may write on a lead; everything derived is computed by the server. */
const leadWritableShape = {
  name: shortText(500),
  partnerId: objectIdSchema.nullable(),
  partnerName: shortText(200),
  contactName: shortText(200),
  jobPosition: shortText(200),
  emailFrom: typedEmailSchema.or(z.literal('')),
  emailCc: shortText(2000),
  phone: shortText(64),
  mobile: shortText(64),
  website: shortText(500),
  lang: shortText(20),
  street: shortText(200),
  street2: shortText(200),
  zip: shortText(20),
  city: shortText(100),
  stateCode: shortText(10),
  countryCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as RO')
    .transform((value) => value.toUpperCase())
    .or(z.literal('')),
  userId: objectIdSchema.nullable(),
  teamId: objectIdSchema.nullable(),
  stageId: objectIdSchema,
  probability: probabilitySchema,
  expectedRevenue: moneySchema,
  dateDeadline: dateOnlySchema.nullable(),
  priority: leadPrioritySchema,
  tagIds: z.array(objectIdSchema).max(100),
  description: z.string().max(200_000),
  referred: shortText(200),
  color: colorIndexSchema,
  utm: utmSchema,
};

export const createLeadBodySchema = z.strictObject({
  /** Default: `lead` when the team qualifies leads, else `opportunity`. */
  type: leadTypeSchema.optional(),
  ...partialShape(leadWritableShape),
});
export type CreateLeadBody = z.input<typeof createLeadBodySchema>;
export type CreateLeadInput = z.infer<typeof createLeadBodySchema>;

/** `type` changes only through conversion, `active` only through lost/restore. */
export const updateLeadBodySchema = z.strictObject(partialShape(leadWritableShape));
export type UpdateLeadBody = z.infer<typeof updateLeadBodySchema>;

function partialShape<Shape extends Record<string, z.ZodType>>(
  shape: Shape,
): { [Key in keyof Shape]: z.ZodOptional<Shape[Key]> } {
  const result: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) result[key] = schema.optional();
  return result as { [Key in keyof Shape]: z.ZodOptional<Shape[Key]> };
}

export const nextActivitySchema = z.object({
  id: z.string(),
  typeId: z.string().nullable(),
  userId: z.string().nullable(),
  dateDeadline: z.string(),
  summary: z.string(),
});
export type NextActivity = z.infer<typeof nextActivitySchema>;

export const leadSchema = z.object({
  id: z.string(),
  type: leadTypeSchema,
  name: z.string(),
  active: z.boolean(),
  partnerId: z.string().nullable(),
  commercialPartnerId: z.string().nullable(),
  partnerName: z.string(),
  contactName: z.string(),
  jobPosition: z.string(),
  emailFrom: z.string(),
  emailNormalized: z.string().nullable(),
  emailDomainCriterion: z.string().nullable(),
  emailCc: z.string(),
  phone: z.string(),
  mobile: z.string(),
  phoneSanitized: z.string().nullable(),
  website: z.string(),
  lang: z.string(),
  street: z.string(),
  street2: z.string(),
  zip: z.string(),
  city: z.string(),
  stateCode: z.string(),
  countryCode: z.string(),
  userId: z.string().nullable(),
  teamId: z.string().nullable(),
  stageId: z.string().nullable(),
  probability: z.number(),
  automatedProbability: z.number(),
  expectedRevenue: z.number(),
  proratedRevenue: z.number(),
  dateDeadline: z.string().nullable(),
  priority: leadPrioritySchema,
  tagIds: z.array(z.string()),
  description: z.string(),
  referred: z.string(),
  color: z.number().int(),
  lostReasonId: z.string().nullable(),
  wonStatus: wonStatusSchema,
  dateOpen: z.string().nullable(),
  dateClosed: z.string().nullable(),
  dateConversion: z.string().nullable(),
  dateLastStageUpdate: z.string(),
  dayOpen: z.number().nullable(),
  dayClose: z.number().nullable(),
  nextActivity: nextActivitySchema.nullable(),
  utm: z.object({
    campaign: z.string().optional(),
    medium: z.string().optional(),
    source: z.string().optional(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;

export const leadSortSchema = z.enum([
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'name',
  '-name',
  'expectedRevenue',
  '-expectedRevenue',
  'probability',
  '-probability',
  'priority',
  '-priority',
  'dateDeadline',
  '-dateDeadline',
  'dateLastStageUpdate',
  '-dateLastStageUpdate',
]);

export const listLeadsQuerySchema = paginationQuerySchema.extend({
  type: leadTypeSchema.optional(),
  stageId: objectIdSchema.optional(),
  teamId: objectIdSchema.optional(),
  /** A user id, or `none` for unassigned leads. */
  userId: objectIdSchema.or(z.literal('none')).optional(),
  partnerId: objectIdSchema.optional(),
  commercialPartnerId: objectIdSchema.optional(),
  tagId: objectIdSchema.optional(),
  priority: leadPrioritySchema.optional(),
  wonStatus: wonStatusSchema.optional(),
  /** Exact address, compared after normalization. */
  email: z.string().trim().max(320).optional(),
  /** Prefix of the name (case- and accent-insensitive), of the company name or of the e-mail. */
  search: z.string().trim().max(200).optional(),
  dateDeadlineFrom: dateOnlySchema.optional(),
  dateDeadlineTo: dateOnlySchema.optional(),
  /** Lost (archived) leads are hidden unless asked for. */
  includeArchived: queryBooleanSchema.default(false),
  sort: leadSortSchema.default('-createdAt'),
});
export type ListLeadsQuery = z.infer<typeof listLeadsQuerySchema>;

export const leadListResponseSchema = listResponseSchema(leadSchema);

export const moveStageBodySchema = z.strictObject({
  stageId: objectIdSchema,
  /** Set together with the move: wins over the stage's automatic probability. */
  probability: probabilitySchema.optional(),
});
export type MoveStageBody = z.infer<typeof moveStageBodySchema>;

export const markLostBodySchema = z.strictObject({
  lostReasonId: objectIdSchema.nullable().optional(),
  /** Logged in the chatter (sanitized HTML). */
  closingNote: z.string().max(100_000).optional(),
});
export type MarkLostBody = z.infer<typeof markLostBodySchema>;

export const convertLeadBodySchema = z.strictObject({
  /** `merge`: merge with `mergeWith` (or the detected duplicates) first, then convert the result. */
  action: z.enum(['convert', 'merge']).default('convert'),
  /** Omitted: link the matching partner if one is found, else create one from the lead. */
  customer: z.enum(['exist', 'create', 'nothing']).optional(),
  partnerId: objectIdSchema.optional(),
  userId: objectIdSchema.nullable().optional(),
  teamId: objectIdSchema.nullable().optional(),
  /** Overwrite an existing salesperson/team (true by default, as in Odoo's wizard). */
  forceAssignment: z.boolean().default(true),
  mergeWith: z.array(objectIdSchema).max(4).optional(),
});
export type ConvertLeadBody = z.input<typeof convertLeadBodySchema>;
export type ConvertLeadInput = z.infer<typeof convertLeadBodySchema>;

export const mergeLeadsBodySchema = z.strictObject({
  /** The other records (1–4) to merge with the one in the path. */
  ids: z
    .array(objectIdSchema)
    .min(1, 'must name at least one other record')
    .max(4, 'at most 5 records merge at once'),
  userId: objectIdSchema.nullable().optional(),
  teamId: objectIdSchema.nullable().optional(),
});
export type MergeLeadsBody = z.infer<typeof mergeLeadsBodySchema>;

export const leadDuplicatesSchema = z.object({
  /** Same `@domain` (or same address for public providers). */
  byEmailDomain: z.array(leadSchema),
  /** A partner of the same commercial entity. */
  byCommercialPartner: z.array(leadSchema),
  byPhone: z.array(leadSchema),
});
export type LeadDuplicates = z.infer<typeof leadDuplicatesSchema>;

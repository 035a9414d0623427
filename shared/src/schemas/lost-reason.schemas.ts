import { z } from 'zod';
import { listResponseSchema, paginationQuerySchema, queryBooleanSchema } from './common.schemas';
import { nameTranslationsSchema } from './tag.schemas';

const lostReasonNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const lostReasonSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameI18n: nameTranslationsSchema.optional(),
  active: z.boolean(),
  /** Leads lost for this reason, archived ones included (Odoo's `leads_count`). */
  leadCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LostReason = z.infer<typeof lostReasonSchema>;

export const createLostReasonBodySchema = z.strictObject({
  name: lostReasonNameSchema,
  nameI18n: nameTranslationsSchema.optional(),
});
export type CreateLostReasonBody = z.infer<typeof createLostReasonBodySchema>;

export const updateLostReasonBodySchema = z.strictObject({
  name: lostReasonNameSchema.optional(),
  nameI18n: nameTranslationsSchema.optional(),
  active: z.boolean().optional(),
});
export type UpdateLostReasonBody = z.infer<typeof updateLostReasonBodySchema>;

export const listLostReasonsQuerySchema = paginationQuerySchema.extend({
  includeArchived: queryBooleanSchema.default(false),
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt']).default('name'),
});
export type ListLostReasonsQuery = z.infer<typeof listLostReasonsQuerySchema>;

export const lostReasonListResponseSchema = listResponseSchema(lostReasonSchema);

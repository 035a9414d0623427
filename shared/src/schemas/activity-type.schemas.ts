import { z } from 'zod';
import { objectIdSchema, queryBooleanSchema } from './common.schemas';
import { resModelSchema } from './message.schemas';

export const activityCategorySchema = z.enum(['default', 'upload_file', 'phonecall', 'meeting']);
export const delayUnitSchema = z.enum(['days', 'weeks', 'months']);
export const delayFromSchema = z.enum(['current_date', 'previous_activity']);
export const chainingTypeSchema = z.enum(['suggest', 'trigger']);
export const decorationTypeSchema = z.enum(['warning', 'danger']);
export const nameI18nSchema = z.strictObject({
  'zh-CN': z.string().trim().max(200).optional(),
  ro: z.string().trim().max(200).optional(),
});

const activityTypeFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  nameI18n: nameI18nSchema.optional(),
  summary: z.string().trim().max(500).optional(),
  sequence: z.number().int().min(0).max(100_000).optional(),
  active: z.boolean().optional(),
  category: activityCategorySchema.optional(),
  delayCount: z.number().int().min(0).max(3650).optional(),
  delayUnit: delayUnitSchema.optional(),
  delayFrom: delayFromSchema.optional(),
  chainingType: chainingTypeSchema.optional(),
  triggeredNextTypeId: objectIdSchema.nullable().optional(),
  suggestedNextTypeIds: z.array(objectIdSchema).max(50).optional(),
  defaultUserId: objectIdSchema.nullable().optional(),
  defaultNote: z.string().max(100_000).optional(),
  icon: z.string().trim().max(100).optional(),
  decorationType: decorationTypeSchema.nullable().optional(),
  /** null/absent: usable on every kind of record. */
  resModel: resModelSchema.nullable().optional(),
  keepDone: z.boolean().optional(),
};

export const createActivityTypeBodySchema = z.strictObject(activityTypeFields);
export type CreateActivityTypeBody = z.infer<typeof createActivityTypeBodySchema>;

export const updateActivityTypeBodySchema = z
  .strictObject({ ...activityTypeFields, name: activityTypeFields.name.optional() })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateActivityTypeBody = z.infer<typeof updateActivityTypeBodySchema>;

export const listActivityTypesQuerySchema = z.object({
  includeArchived: queryBooleanSchema.optional(),
  resModel: resModelSchema.optional(),
});

export const activityTypeSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameI18n: nameI18nSchema.optional(),
  summary: z.string().optional(),
  sequence: z.number(),
  active: z.boolean(),
  category: activityCategorySchema,
  delayCount: z.number(),
  delayUnit: delayUnitSchema,
  delayFrom: delayFromSchema,
  chainingType: chainingTypeSchema,
  triggeredNextTypeId: z.string().optional(),
  suggestedNextTypeIds: z.array(z.string()),
  defaultUserId: z.string().optional(),
  defaultNote: z.string().optional(),
  icon: z.string().optional(),
  decorationType: decorationTypeSchema.optional(),
  resModel: resModelSchema.optional(),
  keepDone: z.boolean(),
});
export type ActivityTypeDto = z.infer<typeof activityTypeSchema>;

export const activityTypeListResponseSchema = z.object({ items: z.array(activityTypeSchema) });

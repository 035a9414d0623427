import { z } from 'zod';
import { listResponseSchema, objectIdSchema, paginationQuerySchema } from './common.schemas';
import { nameTranslationsSchema } from './tag.schemas';

const stageNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');
export const probabilitySchema = z
  .number()
  .finite()
  .min(0, 'must be between 0 and 100')
  .max(100, 'must be between 0 and 100')
  .transform((value) => Math.round(value * 100) / 100);

/**
 * A pipeline column. `probability` + `autoProbability` are OpenERP 7's stage-driven probability
 * ("Change Probability Automatically"); `teamIds` empty = shared by every team.
 */
export const stageSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameI18n: nameTranslationsSchema.optional(),
  sequence: z.number().int(),
  probability: z.number(),
  autoProbability: z.boolean(),
  isWon: z.boolean(),
  fold: z.boolean(),
  requirements: z.string(),
  teamIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Stage = z.infer<typeof stageSchema>;

export const createStageBodySchema = z.strictObject({
  name: stageNameSchema,
  nameI18n: nameTranslationsSchema.optional(),
  sequence: z.number().int().min(0).max(100_000).default(1),
  probability: probabilitySchema.default(0),
  autoProbability: z.boolean().default(false),
  isWon: z.boolean().default(false),
  fold: z.boolean().default(false),
  requirements: z.string().max(2000).default(''),
  teamIds: z.array(objectIdSchema).max(100).default([]),
});
export type CreateStageBody = z.input<typeof createStageBodySchema>;

export const updateStageBodySchema = z.strictObject({
  name: stageNameSchema.optional(),
  nameI18n: nameTranslationsSchema.optional(),
  sequence: z.number().int().min(0).max(100_000).optional(),
  probability: probabilitySchema.optional(),
  autoProbability: z.boolean().optional(),
  isWon: z.boolean().optional(),
  fold: z.boolean().optional(),
  requirements: z.string().max(2000).optional(),
  teamIds: z.array(objectIdSchema).max(100).optional(),
});
export type UpdateStageBody = z.infer<typeof updateStageBodySchema>;

export const listStagesQuerySchema = paginationQuerySchema.extend({
  /** Only the stages this team sees: its own plus the shared ones. */
  teamId: objectIdSchema.optional(),
});
export type ListStagesQuery = z.infer<typeof listStagesQuerySchema>;

export const stageListResponseSchema = listResponseSchema(stageSchema);

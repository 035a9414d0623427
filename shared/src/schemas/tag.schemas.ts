import { z } from 'zod';
import { listResponseSchema, objectIdSchema, paginationQuerySchema } from './common.schemas';

/** Lead tags (also reused by quotations) and partner tags live in one collection, told apart by kind. */
export const tagKindSchema = z.enum(['lead', 'partner']);
export type TagKind = z.infer<typeof tagKindSchema>;

/** Translations of configuration names (Odoo's `translate=True` fields). */
export const nameTranslationsSchema = z.strictObject({
  'zh-CN': z.string().trim().min(1).max(100).optional(),
  ro: z.string().trim().min(1).max(100).optional(),
});
export type NameTranslations = z.infer<typeof nameTranslationsSchema>;

const tagNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');
/** Odoo's kanban colour index: 0 = none, 1–11 = palette entries. */
export const colorIndexSchema = z.number().int().min(0).max(11);

export const tagSchema = z.object({
  id: z.string(),
  kind: tagKindSchema,
  name: z.string(),
  nameI18n: nameTranslationsSchema.optional(),
  color: z.number().int(),
  parentId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Tag = z.infer<typeof tagSchema>;

export const createTagBodySchema = z.strictObject({
  kind: tagKindSchema.default('lead'),
  name: tagNameSchema,
  nameI18n: nameTranslationsSchema.optional(),
  color: colorIndexSchema.optional(),
  /** Partner tags may nest (Odoo's `res.partner.category.parent_id`). */
  parentId: objectIdSchema.nullable().optional(),
});
export type CreateTagBody = z.infer<typeof createTagBodySchema>;

export const updateTagBodySchema = z.strictObject({
  name: tagNameSchema.optional(),
  nameI18n: nameTranslationsSchema.optional(),
  color: colorIndexSchema.optional(),
  parentId: objectIdSchema.nullable().optional(),
});
export type UpdateTagBody = z.infer<typeof updateTagBodySchema>;

export const listTagsQuerySchema = paginationQuerySchema.extend({
  kind: tagKindSchema.optional(),
  /** Case- and accent-insensitive prefix of the name. */
  search: z.string().trim().max(100).optional(),
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt']).default('name'),
});
export type ListTagsQuery = z.infer<typeof listTagsQuerySchema>;

export const tagListResponseSchema = listResponseSchema(tagSchema);

import { z } from 'zod';

/** A MongoDB ObjectId as the API shows it: 24 lowercase hex characters. */
export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hexadecimal id')
  .transform((value) => value.toLowerCase());
export type ObjectIdString = z.infer<typeof objectIdSchema>;

export const idParamsSchema = z.object({ id: objectIdSchema });

/** Odoo's sales access levels: own leads, all leads, manager (admin is a separate flag). */
export const accessLevelSchema = z.enum(['own', 'all', 'manager']);
export type AccessLevel = z.infer<typeof accessLevelSchema>;

/** `YYYY-MM-DD` date-only values (expected closing, activity deadline): no time-zone drift. */
export const dateOnlySchema = z.iso.date();

/** Money in major units of the company currency, two decimals. */
export const moneySchema = z
  .number()
  .finite()
  .min(0, 'must not be negative')
  .max(1e13, 'is too large')
  .transform((value) => Math.round(value * 100) / 100);

/** Query-string booleans (`?includeArchived=1`, `true`, `false`, `0`). */
export const queryBooleanSchema = z
  .enum(['1', '0', 'true', 'false'])
  .transform((value) => value === '1' || value === 'true');

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type PaginationQuery = z.infer<typeof paginationQuerySchema>;

/** The envelope of every list endpoint. `total` only counts what the caller may see. */
export function listResponseSchema<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}
export interface ListResponse<Item> {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
}

export const fieldIssueSchema = z.object({ field: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The one error shape of the API. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

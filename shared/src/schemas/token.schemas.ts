import { z } from 'zod';
import { objectIdSchema } from './common.schemas';

/**
 * Personal API token format: `icrm_` + 43 base62 characters (32 random bytes) + 6 base62
 * characters of CRC32 — 54 characters, recognisable by secret scanners.
 */
export const apiTokenPattern = /^icrm_[0-9A-Za-z]{49}$/;

export const createApiTokenBodySchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  /** Days until the token stops working; omitted = no expiry. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiTokenBody = z.input<typeof createApiTokenBodySchema>;

/** A token as listed: never the secret, only its first characters for recognition. */
export const apiTokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional(),
  lastUsedAt: z.iso.datetime().optional(),
  revokedAt: z.iso.datetime().optional(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** The creation response: the only time the secret is shown. */
export const createdApiTokenSchema = apiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

export const apiTokenListSchema = z.object({ items: z.array(apiTokenSchema) });
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;

export const listApiTokensQuerySchema = z.object({
  includeRevoked: z
    .enum(['1', '0', 'true', 'false'])
    .transform((value) => value === '1' || value === 'true')
    .optional(),
});

export const tokenIdParamsSchema = z.object({ id: objectIdSchema });
export const userTokenParamsSchema = z.object({ userId: objectIdSchema, id: objectIdSchema });
export const userTokensParamsSchema = z.object({ userId: objectIdSchema });

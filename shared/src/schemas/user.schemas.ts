import { z } from 'zod';
import {
  accessLevelSchema,
  listResponseSchema,
  objectIdSchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';

const loginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(120, 'must be at most 120 characters')
  .regex(/^[a-z0-9._@+-]+$/, 'may only contain letters, digits and . _ @ + -');

/** Passwords: NFKC-normalised by the server before hashing; length is the only rule (NIST 800-63B). */
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

/** A user as the API shows it (never a password hash, never Entra ids beyond the tenant/object pair). */
export const userSchema = z.object({
  id: z.string(),
  login: z.string(),
  name: z.string(),
  email: z.string().optional(),
  accessLevel: accessLevelSchema,
  isAdmin: z.boolean(),
  active: z.boolean(),
  partnerId: z.string().optional(),
  hasPassword: z.boolean(),
  entra: z.object({ tenantId: z.string(), objectId: z.string() }).optional(),
  lang: z.string().optional(),
  tz: z.string().optional(),
  lastSignInAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

const guidSchema = z
  .string()
  .regex(/^[0-9a-f-]{36}$/i, 'must be a GUID')
  .toLowerCase();

/** Admin: add a user (password optional: Entra-only users have none). */
export const createUserBodySchema = z.object({
  login: loginSchema,
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.email('must be an e-mail address').max(320).optional(),
  accessLevel: accessLevelSchema.default('own'),
  isAdmin: z.boolean().default(false),
  password: passwordSchema.optional(),
  /** Pre-register an Entra ID user (object id + tenant id) so `ENTRA_NEW_USERS=reject` lets them in. */
  entra: z.object({ tenantId: guidSchema, objectId: guidSchema }).optional(),
  lang: z.string().max(20).optional(),
  tz: z.string().max(64).optional(),
});
export type CreateUserBody = z.input<typeof createUserBodySchema>;

/** Admin: change a user. Deactivating keeps every record the user owns. */
export const updateUserBodySchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    email: z.email('must be an e-mail address').max(320).nullable(),
    accessLevel: accessLevelSchema,
    isAdmin: z.boolean(),
    active: z.boolean(),
    password: passwordSchema,
    lang: z.string().max(20).nullable(),
    tz: z.string().max(64).nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateUserBody = z.input<typeof updateUserBodySchema>;

export const listUsersQuerySchema = paginationQuerySchema.extend({
  /** Prefix of login, name or e-mail (case-insensitive). */
  search: z.string().trim().max(100).optional(),
  includeInactive: queryBooleanSchema.optional(),
});
export type ListUsersQuery = z.output<typeof listUsersQuerySchema>;
export type ListUsersQueryInput = z.input<typeof listUsersQuerySchema>;

export const userIdParamsSchema = z.object({ id: objectIdSchema });

// ---------- GET /api/v1/users/directory (every signed-in user) ----------

/** Who is who, for showing names (salespeople, assignees): no login, e-mail or access level. */
export const userDirectoryEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
});
export type UserDirectoryEntry = z.infer<typeof userDirectoryEntrySchema>;

export const userDirectoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type UserDirectoryQuery = z.output<typeof userDirectoryQuerySchema>;

export const userDirectorySchema = listResponseSchema(userDirectoryEntrySchema);
export type UserDirectory = z.infer<typeof userDirectorySchema>;

import { z } from 'zod';
import {
  listResponseSchema,
  moneySchema,
  objectIdSchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';
import { colorIndexSchema, nameTranslationsSchema } from './tag.schemas';

const teamNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

/** Who may write to the team's e-mail alias (Odoo's `alias_contact`). */
export const aliasContactSchema = z.enum(['everyone', 'partners', 'followers']);

/** The local part of an e-mail address: letters, digits and `.`, `_`, `+`, `-`, stored lower-case. */
const aliasNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._+-]+$/, 'may contain only letters, digits and . _ + -')
  .transform((value) => value.toLowerCase());
const aliasDomainSchema = z
  .string()
  .trim()
  .max(253)
  .regex(/^([A-Za-z0-9-]+\.)*[A-Za-z0-9-]*$/, 'must be a domain name such as example.com')
  .transform((value) => value.toLowerCase());

export const teamAliasInputSchema = z.strictObject({
  name: aliasNameSchema,
  /** Empty = the server's mail domain. */
  domain: aliasDomainSchema.default(''),
  contact: aliasContactSchema.default('everyone'),
});

export const teamMemberInputSchema = z.strictObject({
  userId: objectIdSchema,
  active: z.boolean().default(true),
});

export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameI18n: nameTranslationsSchema.optional(),
  sequence: z.number().int(),
  active: z.boolean(),
  color: z.number().int(),
  leaderId: z.string().nullable(),
  members: z.array(z.object({ userId: z.string(), active: z.boolean(), createdAt: z.string() })),
  /** Users of the active memberships (Odoo's `member_ids`). */
  memberUserIds: z.array(z.string()),
  useLeads: z.boolean(),
  useOpportunities: z.boolean(),
  alias: z
    .object({
      name: z.string(),
      domain: z.string(),
      contact: aliasContactSchema,
      /** What a mail to the alias creates: `lead` when the team qualifies leads, else `opportunity`. */
      defaultType: z.enum(['lead', 'opportunity']),
    })
    .nullable(),
  /** Monthly invoicing target, company currency. */
  invoicedTarget: z.number(),
  /** Its pipeline columns, in order: stages of this team plus the shared ones. */
  stageIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Team = z.infer<typeof teamSchema>;

export const createTeamBodySchema = z.strictObject({
  name: teamNameSchema,
  nameI18n: nameTranslationsSchema.optional(),
  sequence: z.number().int().min(0).max(100_000).default(10),
  color: colorIndexSchema.default(0),
  leaderId: objectIdSchema.nullable().default(null),
  members: z.array(teamMemberInputSchema).max(500).default([]),
  useLeads: z.boolean().default(false),
  useOpportunities: z.boolean().default(true),
  alias: teamAliasInputSchema.nullable().default(null),
  invoicedTarget: moneySchema.default(0),
});
export type CreateTeamBody = z.input<typeof createTeamBodySchema>;

export const updateTeamBodySchema = z.strictObject({
  name: teamNameSchema.optional(),
  nameI18n: nameTranslationsSchema.optional(),
  sequence: z.number().int().min(0).max(100_000).optional(),
  color: colorIndexSchema.optional(),
  active: z.boolean().optional(),
  leaderId: objectIdSchema.nullable().optional(),
  /** Replaces the membership list; memberships keep their creation date. */
  members: z.array(teamMemberInputSchema).max(500).optional(),
  useLeads: z.boolean().optional(),
  useOpportunities: z.boolean().optional(),
  alias: teamAliasInputSchema.nullable().optional(),
  invoicedTarget: moneySchema.optional(),
});
export type UpdateTeamBody = z.infer<typeof updateTeamBodySchema>;

export const listTeamsQuerySchema = paginationQuerySchema.extend({
  includeArchived: queryBooleanSchema.default(false),
  /** Only the teams this user leads or is an active member of. */
  userId: objectIdSchema.optional(),
});
export type ListTeamsQuery = z.infer<typeof listTeamsQuerySchema>;

export const teamListResponseSchema = listResponseSchema(teamSchema);

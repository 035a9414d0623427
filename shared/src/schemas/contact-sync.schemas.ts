import { z } from 'zod';
import { listResponseSchema, objectIdSchema, paginationQuerySchema } from './common.schemas';
import { syncContactFields } from './sync-contact-fields';

/**
 * Two-way contact sync between an address book (Thunderbird, Outlook through Graph) and the CRM's
 * partners. Protocol: `sync-and-mail.md` §9 — an opaque change cursor, tombstones in the same
 * feed, client batches with a change id and the base version per change, three-way merge.
 */

export {
  syncContactFields,
  syncContactScalarFields,
  syncContactSetFields,
  type SyncContactScalarField,
  type SyncContactSetField,
} from './sync-contact-fields';

export const syncContactFieldSchema = z.enum(syncContactFields);
export type SyncContactField = z.infer<typeof syncContactFieldSchema>;

const optionalText = (max: number) => z.string().trim().max(max).nullable();

/** The contact as the sync feed carries it (the partner's synced fields). */
export const syncContactSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(256),
  isCompany: z.boolean(),
  companyName: optionalText(256),
  /** The related company partner, when the contact belongs to one (read-only for clients). */
  companyId: z.string().nullable(),
  jobPosition: optionalText(256),
  /** Primary address (the one mail lookups match first). */
  email: optionalText(320),
  /** Further addresses, beside the primary one. */
  emails: z.array(z.string().trim().min(3).max(320)).max(50),
  phone: optionalText(64),
  mobile: optionalText(64),
  street: optionalText(256),
  street2: optionalText(256),
  zip: optionalText(32),
  city: optionalText(128),
  stateCode: optionalText(16),
  countryCode: optionalText(2),
  website: optionalText(512),
  lang: optionalText(16),
  notes: optionalText(20_000),
});
export type SyncContact = z.infer<typeof syncContactSchema>;

/** A value a client writes for one field: scalar fields take a string/boolean/null, `emails` an array. */
export const syncFieldValueSchema = z.union([
  z.string().max(20_000),
  z.boolean(),
  z.null(),
  z.array(z.string().max(320)).max(50),
]);
export type SyncFieldValue = z.infer<typeof syncFieldValueSchema>;

/**
 * One changed field: the new value and, for updates, the value the client last had from the
 * server (`base`). With `base` the server merges three-way without needing its own history; when
 * absent the server uses its snapshot of `baseVersion`.
 */
export const syncFieldChangeSchema = z.object({
  value: syncFieldValueSchema,
  base: syncFieldValueSchema.optional(),
});
export type SyncFieldChange = z.infer<typeof syncFieldChangeSchema>;

// ---------- GET /api/v1/sync/contacts ----------

export const contactSyncFeedQuerySchema = z.object({
  /** Opaque cursor from the previous page (`nextToken`); absent = full sync from the start. */
  token: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type ContactSyncFeedQuery = z.input<typeof contactSyncFeedQuerySchema>;

export const contactSyncChangeSchema = z.object({
  /** CRM partner id. */
  id: z.string(),
  /** Version of this state; send it back as `baseVersion` when you change the contact. */
  version: z.number().int(),
  /** Tombstone: the contact was deleted in the CRM or left the set you sync. */
  deleted: z.boolean().optional(),
  contact: syncContactSchema.optional(),
});
export type ContactSyncChange = z.infer<typeof contactSyncChangeSchema>;

export const contactSyncFeedResponseSchema = z.object({
  changes: z.array(contactSyncChangeSchema),
  /** Store it only after this page is applied locally; the next call passes it as `token`. */
  nextToken: z.string(),
  /** More changes are ready: call again at once with `nextToken`. In sync only when false. */
  hasMore: z.boolean(),
});
export type ContactSyncFeedResponse = z.infer<typeof contactSyncFeedResponseSchema>;

/** `details.reason` of the 410 that tells the client to drop its token and resync in full. */
export const syncTokenExpiredReason = 'SYNC_TOKEN_EXPIRED';

// ---------- POST /api/v1/sync/contacts ----------

export const contactSyncOperationSchema = z.enum(['create', 'update', 'delete']);
export type ContactSyncOperation = z.infer<typeof contactSyncOperationSchema>;

export const contactSyncClientChangeSchema = z
  .object({
    /** Unique per change (UUIDv7 made when it enters the outbox); resending it is a replay. */
    changeId: z.string().trim().min(8).max(100),
    op: contactSyncOperationSchema,
    /** CRM id; required for update and delete. */
    id: objectIdSchema.optional(),
    /** The client's own reference (local card id), echoed back in the result. */
    localRef: z.string().max(200).optional(),
    /** `version` the client's copy was based on; required for update and delete. */
    baseVersion: z.number().int().min(0).optional(),
    /** Changed fields (create: every field the card has). */
    fields: z.partialRecord(syncContactFieldSchema, syncFieldChangeSchema).optional(),
  })
  .superRefine((change, context) => {
    if (change.op !== 'create' && !change.id) {
      context.addIssue({ code: 'custom', path: ['id'], message: `is required for ${change.op}` });
    }
    if (change.op !== 'create' && change.baseVersion === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['baseVersion'],
        message: `is required for ${change.op}`,
      });
    }
    if (change.op === 'create' && typeof change.fields?.name?.value !== 'string') {
      context.addIssue({
        code: 'custom',
        path: ['fields', 'name'],
        message: 'is required for create',
      });
    }
  });
export type ContactSyncClientChange = z.infer<typeof contactSyncClientChangeSchema>;

export const contactSyncPushBodySchema = z.object({
  /** Stable id of the installation (address book + device) sending the batch. */
  clientId: z.string().trim().min(1).max(100),
  /** Shown in conflict records ("Thunderbird, Sofia's laptop"). */
  host: z.enum(['thunderbird', 'outlook', 'other']).default('other'),
  device: z.string().trim().max(100).optional(),
  changes: z.array(contactSyncClientChangeSchema).min(1).max(100),
});
export type ContactSyncPushBody = z.input<typeof contactSyncPushBodySchema>;

export const contactConflictKindSchema = z.enum(['field', 'delete-vs-edit', 'edit-vs-delete']);

/** A value the server did not take; kept on the contact and posted to its chatter. */
export const contactConflictSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  kind: contactConflictKindSchema,
  /** Field name, or `emails[<address>]` for one address of the set. */
  path: z.string(),
  base: syncFieldValueSchema.optional(),
  server: syncFieldValueSchema.optional(),
  client: syncFieldValueSchema.optional(),
  changeId: z.string(),
  source: z.object({ clientId: z.string(), host: z.string(), device: z.string().optional() }),
  detectedAt: z.string(),
});
export type ContactConflict = z.infer<typeof contactConflictSchema>;

export const contactSyncResultStatusSchema = z.enum([
  /** Taken as sent. */
  'applied',
  /** Merged with server-side changes without conflict. */
  'merged',
  /** Merged; some client values were not taken (see `conflicts`). */
  'conflict',
  /** Refused (validation, access); `error` says why, nothing was written. */
  'rejected',
]);

export const contactSyncResultSchema = z.object({
  changeId: z.string(),
  localRef: z.string().optional(),
  status: contactSyncResultStatusSchema,
  id: z.string().optional(),
  /** The stored version after this change: base your next change on it. */
  version: z.number().int().optional(),
  /** The stored contact (trust it, not what was sent); absent when deleted. */
  contact: syncContactSchema.optional(),
  deleted: z.boolean().optional(),
  conflicts: z.array(contactConflictSchema).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ContactSyncResult = z.infer<typeof contactSyncResultSchema>;

export const contactSyncPushResponseSchema = z.object({
  /** One per change, in request order. A replayed change returns its stored result unchanged. */
  results: z.array(contactSyncResultSchema),
  /** How many of the changes were replays of changes already applied. */
  replayed: z.number().int(),
});
export type ContactSyncPushResponse = z.infer<typeof contactSyncPushResponseSchema>;

// ---------- settings ----------

/** Which contacts a user's address book holds (always within what their access level may read). */
export const contactSyncScopeSchema = z.enum(['own', 'opportunities', 'team']);
export type ContactSyncScope = z.infer<typeof contactSyncScopeSchema>;

export const contactSyncSettingsSchema = z.object({ scope: contactSyncScopeSchema });
export type ContactSyncSettings = z.infer<typeof contactSyncSettingsSchema>;

export const contactConflictListResponseSchema = z.object({
  items: z.array(contactConflictSchema),
});

// ---------- conflict resolution (GET /api/v1/sync/conflicts, POST /api/v1/sync/conflicts/:id/resolve) ----------

/** `keep-crm`: the CRM's side stays; `use-device`: the address book's side is applied as a CRM edit. */
export const contactConflictResolutionSchema = z.enum(['keep-crm', 'use-device']);
export type ContactConflictResolution = z.infer<typeof contactConflictResolutionSchema>;

export const contactConflictListItemSchema = contactConflictSchema.extend({
  contactName: z.string(),
  /**
   * The CRM's value now, for `field` conflicts (`server` is the value when the conflict arose):
   * what "keep-crm" keeps. For `emails[<address>]`: the address, or null when the contact lacks it.
   */
  current: syncFieldValueSchema.optional(),
  /** Whether the caller may resolve it (else the resolve route answers 403). */
  canResolve: z.boolean(),
});
export type ContactConflictListItem = z.infer<typeof contactConflictListItemSchema>;

export const contactConflictListQuerySchema = paginationQuerySchema.extend({
  /** Only the conflicts of this contact. */
  contactId: objectIdSchema.optional(),
});
export type ContactConflictListQuery = z.input<typeof contactConflictListQuerySchema>;

export const contactConflictPageSchema = listResponseSchema(contactConflictListItemSchema);
export type ContactConflictPage = z.infer<typeof contactConflictPageSchema>;

export const contactConflictResolveBodySchema = z.object({
  resolution: contactConflictResolutionSchema,
});
export type ContactConflictResolveBody = z.infer<typeof contactConflictResolveBodySchema>;

export const resolvedContactConflictSchema = contactConflictSchema.extend({
  resolvedAt: z.string(),
  resolution: contactConflictResolutionSchema,
  /** User id of who resolved it. */
  resolvedBy: z.string(),
});
export type ResolvedContactConflict = z.infer<typeof resolvedContactConflictSchema>;

/**
 * The resolved conflict and the contact as stored afterwards (same shape as a sync result:
 * `version` to base the next change on; `deleted` when the resolution archived it).
 */
export const contactConflictResolveResponseSchema = z.object({
  conflict: resolvedContactConflictSchema,
  contact: syncContactSchema.optional(),
  version: z.number().int().optional(),
  deleted: z.boolean().optional(),
});
export type ContactConflictResolveResponse = z.infer<typeof contactConflictResolveResponseSchema>;

/** `error.details` of the 409 a second resolve gets: what was decided, when and by whom. */
export const contactConflictAlreadyResolvedDetailsSchema = z.object({
  resolution: contactConflictResolutionSchema.nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});
export type ContactConflictAlreadyResolvedDetails = z.infer<
  typeof contactConflictAlreadyResolvedDetailsSchema
>;

import { z } from 'zod';

// Outlook contact sync through Microsoft Graph (server-side): the task pane's settings use these.

/** The "CRM" contact folder the server keeps in the user's mailbox. */
export const outlookSyncFolderName = 'CRM';

// ---------- POST /api/v1/outlook-sync/consent ----------

export const outlookSyncConsentBodySchema = z.object({
  /**
   * The user's Microsoft Entra access token for our API (the one NAA / the sign-in dialog gave
   * the task pane); the server exchanges it On-Behalf-Of for Microsoft Graph `Contacts.ReadWrite`.
   */
  accessToken: z.string().trim().min(16, 'must be an access token').max(16_384),
});
export type OutlookSyncConsentBody = z.infer<typeof outlookSyncConsentBodySchema>;

// ---------- GET /api/v1/outlook-sync/status (also the answer of consent and run) ----------

export const outlookSyncRunSummarySchema = z.object({
  /** Changes sent to the CRM / received from it. */
  pushed: z.number().int(),
  pulled: z.number().int(),
  /** Writes made in the Outlook folder. */
  outlookCreated: z.number().int(),
  outlookUpdated: z.number().int(),
  outlookDeleted: z.number().int(),
  /** Fields edited on both sides: the CRM value was kept, the Outlook one is a conflict record. */
  conflicts: z.number().int(),
  rejected: z.number().int(),
  /** The CRM's sync token had expired: the whole book was matched again (no duplicates). */
  fullResync: z.boolean(),
  /** Graph's delta link had expired (410): the folder was read again in full. */
  graphResync: z.boolean(),
});
export type OutlookSyncRunSummary = z.infer<typeof outlookSyncRunSummarySchema>;

export const outlookSyncStatusSchema = z.object({
  /** The server has Microsoft Entra ID (with a client secret) configured: the sync can be enabled. */
  available: z.boolean(),
  enabled: z.boolean(),
  folderName: z.string(),
  /** The Microsoft account whose mailbox holds the folder (from the consent token), if known. */
  microsoftAccount: z.string().nullable(),
  consentedAt: z.string().datetime().nullable(),
  lastRunAt: z.string().datetime().nullable(),
  /** When the last sync completed without error ("Last sync" in the settings). */
  lastSuccessAt: z.string().datetime().nullable(),
  lastError: z
    .object({ code: z.string(), message: z.string(), at: z.string().datetime() })
    .nullable(),
  lastSummary: outlookSyncRunSummarySchema.nullable(),
  /** Contacts in the Outlook folder after the last run. */
  contactCount: z.number().int(),
  /** A sync is running now. */
  running: z.boolean(),
});
export type OutlookSyncStatus = z.infer<typeof outlookSyncStatusSchema>;

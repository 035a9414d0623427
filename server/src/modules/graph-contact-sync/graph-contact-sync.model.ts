import mongoose, { Schema, type Types } from 'mongoose';

/** One user's Outlook contact sync: consent, the mailbox folder, the delta link and the last run. */
export interface OutlookSyncAccountRecord {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  enabled: boolean;
  consentedAt?: Date | null;
  /** Whose mailbox: the Entra object id and username of the consent token (after Entra took it). */
  entraObjectId?: string | null;
  microsoftAccount?: string | null;
  /** The "CRM" contact folder in the mailbox. */
  folderId?: string | null;
  /** The whole `@odata.deltaLink` of the last complete delta round. */
  deltaLink?: string | null;
  /** msal-node's serialized token cache for this user (holds the OBO refresh token). */
  tokenCache?: string | null;
  lastRunAt?: Date | null;
  lastSuccessAt?: Date | null;
  lastError?: { code: string; message: string; at: Date } | null;
  lastSummary?: {
    pushed: number;
    pulled: number;
    outlookCreated: number;
    outlookUpdated: number;
    outlookDeleted: number;
    conflicts: number;
    rejected: number;
    fullResync: boolean;
    graphResync: boolean;
  } | null;
  /** Contacts in the Outlook folder after the last run. */
  contactCount: number;
}

const accountSchema = new Schema<OutlookSyncAccountRecord>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, ref: 'User' },
    enabled: { type: Boolean, required: true, default: false },
    consentedAt: { type: Date, default: null },
    entraObjectId: { type: String, default: null },
    microsoftAccount: { type: String, default: null },
    folderId: { type: String, default: null },
    deltaLink: { type: String, default: null },
    tokenCache: { type: String, default: null, select: false },
    lastRunAt: { type: Date, default: null },
    lastSuccessAt: { type: Date, default: null },
    lastError: {
      type: new Schema(
        { code: String, message: String, at: Date },
        { _id: false, versionKey: false },
      ),
      default: null,
    },
    lastSummary: { type: Schema.Types.Mixed, default: null },
    contactCount: { type: Number, required: true, default: 0 },
  },
  { versionKey: false, timestamps: true },
);
accountSchema.index({ userId: 1 }, { unique: true });

export const OutlookSyncAccountModel = mongoose.model<OutlookSyncAccountRecord>(
  'OutlookSyncAccount',
  accountSchema,
  'outlook_sync_accounts',
);

/** The shared sync engine's key/value state for one user (JSON text: values are engine-owned). */
export interface OutlookSyncStateRecord {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  key: string;
  json: string;
}

const stateSchema = new Schema<OutlookSyncStateRecord>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, ref: 'User' },
    key: { type: String, required: true },
    json: { type: String, required: true },
  },
  { versionKey: false },
);
stateSchema.index({ userId: 1, key: 1 }, { unique: true });

export const OutlookSyncStateModel = mongoose.model<OutlookSyncStateRecord>(
  'OutlookSyncState',
  stateSchema,
  'outlook_sync_state',
);

/** What the Outlook folder held at the last delta round (plus our writes since), per contact. */
export interface OutlookContactMirrorRecord {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  graphId: string;
  changeKey?: string | null;
  /** The CRM id we wrote on the contact (delta does not return extended properties). */
  crmId?: string | null;
  /** The Graph contact as JSON text. */
  json: string;
  /** The delta round that last saw it (a full resync deletes the ones it did not see). */
  seenRound: number;
}

const mirrorSchema = new Schema<OutlookContactMirrorRecord>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, ref: 'User' },
    graphId: { type: String, required: true },
    changeKey: { type: String, default: null },
    crmId: { type: String, default: null },
    json: { type: String, required: true },
    seenRound: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
mirrorSchema.index({ userId: 1, graphId: 1 }, { unique: true });

export const OutlookContactMirrorModel = mongoose.model<OutlookContactMirrorRecord>(
  'OutlookContactMirror',
  mirrorSchema,
  'outlook_contact_mirror',
);

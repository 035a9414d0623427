import mongoose, { Schema, type Types } from 'mongoose';
import type { ContactSyncScope } from '@inbox-crm/shared/schemas';

/** A client value the merge did not take (`sync-and-mail.md` §9.3); listed on the contact. */
export interface ContactConflictRecord {
  _id: Types.ObjectId;
  contactId: Types.ObjectId;
  kind: 'field' | 'delete-vs-edit' | 'edit-vs-delete';
  path: string;
  base?: unknown;
  server?: unknown;
  client?: unknown;
  changeId: string;
  userId: Types.ObjectId;
  source: { clientId: string; host: string; device?: string };
  detectedAt: Date;
  resolvedAt?: Date | null;
  resolution?: 'keep-crm' | 'use-device' | null;
  /** The user who resolved it. */
  resolvedBy?: Types.ObjectId | null;
}

const conflictSchema = new Schema<ContactConflictRecord>(
  {
    contactId: { type: Schema.Types.ObjectId, required: true, ref: 'Partner' },
    kind: { type: String, enum: ['field', 'delete-vs-edit', 'edit-vs-delete'], required: true },
    path: { type: String, required: true },
    base: { type: Schema.Types.Mixed },
    server: { type: Schema.Types.Mixed },
    client: { type: Schema.Types.Mixed },
    changeId: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true, ref: 'User' },
    source: {
      clientId: { type: String, required: true },
      host: { type: String, required: true },
      device: { type: String },
    },
    detectedAt: { type: Date, required: true },
    resolvedAt: { type: Date, default: null },
    resolution: { type: String, enum: ['keep-crm', 'use-device'], default: null },
    resolvedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { versionKey: false, minimize: false },
);
conflictSchema.index({ contactId: 1, resolvedAt: 1, detectedAt: -1 });
// Every open conflict, newest first (the console's list).
conflictSchema.index({ resolvedAt: 1, detectedAt: -1 });

export const ContactConflictModel = mongoose.model<ContactConflictRecord>(
  'ContactConflict',
  conflictSchema,
  'contact_conflicts',
);

/** Which contacts a user's address book holds. */
export interface ContactSyncSettingsRecord {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  scope: ContactSyncScope;
}

const settingsSchema = new Schema<ContactSyncSettingsRecord>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, ref: 'User' },
    scope: { type: String, enum: ['own', 'opportunities', 'team'], required: true },
  },
  { versionKey: false, timestamps: true },
);
settingsSchema.index({ userId: 1 }, { unique: true });

export const ContactSyncSettingsModel = mongoose.model<ContactSyncSettingsRecord>(
  'ContactSyncSettings',
  settingsSchema,
  'contact_sync_settings',
);

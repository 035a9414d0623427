import mongoose, { Schema, type Types } from 'mongoose';
import type { SyncContact } from '@inbox-crm/shared/schemas';

/**
 * The server-wide contact change sequence (`sync-and-mail.md` §10): one counter document and an
 * append-only log with one entry per change. The entry keeps a snapshot of the synced fields at
 * that version, so the feed serves consistent states and the merge has its base.
 */
export interface ContactSequenceCounter {
  _id: string;
  seq: number;
  /** Tokens below this sequence are too old: their tombstones have been pruned (→ 410). */
  horizonSeq: number;
  /** Every sequence number at or below it that has no entry was pruned, not in flight. */
  prunedThroughSeq: number;
  /** Changes on restore from a backup: every outstanding token becomes invalid. */
  epoch: string;
  /** When the last sequence number was allocated (gap detection). */
  allocatedAt: Date;
}

const counterSchema = new Schema<ContactSequenceCounter>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
    horizonSeq: { type: Number, required: true, default: 0 },
    prunedThroughSeq: { type: Number, required: true, default: 0 },
    epoch: { type: String, required: true },
    allocatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const ContactSequenceCounterModel = mongoose.model<ContactSequenceCounter>(
  'ContactSequenceCounter',
  counterSchema,
  'contact_sequence_counters',
);

/** What the partner looked like at one version, plus what scoping needs. */
export interface ContactSnapshot extends SyncContact {
  userId: string | null;
  teamId: string | null;
  createdBy: string | null;
}

export interface ContactChange {
  seq: number;
  partnerId: Types.ObjectId;
  deleted: boolean;
  /** Absent for tombstones. */
  snapshot?: ContactSnapshot;
  recordedAt: Date;
}

const changeSchema = new Schema<ContactChange>(
  {
    seq: { type: Number, required: true },
    partnerId: { type: Schema.Types.ObjectId, required: true },
    deleted: { type: Boolean, required: true, default: false },
    snapshot: { type: Schema.Types.Mixed },
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
changeSchema.index({ seq: 1 }, { unique: true });
changeSchema.index({ partnerId: 1, seq: -1 });

export const ContactChangeModel = mongoose.model<ContactChange>(
  'ContactChange',
  changeSchema,
  'contact_changes',
);

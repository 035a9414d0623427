import { model, Schema, type Types } from 'mongoose';

/** One security-relevant event: sign-in, token change, admin change. Append-only. */
export interface AuditEventRecord {
  _id: Types.ObjectId;
  at: Date;
  /** `area.verb`, e.g. `auth.sign-in`, `token.create`, `user.update`, `team.update`. */
  action: string;
  actorUserId?: Types.ObjectId;
  actorLogin?: string;
  via?: string;
  targetType?: string;
  targetId?: string;
  /** Human-readable, never secrets, never mail content. */
  summary: string;
  outcome: 'success' | 'failure';
  ip?: string;
}

const auditEventSchema = new Schema<AuditEventRecord>({
  at: { type: Date, required: true, default: () => new Date() },
  action: { type: String, required: true },
  actorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
  actorLogin: { type: String },
  via: { type: String },
  targetType: { type: String },
  targetId: { type: String },
  summary: { type: String, required: true, maxlength: 1000 },
  outcome: { type: String, enum: ['success', 'failure'], required: true, default: 'success' },
  ip: { type: String },
});

auditEventSchema.index({ at: -1 });
auditEventSchema.index({ action: 1, at: -1 });
auditEventSchema.index({ actorUserId: 1, at: -1 });
auditEventSchema.index({ targetType: 1, targetId: 1, at: -1 });

export const AuditEventModel = model<AuditEventRecord>('AuditEvent', auditEventSchema);

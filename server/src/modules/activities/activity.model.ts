import { Schema, model, type Types } from 'mongoose';
import type { ResModel } from '@inbox-crm/shared/schemas';
import { resModels } from '../messages/message.model';

/**
 * A follow-up scheduled on a record (Odoo `mail.activity`). Open activities are `active: true`;
 * done ones are deleted, or kept with `active: false` and `dateDone` when their type says `keepDone`.
 */
export interface Activity {
  resModel: ResModel;
  resId: Types.ObjectId;
  resName?: string;
  activityTypeId?: Types.ObjectId;
  summary?: string;
  /** Sanitized HTML. */
  note?: string;
  /** `YYYY-MM-DD`. */
  dateDeadline: string;
  /** The assignee. */
  userId: Types.ObjectId;
  active: boolean;
  dateDone?: Date;
  feedback?: string;
  automated: boolean;
  previousActivityTypeId?: Types.ObjectId;
  createdBy?: Types.ObjectId;
  updatedBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const activitySchema = new Schema<Activity>(
  {
    resModel: { type: String, enum: resModels, required: true },
    resId: { type: Schema.Types.ObjectId, required: true },
    resName: String,
    activityTypeId: { type: Schema.Types.ObjectId, ref: 'ActivityType' },
    summary: String,
    note: String,
    dateDeadline: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    active: { type: Boolean, default: true },
    dateDone: Date,
    feedback: String,
    automated: { type: Boolean, default: false },
    previousActivityTypeId: { type: Schema.Types.ObjectId, ref: 'ActivityType' },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

activitySchema.index({ userId: 1, active: 1, dateDeadline: 1 });
activitySchema.index({ resModel: 1, resId: 1 });

export const ActivityModel = model<Activity>('Activity', activitySchema);

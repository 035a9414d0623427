import { Schema, model, type Types } from 'mongoose';
import type { ResModel } from '@inbox-crm/shared/schemas';
import { resModels } from '../messages/message.model';

export type ActivityCategory = 'default' | 'upload_file' | 'phonecall' | 'meeting';
export type DelayUnit = 'days' | 'weeks' | 'months';

/** Odoo `mail.activity.type`: the kinds of follow-up a salesperson schedules. */
export interface ActivityType {
  name: string;
  nameI18n?: { 'zh-CN'?: string; ro?: string };
  summary?: string;
  sequence: number;
  active: boolean;
  category: ActivityCategory;
  delayCount: number;
  delayUnit: DelayUnit;
  delayFrom: 'current_date' | 'previous_activity';
  chainingType: 'suggest' | 'trigger';
  triggeredNextTypeId?: Types.ObjectId | null;
  suggestedNextTypeIds: Types.ObjectId[];
  defaultUserId?: Types.ObjectId | null;
  defaultNote?: string;
  icon?: string;
  decorationType?: 'warning' | 'danger' | null;
  /** null: usable on every kind of record. */
  resModel?: ResModel | null;
  /** Archive the activity when done instead of deleting it. */
  keepDone: boolean;
  /** Stable key of a seeded default (`todo`, `call` …), so code finds "To-Do" whatever it is renamed to. */
  key?: string;
  createdBy?: Types.ObjectId;
  updatedBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const activityTypeSchema = new Schema<ActivityType>(
  {
    name: { type: String, required: true, trim: true },
    nameI18n: { type: new Schema({ 'zh-CN': String, ro: String }, { _id: false }) },
    summary: String,
    sequence: { type: Number, default: 10 },
    active: { type: Boolean, default: true },
    category: {
      type: String,
      enum: ['default', 'upload_file', 'phonecall', 'meeting'],
      default: 'default',
    },
    delayCount: { type: Number, default: 0, min: 0 },
    delayUnit: { type: String, enum: ['days', 'weeks', 'months'], default: 'days' },
    delayFrom: {
      type: String,
      enum: ['current_date', 'previous_activity'],
      default: 'previous_activity',
    },
    chainingType: { type: String, enum: ['suggest', 'trigger'], default: 'suggest' },
    triggeredNextTypeId: { type: Schema.Types.ObjectId, ref: 'ActivityType', default: null },
    suggestedNextTypeIds: { type: [Schema.Types.ObjectId], ref: 'ActivityType', default: [] },
    defaultUserId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    defaultNote: String,
    icon: String,
    decorationType: { type: String, enum: ['warning', 'danger', null], default: null },
    resModel: { type: String, enum: [...resModels, null], default: null },
    keepDone: { type: Boolean, default: false },
    key: String,
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

activityTypeSchema.index({ active: 1, sequence: 1 });
activityTypeSchema.index(
  { key: 1 },
  { unique: true, partialFilterExpression: { key: { $exists: true } } },
);

export const ActivityTypeModel = model<ActivityType>('ActivityType', activityTypeSchema);

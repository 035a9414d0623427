import mongoose, { Schema, type Types } from 'mongoose';
import type { NameTranslations } from '@inbox-crm/shared/schemas';

/** A pipeline column (Odoo `crm.stage`, with OpenERP 7's stage-driven probability). */
export interface StageRecord {
  _id: Types.ObjectId;
  name: string;
  nameI18n?: NameTranslations;
  sequence: number;
  probability: number;
  /** OpenERP 7 `on_change`: moving a lead here sets its probability to the stage's. */
  autoProbability: boolean;
  isWon: boolean;
  fold: boolean;
  requirements: string;
  /** Empty: shared by every team. */
  teamIds: Types.ObjectId[];
  createdAt: Date;
  updatedAt: Date;
}

const stageSchema = new Schema<StageRecord>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    nameI18n: { type: { 'zh-CN': String, ro: String }, _id: false, default: undefined },
    sequence: { type: Number, required: true, default: 1 },
    probability: { type: Number, required: true, min: 0, max: 100, default: 0 },
    autoProbability: { type: Boolean, required: true, default: false },
    isWon: { type: Boolean, required: true, default: false },
    fold: { type: Boolean, required: true, default: false },
    requirements: { type: String, default: '' },
    teamIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Team' }], default: [] },
  },
  { timestamps: true },
);

// crm-model.md §8: the columns of a team's pipeline.
stageSchema.index({ teamIds: 1, sequence: 1 });

export const StageModel = mongoose.model<StageRecord>('Stage', stageSchema, 'stages');

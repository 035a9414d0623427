import mongoose, { Schema, type Types } from 'mongoose';
import type { NameTranslations } from '@inbox-crm/shared/schemas';

/** Why an opportunity was lost (Odoo `crm.lost.reason`). */
export interface LostReasonRecord {
  _id: Types.ObjectId;
  name: string;
  nameI18n?: NameTranslations;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const lostReasonSchema = new Schema<LostReasonRecord>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    nameI18n: { type: { 'zh-CN': String, ro: String }, _id: false, default: undefined },
    active: { type: Boolean, required: true, default: true },
  },
  { timestamps: true },
);

lostReasonSchema.index({ active: 1, name: 1 });

export const LostReasonModel = mongoose.model<LostReasonRecord>(
  'LostReason',
  lostReasonSchema,
  'lost_reasons',
);

import mongoose, { Schema, type Types } from 'mongoose';
import type { NameTranslations, TagKind } from '@inbox-crm/shared/schemas';

/** Lead tags (Odoo `crm.tag`) and partner tags (`res.partner.category`), one collection. */
export interface TagRecord {
  _id: Types.ObjectId;
  kind: TagKind;
  name: string;
  /** Derived: accent-free lower-case name; unique per kind. */
  nameNormalized: string;
  nameI18n?: NameTranslations;
  color: number;
  parentId: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const tagSchema = new Schema<TagRecord>(
  {
    kind: { type: String, enum: ['lead', 'partner'], required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    nameNormalized: { type: String, required: true },
    nameI18n: { type: { 'zh-CN': String, ro: String }, _id: false, default: undefined },
    color: { type: Number, min: 0, max: 11, default: 0 },
    parentId: { type: Schema.Types.ObjectId, ref: 'Tag', default: null },
  },
  { timestamps: true },
);

tagSchema.index({ kind: 1, nameNormalized: 1 }, { unique: true });

export const TagModel = mongoose.model<TagRecord>('Tag', tagSchema, 'tags');

import { Schema, model, type Types } from 'mongoose';
import type { ResModel } from '@inbox-crm/shared/schemas';
import { resModels } from '../messages/message.model';

/**
 * Attachment metadata (Odoo `ir.attachment`). The bytes live in the GridFS bucket `attachments`
 * (`fileId`); identical content is stored once and shared by every attachment with its checksum.
 */
export interface Attachment {
  resModel: ResModel;
  resId: Types.ObjectId;
  fileName: string;
  contentType: string;
  size: number;
  /** SHA-256 of the content, lowercase hex. */
  checksum: string;
  fileId: Types.ObjectId;
  /** The MIME Content-ID (without angle brackets) of an inline mail part, for `cid:` images. */
  contentId?: string;
  createdAt: Date;
  updatedAt: Date;
}

const attachmentSchema = new Schema<Attachment>(
  {
    resModel: { type: String, enum: resModels, required: true },
    resId: { type: Schema.Types.ObjectId, required: true },
    fileName: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true, min: 0 },
    checksum: { type: String, required: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    contentId: String,
  },
  { timestamps: true },
);

attachmentSchema.index({ resModel: 1, resId: 1 });
attachmentSchema.index({ checksum: 1 });

export const AttachmentModel = model<Attachment>('Attachment', attachmentSchema);

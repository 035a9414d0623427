import { Schema, model, type Types } from 'mongoose';
import type { MessageKind, ResModel, TrackedValue } from '@inbox-crm/shared/schemas';

export const resModels = ['lead', 'partner', 'quotation'] as const satisfies readonly ResModel[];

export interface MessageTracking {
  field: string;
  fieldLabel?: string;
  oldValue: TrackedValue;
  newValue: TrackedValue;
}

/** One chatter entry on a record (Odoo `mail.message`). */
export interface Message {
  resModel: ResModel;
  resId: Types.ObjectId;
  kind: MessageKind;
  subject?: string;
  /** Sanitized with the mail policy when written; never raw. */
  bodyHtml: string;
  authorUserId?: Types.ObjectId;
  authorPartnerId?: Types.ObjectId;
  /** Display name at posting time, so the chatter renders without joins. */
  authorName?: string;
  emailFrom?: string;
  emailTo: string[];
  emailCc: string[];
  /** The mail's Date header (UTC), else the posting time. */
  date: Date;
  /** RFC 5322 Message-ID with angle brackets. */
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  attachmentIds: Types.ObjectId[];
  activityTypeId?: Types.ObjectId;
  tracking: MessageTracking[];
  createdAt: Date;
  updatedAt: Date;
}

const trackingSchema = new Schema<MessageTracking>(
  {
    field: { type: String, required: true },
    fieldLabel: String,
    oldValue: Schema.Types.Mixed,
    newValue: Schema.Types.Mixed,
  },
  { _id: false },
);

const messageSchema = new Schema<Message>(
  {
    resModel: { type: String, enum: resModels, required: true },
    resId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['note', 'email', 'notification'], required: true },
    subject: String,
    bodyHtml: { type: String, default: '' },
    authorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    authorPartnerId: { type: Schema.Types.ObjectId, ref: 'Partner' },
    authorName: String,
    emailFrom: String,
    emailTo: { type: [String], default: [] },
    emailCc: { type: [String], default: [] },
    date: { type: Date, required: true },
    messageId: String,
    inReplyTo: String,
    references: { type: [String], default: [] },
    attachmentIds: { type: [Schema.Types.ObjectId], ref: 'Attachment', default: [] },
    activityTypeId: { type: Schema.Types.ObjectId, ref: 'ActivityType' },
    tracking: { type: [trackingSchema], default: [] },
  },
  { timestamps: true },
);

messageSchema.index({ resModel: 1, resId: 1, _id: -1 });
messageSchema.index({ messageId: 1 });
// The same mail pushed twice to one record is one message; it may still sit on several records.
messageSchema.index(
  { resModel: 1, resId: 1, messageId: 1 },
  { unique: true, partialFilterExpression: { messageId: { $exists: true } } },
);

export const MessageModel = model<Message>('Message', messageSchema);

import { Schema, model, type Types } from 'mongoose';
import type { ResModel } from '@inbox-crm/shared/schemas';
import { resModels } from '../messages/message.model';

/**
 * A partner following a record (Odoo `mail.followers`). Followers are partners, so users follow
 * through their own partner; `userId` is kept beside it when the partner stands for a user, to
 * answer "records I follow" without a join.
 */
export interface Follower {
  resModel: ResModel;
  resId: Types.ObjectId;
  partnerId: Types.ObjectId;
  userId?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const followerSchema = new Schema<Follower>(
  {
    resModel: { type: String, enum: resModels, required: true },
    resId: { type: Schema.Types.ObjectId, required: true },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

followerSchema.index({ resModel: 1, resId: 1, partnerId: 1 }, { unique: true });
followerSchema.index({ userId: 1 }, { partialFilterExpression: { userId: { $exists: true } } });

export const FollowerModel = model<Follower>('Follower', followerSchema);

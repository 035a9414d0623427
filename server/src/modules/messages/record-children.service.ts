import type { Types } from 'mongoose';
import type { ResModel } from '@inbox-crm/shared/schemas';
import { ValidationError } from '../../errors/app-error';
import { ActivityModel } from '../activities/activity.model';
import { AttachmentModel } from '../attachments/attachment.model';
import { FollowerModel } from '../followers/follower.model';
import { MessageModel } from './message.model';
import { toObjectId, type WriteOptions } from './message.service';

export interface MoveRecordChildrenInput {
  resModel: ResModel;
  fromIds: Array<string | Types.ObjectId>;
  toId: string | Types.ObjectId;
  /**
   * Names of the merged records by id: when given, moved messages get the subject
   * "From <name>: …" and moved attachments the name "<file> (from <first 20 chars of name>)",
   * as Odoo's merge does (crm-model §2.6).
   */
  recordNames?: Record<string, string>;
}

export interface MovedChildren {
  messages: number;
  activities: number;
  attachments: number;
  followers: number;
}

/**
 * Moves the chatter, activities, attachments and followers of merged records onto the head
 * (crm-model §2.6). A mail already on the head (same Message-ID) is not moved twice: the copy on
 * the merged record is dropped; followers already following the head are dropped likewise.
 * Run it in the merge's transaction (`session`).
 */
export async function moveRecordChildren(
  input: MoveRecordChildrenInput,
  options: WriteOptions = {},
): Promise<MovedChildren> {
  const { session } = options;
  const toId = toObjectId(input.toId, 'toId');
  const fromIds = input.fromIds
    .map((id, index) => toObjectId(id, `fromIds.${index}`))
    .filter((id) => !id.equals(toId));
  if (fromIds.length === 0) return { messages: 0, activities: 0, attachments: 0, followers: 0 };
  if (fromIds.length > 100)
    throw new ValidationError([{ field: 'fromIds', message: 'at most 100 records at once' }]);
  const { resModel } = input;
  const fromFilter = { resModel, resId: { $in: fromIds } };

  await dropDuplicateMails(resModel, fromIds, toId, options);
  if (input.recordNames) await labelWithOrigin(resModel, fromIds, input.recordNames, options);
  const messages = await MessageModel.updateMany(
    fromFilter,
    { $set: { resId: toId } },
    { session },
  );
  const activities = await ActivityModel.updateMany(
    fromFilter,
    { $set: { resId: toId } },
    { session },
  );
  const attachments = await AttachmentModel.updateMany(
    fromFilter,
    { $set: { resId: toId } },
    { session },
  );
  const followers = await moveFollowers(resModel, fromIds, toId, options);

  return {
    messages: messages.modifiedCount,
    activities: activities.modifiedCount,
    attachments: attachments.modifiedCount,
    followers,
  };
}

async function dropDuplicateMails(
  resModel: ResModel,
  fromIds: Types.ObjectId[],
  toId: Types.ObjectId,
  { session }: WriteOptions,
): Promise<void> {
  const mails = await MessageModel.find({
    resModel,
    resId: { $in: [toId, ...fromIds] },
    messageId: { $exists: true },
  })
    .select({ resId: 1, messageId: 1 })
    .sort({ _id: 1 })
    .session(session ?? null)
    .lean();
  // Keep the head's copy, else the oldest copy; drop the rest.
  const kept = new Map<string, Types.ObjectId>();
  for (const mail of mails) if (mail.resId.equals(toId)) kept.set(mail.messageId!, mail._id);
  const duplicates: Types.ObjectId[] = [];
  for (const mail of mails) {
    if (mail.resId.equals(toId)) continue;
    if (kept.has(mail.messageId!)) duplicates.push(mail._id);
    else kept.set(mail.messageId!, mail._id);
  }
  if (duplicates.length > 0)
    await MessageModel.deleteMany({ _id: { $in: duplicates } }, { session });
}

async function moveFollowers(
  resModel: ResModel,
  fromIds: Types.ObjectId[],
  toId: Types.ObjectId,
  { session }: WriteOptions,
): Promise<number> {
  const followers = await FollowerModel.find({ resModel, resId: { $in: [toId, ...fromIds] } })
    .select({ resId: 1, partnerId: 1 })
    .sort({ _id: 1 })
    .session(session ?? null)
    .lean();
  const followingHead = new Set(
    followers.filter((f) => f.resId.equals(toId)).map((f) => f.partnerId.toHexString()),
  );
  const toMove: Types.ObjectId[] = [];
  const toDrop: Types.ObjectId[] = [];
  for (const follower of followers) {
    if (follower.resId.equals(toId)) continue;
    const partner = follower.partnerId.toHexString();
    if (followingHead.has(partner)) toDrop.push(follower._id);
    else {
      followingHead.add(partner);
      toMove.push(follower._id);
    }
  }
  if (toDrop.length > 0) await FollowerModel.deleteMany({ _id: { $in: toDrop } }, { session });
  if (toMove.length > 0)
    await FollowerModel.updateMany(
      { _id: { $in: toMove } },
      { $set: { resId: toId } },
      { session },
    );
  return toMove.length;
}

async function labelWithOrigin(
  resModel: ResModel,
  fromIds: Types.ObjectId[],
  recordNames: Record<string, string>,
  { session }: WriteOptions,
): Promise<void> {
  const nameOf = (id: Types.ObjectId) => recordNames[id.toHexString()]?.trim();
  const messages = await MessageModel.find({ resModel, resId: { $in: fromIds } })
    .select({ resId: 1, subject: 1 })
    .session(session ?? null)
    .lean();
  const messageUpdates = messages.flatMap((message) => {
    const name = nameOf(message.resId);
    if (!name) return [];
    const subject = `From ${name}: ${message.subject ?? ''}`.trimEnd();
    return [{ updateOne: { filter: { _id: message._id }, update: { $set: { subject } } } }];
  });
  if (messageUpdates.length > 0) await MessageModel.bulkWrite(messageUpdates, { session });

  const attachments = await AttachmentModel.find({ resModel, resId: { $in: fromIds } })
    .select({ resId: 1, fileName: 1 })
    .session(session ?? null)
    .lean();
  const attachmentUpdates = attachments.flatMap((attachment) => {
    const name = nameOf(attachment.resId);
    if (!name) return [];
    const fileName = `${attachment.fileName} (from ${name.slice(0, 20)})`;
    return [{ updateOne: { filter: { _id: attachment._id }, update: { $set: { fileName } } } }];
  });
  if (attachmentUpdates.length > 0) await AttachmentModel.bulkWrite(attachmentUpdates, { session });
}

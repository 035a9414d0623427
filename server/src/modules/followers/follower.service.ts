import type { Types, ClientSession } from 'mongoose';
import type { FollowerDto, ResModel } from '@inbox-crm/shared/schemas';
import { NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { toObjectId, type WriteOptions } from '../messages/message.service';
import { assertRecordAccess } from '../messages/record-access';
import { PartnerModel } from '../partners/partner.model';
import { UserModel } from '../users/user.model';
import { FollowerModel, type Follower } from './follower.model';

type IdLike = string | Types.ObjectId;

/** Who follows: a partner, or a user (who follows through the partner that stands for them). */
export interface FollowTarget {
  resModel: ResModel;
  resId: IdLike;
  partnerId?: IdLike;
  userId?: IdLike;
}

/** Subscribes a partner (or a user's partner) to a record; following twice is a no-op. */
export async function followRecord(
  target: FollowTarget,
  options: WriteOptions = {},
): Promise<FollowerDto> {
  return (await subscribe(target, options)).follower;
}

async function subscribe(
  target: FollowTarget,
  options: WriteOptions,
): Promise<{ follower: FollowerDto; created: boolean }> {
  const { session } = options;
  const resId = toObjectId(target.resId, 'resId');
  const { partnerId, userId } = await resolveFollower(target, session);
  const filter = { resModel: target.resModel, resId, partnerId };
  const existing = await FollowerModel.findOne(filter)
    .session(session ?? null)
    .lean();
  if (existing) {
    if (userId && !existing.userId) {
      await FollowerModel.updateOne({ _id: existing._id }, { $set: { userId } }, { session });
      return { follower: toFollowerDto({ ...existing, userId }), created: false };
    }
    return { follower: toFollowerDto(existing), created: false };
  }
  try {
    const [created] = await FollowerModel.create([{ ...filter, userId }], { session });
    return { follower: toFollowerDto(created!.toObject()), created: true };
  } catch (error) {
    // Followed concurrently: same outcome. Inside a transaction the abort must propagate.
    if (!session && (error as { code?: unknown }).code === 11000) {
      const winner = await FollowerModel.findOne(filter).lean();
      if (winner) return { follower: toFollowerDto(winner), created: false };
    }
    throw error;
  }
}

/** Removes the subscription; returns whether there was one. */
export async function unfollowRecord(
  target: FollowTarget,
  options: WriteOptions = {},
): Promise<boolean> {
  const { session } = options;
  const resId = toObjectId(target.resId, 'resId');
  const { partnerId } = await resolveFollower(target, session);
  const result = await FollowerModel.deleteOne(
    { resModel: target.resModel, resId, partnerId },
    { session },
  );
  return result.deletedCount > 0;
}

export async function listFollowers(resModel: ResModel, resId: IdLike): Promise<FollowerDto[]> {
  const followers = await FollowerModel.find({ resModel, resId: toObjectId(resId, 'resId') })
    .sort({ _id: 1 })
    .limit(1000)
    .lean();
  return followers.map(toFollowerDto);
}

export async function isFollowing(
  resModel: ResModel,
  resId: IdLike,
  partnerId: IdLike,
): Promise<boolean> {
  const found = await FollowerModel.exists({
    resModel,
    resId: toObjectId(resId, 'resId'),
    partnerId: toObjectId(partnerId, 'partnerId'),
  });
  return found !== null;
}

async function resolveFollower(
  target: FollowTarget,
  session: ClientSession | undefined,
): Promise<{ partnerId: Types.ObjectId; userId?: Types.ObjectId }> {
  const userId = target.userId === undefined ? undefined : toObjectId(target.userId, 'userId');
  if (target.partnerId !== undefined)
    return { partnerId: toObjectId(target.partnerId, 'partnerId'), userId };
  if (!userId)
    throw new ValidationError([{ field: 'partnerId', message: 'a partner or a user is required' }]);
  const user = await UserModel.findById(userId)
    .select({ partnerId: 1 })
    .session(session ?? null)
    .lean();
  if (!user?.partnerId) {
    throw new ValidationError([
      { field: 'userId', message: 'the user has no partner to follow with' },
    ]);
  }
  return { partnerId: user.partnerId, userId };
}

export function toFollowerDto(follower: Follower & { _id: Types.ObjectId }): FollowerDto {
  return {
    id: follower._id.toHexString(),
    resModel: follower.resModel,
    resId: follower.resId.toHexString(),
    partnerId: follower.partnerId.toHexString(),
    userId: follower.userId?.toHexString(),
    createdAt: follower.createdAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// On behalf of a caller: following yourself needs read access on the record, subscribing or
// removing someone else needs write access (Odoo's rule).

export async function listRecordFollowers(
  actor: Actor,
  resModel: ResModel,
  resId: string,
): Promise<FollowerDto[]> {
  const record = await assertRecordAccess(actor, resModel, resId, 'read');
  return listFollowers(resModel, record.resId);
}

export async function followRecordAs(
  actor: Actor,
  resModel: ResModel,
  resId: string,
  partnerId?: string,
): Promise<{ follower: FollowerDto; created: boolean }> {
  const self = isSelf(actor, partnerId);
  const record = await assertRecordAccess(actor, resModel, resId, self ? 'read' : 'write');
  const target = self
    ? { resModel, resId: record.resId, userId: actor.userId, partnerId: actor.partnerId }
    : { resModel, resId: record.resId, partnerId };
  if (!self && !(await PartnerModel.exists({ _id: partnerId }))) {
    throw new ValidationError([{ field: 'body.partnerId', message: 'is not a partner' }]);
  }
  return subscribe(target, {});
}

export async function unfollowRecordAs(
  actor: Actor,
  resModel: ResModel,
  resId: string,
  partnerId: string,
): Promise<void> {
  const record = await assertRecordAccess(
    actor,
    resModel,
    resId,
    isSelf(actor, partnerId) ? 'read' : 'write',
  );
  const removed = await unfollowRecord({ resModel, resId: record.resId, partnerId });
  if (!removed) throw new NotFoundError('Follower');
}

function isSelf(actor: Actor, partnerId: string | undefined): boolean {
  return partnerId === undefined || partnerId === actor.partnerId;
}

import { Types, type QueryFilter } from 'mongoose';
import type {
  ApiToken,
  ApiTokenList,
  CreateApiTokenBody,
  CreatedApiToken,
} from '@inbox-crm/shared/schemas';
import { NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertAdmin } from '../access/access-policy';
import { recordAuditEvent } from '../audit/audit.service';
import { UserModel, type UserRecord } from '../users/user.model';
import { ApiTokenModel, type ApiTokenRecord } from './api-token.model';
import {
  displayPrefixOf,
  generateApiToken,
  hashApiToken,
  isWellFormedApiToken,
} from './api-token-format';

/** `lastUsedAt` is written at most this often per token and process (identity.md §8). */
const lastUsedWriteInterval = 15 * 60 * 1000;
const lastUsedWrittenAt = new Map<string, number>();

/** Creates a token for `userId` (the caller's own, or anyone's for an admin). The secret is returned once. */
export async function createApiToken(
  actor: Actor,
  userId: string,
  body: CreateApiTokenBody,
): Promise<CreatedApiToken> {
  if (userId !== actor.userId) assertAdmin(actor);
  const owner = await UserModel.findById(userId, { login: 1, active: 1 }).lean();
  if (!owner) throw new NotFoundError('User');
  const token = generateApiToken();
  const [record] = await ApiTokenModel.create([
    {
      userId: owner._id,
      name: body.name,
      tokenHash: hashApiToken(token),
      prefix: displayPrefixOf(token),
      expiresAt:
        body.expiresInDays === undefined
          ? undefined
          : new Date(Date.now() + body.expiresInDays * 86_400_000),
      createdByUserId: new Types.ObjectId(actor.userId),
    },
  ]);
  if (!record) throw new Error('Token was not created');
  await recordAuditEvent(actor, {
    action: 'token.create',
    targetType: 'api-token',
    targetId: record._id.toString(),
    summary: `Created API token "${record.name}" (${record.prefix}…) for ${owner.login}`,
  });
  return { ...toApiToken(record.toObject()), token };
}

export async function listApiTokens(
  actor: Actor,
  userId: string,
  options: { includeRevoked?: boolean } = {},
): Promise<ApiTokenList> {
  if (userId !== actor.userId) assertAdmin(actor);
  const filter: QueryFilter<ApiTokenRecord> = { userId: new Types.ObjectId(userId) };
  if (!options.includeRevoked) filter.revokedAt = null;
  const records = await ApiTokenModel.find(filter).sort({ createdAt: -1, _id: -1 }).lean();
  return { items: records.map(toApiToken) };
}

/** Revokes at once: the next request with this token is refused. The record stays for the audit. */
export async function revokeApiToken(actor: Actor, userId: string, tokenId: string): Promise<void> {
  if (userId !== actor.userId) assertAdmin(actor);
  const record = await ApiTokenModel.findOneAndUpdate(
    { _id: new Types.ObjectId(tokenId), userId: new Types.ObjectId(userId), revokedAt: null },
    { $set: { revokedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  if (!record) throw new NotFoundError('API token');
  lastUsedWrittenAt.delete(record._id.toString());
  await recordAuditEvent(actor, {
    action: 'token.revoke',
    targetType: 'api-token',
    targetId: record._id.toString(),
    summary: `Revoked API token "${record.name}" (${record.prefix}…)${userId === actor.userId ? '' : ' of another user'}`,
  });
}

/**
 * The user a bearer token stands for, or null for any token that is malformed, unknown, revoked,
 * expired, or whose user is deactivated. Never logs or stores the token itself.
 */
export async function findUserByApiToken(
  token: string,
): Promise<{ user: UserRecord; tokenId: string } | null> {
  if (!isWellFormedApiToken(token)) return null;
  const now = new Date();
  const record = await ApiTokenModel.findOne({
    tokenHash: hashApiToken(token),
    revokedAt: null,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  }).lean();
  if (!record) return null;
  const user = await UserModel.findOne({ _id: record.userId, active: true }).lean();
  if (!user) return null;
  await noteTokenUse(record._id, now);
  return { user, tokenId: record._id.toString() };
}

async function noteTokenUse(tokenId: Types.ObjectId, now: Date): Promise<void> {
  const key = tokenId.toString();
  const last = lastUsedWrittenAt.get(key);
  if (last !== undefined && now.getTime() - last < lastUsedWriteInterval) return;
  lastUsedWrittenAt.set(key, now.getTime());
  // `$max` keeps the value monotonic when several server processes write it.
  await ApiTokenModel.updateOne({ _id: tokenId }, { $max: { lastUsedAt: now } });
}

function toApiToken(record: ApiTokenRecord): ApiToken {
  return {
    id: record._id.toString(),
    userId: record.userId.toString(),
    name: record.name,
    prefix: record.prefix,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString(),
    revokedAt: record.revokedAt?.toISOString(),
  };
}

import mongoose from 'mongoose';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { recordAuditEvent } from '../audit/audit.service';
import { UserModel, type UserRecord } from '../users/user.model';
import { createUser } from '../users/user.service';
import { buildActor } from './actor-factory';

/** What we read from an Entra ID access or ID token (already validated). */
export interface EntraIdentity {
  tid: string;
  oid: string;
  name?: string;
  preferred_username?: string;
  email?: string;
}

const loginPattern = /^[a-z0-9._@+-]{2,120}$/;
const signInWriteInterval = 15 * 60 * 1000;
const signInWrittenAt = new Map<string, number>();

/**
 * The CRM user for an Entra identity, matched on (tenant, object id) — never on the mutable
 * username or e-mail. Unknown identities are created at the lowest level (`own`) or refused,
 * as `ENTRA_NEW_USERS` says.
 */
export async function resolveEntraActor(
  identity: EntraIdentity,
  options: { newUsers: 'create' | 'reject'; via: Actor['via'] },
): Promise<Actor> {
  let user: UserRecord | null = await UserModel.findOne({
    entraTenantId: identity.tid,
    entraObjectId: identity.oid,
  }).lean();
  if (!user) {
    if (options.newUsers === 'reject') {
      throw new AppError(
        'forbidden',
        'Your Microsoft account has not been added to inbox-crm yet; ask an administrator',
      );
    }
    user = await createEntraUser(identity);
  }
  if (!user.active) {
    throw new AppError('forbidden', 'Your inbox-crm account is deactivated; ask an administrator');
  }
  await noteSignIn(user);
  return buildActor(user, options.via);
}

async function createEntraUser(identity: EntraIdentity): Promise<UserRecord> {
  const preferred = (identity.preferred_username ?? identity.email ?? '').trim().toLowerCase();
  const baseLogin = loginPattern.test(preferred) ? preferred : `entra-${identity.oid}`;
  const login = (await UserModel.exists({ login: baseLogin }))
    ? `${baseLogin}-${identity.oid.slice(0, 8)}`
    : baseLogin;
  try {
    const user = await createUser({
      login,
      name: identity.name?.trim() || preferred || login,
      email: identity.email ?? (preferred.includes('@') ? preferred : undefined),
      accessLevel: 'own',
      entra: { tenantId: identity.tid, objectId: identity.oid },
    });
    await recordAuditEvent(undefined, {
      action: 'user.create',
      targetType: 'user',
      targetId: user._id.toString(),
      summary: `Created user ${user.login} (own) on first Microsoft Entra ID sign-in`,
      attemptedLogin: user.login,
    });
    return user;
  } catch (error) {
    // Two first requests at once: the other one created the user.
    const existing = await UserModel.findOne({
      entraTenantId: identity.tid,
      entraObjectId: identity.oid,
    }).lean();
    if (existing) return existing;
    if (error instanceof mongoose.mongo.MongoServerError && error.code === 11000) {
      throw new AppError(
        'conflict',
        'Could not create your inbox-crm account; ask an administrator',
      );
    }
    throw error;
  }
}

async function noteSignIn(user: UserRecord): Promise<void> {
  const key = user._id.toString();
  const now = Date.now();
  const last = signInWrittenAt.get(key);
  if (last !== undefined && now - last < signInWriteInterval) return;
  signInWrittenAt.set(key, now);
  await UserModel.updateOne({ _id: user._id }, { $max: { lastSignInAt: new Date(now) } });
}

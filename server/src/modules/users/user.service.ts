import { Types, type QueryFilter } from 'mongoose';
import type {
  AccessLevel,
  CreateUserBody,
  ListResponse,
  ListUsersQuery,
  Me,
  UpdateUserBody,
  User,
  UserDirectory,
  UserDirectoryQuery,
} from '@inbox-crm/shared/schemas';
import { createPartnerBodySchema } from '@inbox-crm/shared/schemas';
import { ConflictError, NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertAdmin } from '../access/access-policy';
import { recordAuditEvent } from '../audit/audit.service';
import { hashPassword } from '../auth/password-hashing';
import { createPartner, normalizeEmail } from '../partners/partner.service';
import { UserModel, type UserRecord } from './user.model';

export interface NewUser {
  login: string;
  name: string;
  email?: string;
  accessLevel?: AccessLevel;
  isAdmin?: boolean;
  password?: string;
  entra?: { tenantId: string; objectId: string };
  /** Demo accounts sign in with a password only on the demo database (see auth/README.md). */
  isDemo?: boolean;
  lang?: string;
  tz?: string;
}

/**
 * Creates a user (no access check: the seed, Entra first sign-in and the admin route call it;
 * the admin route checks first). A login that exists answers 409.
 */
export async function createUser(input: NewUser): Promise<UserRecord> {
  const login = input.login.trim().toLowerCase();
  if (await UserModel.exists({ login })) {
    throw new ConflictError(`The login "${login}" is already taken`, { fields: ['login'] });
  }
  // Every user has a partner that stands for them in the chatter (author, follower), as in Odoo.
  const userId = new Types.ObjectId();
  const partner = await createPartner(
    {
      userId: userId.toString(),
      login,
      name: input.name,
      accessLevel: 'own',
      isAdmin: false,
      teamIds: [],
      via: 'session',
    },
    createPartnerBodySchema.parse({
      name: input.name,
      ...(input.email ? { email: input.email } : {}),
    }),
  );
  const created = await UserModel.create({
    _id: userId,
    login,
    name: input.name,
    email: input.email,
    emailNormalized: normalizeEmail(input.email) ?? undefined,
    accessLevel: input.accessLevel ?? 'own',
    isAdmin: input.isAdmin ?? false,
    active: true,
    partnerId: partner._id,
    passwordHash: input.password === undefined ? undefined : await hashPassword(input.password),
    entraTenantId: input.entra?.tenantId,
    entraObjectId: input.entra?.objectId,
    isDemo: input.isDemo ?? false,
    lang: input.lang,
    tz: input.tz,
  });
  return created.toObject();
}

/** Sets (or replaces) a user's password. */
export async function setPassword(userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const result = await UserModel.updateOne(
    { _id: new Types.ObjectId(userId) },
    { $set: { passwordHash } },
  );
  if (result.matchedCount === 0) throw new NotFoundError('User');
}

export async function findUserById(userId: string): Promise<UserRecord | null> {
  if (!Types.ObjectId.isValid(userId)) return null;
  return UserModel.findById(userId).lean();
}

export async function findUserByLogin(login: string): Promise<UserRecord | null> {
  return UserModel.findOne({ login: login.trim().toLowerCase() }).lean();
}

export async function recordSignIn(userId: Types.ObjectId): Promise<void> {
  await UserModel.updateOne({ _id: userId }, { $set: { lastSignInAt: new Date() } });
}

export function toUser(record: UserRecord): User {
  return {
    id: record._id.toString(),
    login: record.login,
    name: record.name,
    email: record.email,
    accessLevel: record.accessLevel,
    isAdmin: record.isAdmin,
    active: record.active,
    partnerId: record.partnerId?.toString(),
    hasPassword: Boolean(record.passwordHash),
    entra:
      record.entraTenantId && record.entraObjectId
        ? { tenantId: record.entraTenantId, objectId: record.entraObjectId }
        : undefined,
    lang: record.lang,
    tz: record.tz,
    lastSignInAt: record.lastSignInAt?.toISOString(),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function listUsers(actor: Actor, query: ListUsersQuery): Promise<ListResponse<User>> {
  assertAdmin(actor);
  const filter: QueryFilter<UserRecord> = {};
  if (!query.includeInactive) filter.active = true;
  if (query.search) {
    const prefix = new RegExp(`^${escapeRegex(query.search.toLowerCase())}`);
    const namePrefix = new RegExp(`^${escapeRegex(query.search)}`, 'i');
    filter.$or = [{ login: prefix }, { emailNormalized: prefix }, { name: namePrefix }];
  }
  const [records, total] = await Promise.all([
    UserModel.find(filter).sort({ login: 1 }).skip(query.offset).limit(query.limit).lean(),
    UserModel.countDocuments(filter),
  ]);
  return { items: records.map(toUser), total, limit: query.limit, offset: query.offset };
}

/**
 * Names of every user (active or not: a former salesperson's records still name them), for any
 * signed-in user. Only id, name and active: logins, e-mails and access levels stay admin-only.
 */
export async function listUserDirectory(query: UserDirectoryQuery): Promise<UserDirectory> {
  const [records, total] = await Promise.all([
    UserModel.find({})
      .select({ name: 1, active: 1 })
      .sort({ name: 1, _id: 1 })
      .skip(query.offset)
      .limit(query.limit)
      .lean<Array<Pick<UserRecord, '_id' | 'name' | 'active'>>>(),
    UserModel.countDocuments({}),
  ]);
  return {
    items: records.map((record) => ({
      id: record._id.toString(),
      name: record.name,
      active: record.active,
    })),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

export async function getUser(actor: Actor, userId: string): Promise<User> {
  assertAdmin(actor);
  const record = await findUserById(userId);
  if (!record) throw new NotFoundError('User');
  return toUser(record);
}

/** Admin: add a user. */
export async function createUserAsAdmin(actor: Actor, body: CreateUserBody): Promise<User> {
  assertAdmin(actor);
  const record = await createUser({ ...body, accessLevel: body.accessLevel ?? 'own' });
  await recordAuditEvent(actor, {
    action: 'user.create',
    targetType: 'user',
    targetId: record._id.toString(),
    summary: `Created user ${record.login} (${record.accessLevel}${record.isAdmin ? ', admin' : ''})`,
  });
  return toUser(record);
}

/** Admin: change access level, admin flag, activity, profile or password. */
export async function updateUserAsAdmin(
  actor: Actor,
  userId: string,
  body: UpdateUserBody,
): Promise<User> {
  assertAdmin(actor);
  const before = await findUserById(userId);
  if (!before) throw new NotFoundError('User');
  if (userId === actor.userId && (body.isAdmin === false || body.active === false)) {
    // Keeps at least the acting admin able to undo the change.
    throw new ConflictError('You cannot remove your own admin rights or deactivate yourself', {
      fields: body.isAdmin === false ? ['isAdmin'] : ['active'],
    });
  }
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  const changes: string[] = [];
  for (const field of ['name', 'accessLevel', 'isAdmin', 'active', 'lang', 'tz'] as const) {
    const value = body[field];
    if (value === undefined || value === before[field]) continue;
    if (value === null) unset[field] = '';
    else set[field] = value;
    changes.push(`${field}: ${String(before[field] ?? '∅')} → ${String(value ?? '∅')}`);
  }
  if (body.email !== undefined && body.email !== (before.email ?? null)) {
    if (body.email === null) {
      unset.email = '';
      unset.emailNormalized = '';
    } else {
      set.email = body.email;
      set.emailNormalized = normalizeEmail(body.email) ?? undefined;
    }
    changes.push('email changed');
  }
  if (body.password !== undefined) {
    set.passwordHash = await hashPassword(body.password);
    changes.push('password reset');
  }
  if (changes.length === 0) return toUser(before);
  const update: Record<string, unknown> = {};
  if (Object.keys(set).length > 0) update.$set = set;
  if (Object.keys(unset).length > 0) update.$unset = unset;
  const after = await UserModel.findOneAndUpdate({ _id: before._id }, update, {
    returnDocument: 'after',
    runValidators: true,
  }).lean();
  if (!after) throw new NotFoundError('User');
  await recordAuditEvent(actor, {
    action: 'user.update',
    targetType: 'user',
    targetId: userId,
    summary: `Changed user ${after.login}: ${changes.join('; ')}`,
  });
  return toUser(after);
}

/** The caller's own profile plus how they signed in. */
export async function getMe(actor: Actor): Promise<Me> {
  const record = await findUserById(actor.userId);
  if (!record) throw new NotFoundError('User');
  return {
    id: actor.userId,
    login: record.login,
    name: record.name,
    email: record.email,
    partnerId: record.partnerId?.toString(),
    accessLevel: record.accessLevel,
    isAdmin: record.isAdmin,
    teamIds: actor.teamIds,
    via: actor.via,
    lang: record.lang,
    tz: record.tz,
  };
}

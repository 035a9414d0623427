import mongoose, { Types, type ClientSession, type QueryFilter } from 'mongoose';
import type {
  CreateTeamBody,
  ListResponse,
  ListTeamsQuery,
  Team,
  UpdateTeamBody,
} from '@inbox-crm/shared/schemas';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertCanManageTeam, assertManager } from '../access/access-policy';
import { recordAuditEvent } from '../audit/audit.service';
import { StageModel } from '../stages/stage.model';
import { stageOrder } from '../stages/stage.service';
import { UserModel } from '../users/user.model';
import { TeamModel, type TeamMember, type TeamRecord } from './team.model';

export interface WriteOptions {
  session?: ClientSession;
}

/** Team order (Odoo `_order = 'sequence ASC, create_date DESC, id DESC'`). */
const teamOrder = { sequence: 1, createdAt: -1, _id: -1 } as const;

/** Teams the user leads or is an active member of (identity fills `actor.teamIds` with it). */
export async function findTeamIdsForUser(
  userId: string,
  options: WriteOptions = {},
): Promise<string[]> {
  const id = new Types.ObjectId(userId);
  const teams = await TeamModel.find(userTeamsFilter(id), { _id: 1 })
    .sort(teamOrder)
    .session(options.session ?? null)
    .lean();
  return teams.map((team) => String(team._id));
}

function userTeamsFilter(userId: Types.ObjectId): QueryFilter<TeamRecord> {
  return {
    active: true,
    $or: [{ leaderId: userId }, { members: { $elemMatch: { userId, active: true } } }],
  };
}

/**
 * Odoo's `_get_default_team_id` (crm-model.md §2.8): among the user's teams the first that fits
 * the use (qualifying leads or running a pipeline), the preferred team if it is one of them; else
 * any of the user's teams; else the preferred team; else the first team that fits; else any team.
 */
export async function findDefaultTeamId(
  userId: Types.ObjectId | null | undefined,
  use: 'lead' | 'opportunity',
  options: WriteOptions & { preferredTeamId?: Types.ObjectId | null } = {},
): Promise<Types.ObjectId | null> {
  const session = options.session ?? null;
  const fits = use === 'lead' ? { useLeads: true } : { useOpportunities: true };
  const preferred = options.preferredTeamId ?? null;
  if (userId) {
    const mine = await TeamModel.find(userTeamsFilter(userId))
      .sort(teamOrder)
      .session(session)
      .lean();
    const fitting = mine.filter((team) => (use === 'lead' ? team.useLeads : team.useOpportunities));
    if (preferred && fitting.some((team) => team._id.equals(preferred))) return preferred;
    if (fitting[0]) return fitting[0]._id;
    if (mine[0]) return mine[0]._id;
  }
  if (preferred) return preferred;
  const firstFitting = await TeamModel.findOne({ active: true, ...fits })
    .sort(teamOrder)
    .session(session)
    .lean();
  if (firstFitting) return firstFitting._id;
  const first = await TeamModel.findOne({ active: true }).sort(teamOrder).session(session).lean();
  return first?._id ?? null;
}

/** Whether the user leads or actively belongs to the team (keeps a lead's team on reassignment). */
export function isTeamMember(
  team: Pick<TeamRecord, 'leaderId' | 'members'>,
  userId: Types.ObjectId,
): boolean {
  return (
    Boolean(team.leaderId?.equals(userId)) ||
    team.members.some((member) => member.active && member.userId.equals(userId))
  );
}

export async function createTeam(
  actor: Actor,
  input: CreateTeamBody,
  options: WriteOptions = {},
): Promise<TeamRecord> {
  assertManager(actor);
  const now = new Date();
  const leaderId = input.leaderId ? new Types.ObjectId(input.leaderId) : null;
  const members = buildMembers(input.members ?? [], []);
  await checkUsers(leaderId, members, options.session);
  try {
    const [created] = await TeamModel.create(
      [
        {
          name: input.name,
          nameI18n: input.nameI18n,
          sequence: input.sequence ?? 10,
          color: input.color ?? 0,
          leaderId,
          members: members.map((member) => ({ ...member, createdAt: member.createdAt ?? now })),
          useLeads: input.useLeads ?? false,
          useOpportunities: input.useOpportunities ?? true,
          alias: aliasFor(
            input.alias ?? null,
            input.useLeads ?? false,
            input.useOpportunities ?? true,
          ),
          invoicedTarget: input.invoicedTarget ?? 0,
          createdBy: new Types.ObjectId(actor.userId),
        },
      ],
      { session: options.session },
    );
    if (!created) throw new Error('team insert returned nothing');
    await recordAuditEvent(
      actor,
      {
        action: 'team.create',
        targetType: 'team',
        targetId: String(created._id),
        summary: `Created team "${created.name}"`,
      },
      options,
    );
    return created.toObject();
  } catch (error) {
    throw aliasConflict(error);
  }
}

export async function updateTeam(
  actor: Actor,
  id: string,
  input: UpdateTeamBody,
): Promise<TeamRecord> {
  const existing = await TeamModel.findById(new Types.ObjectId(id)).lean();
  if (!existing) throw new NotFoundError('Team');
  assertCanManageTeam(actor, existing);
  const set: Partial<TeamRecord> = {};
  for (const field of [
    'name',
    'nameI18n',
    'sequence',
    'color',
    'active',
    'useLeads',
    'useOpportunities',
    'invoicedTarget',
  ] as const) {
    if (input[field] !== undefined) (set as Record<string, unknown>)[field] = input[field];
  }
  if (input.leaderId !== undefined)
    set.leaderId = input.leaderId ? new Types.ObjectId(input.leaderId) : null;
  if (input.members !== undefined) {
    const now = new Date();
    set.members = buildMembers(input.members, existing.members).map((member) => ({
      ...member,
      createdAt: member.createdAt ?? now,
    }));
  }
  await checkUsers(set.leaderId ?? null, set.members ?? [], undefined);
  const useLeads = set.useLeads ?? existing.useLeads;
  const useOpportunities = set.useOpportunities ?? existing.useOpportunities;
  const aliasInput = input.alias !== undefined ? input.alias : existing.alias;
  set.alias = aliasFor(aliasInput, useLeads, useOpportunities);
  try {
    const updated = await TeamModel.findByIdAndUpdate(
      existing._id,
      { $set: set },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) throw new NotFoundError('Team');
    await recordAuditEvent(actor, {
      action: 'team.update',
      targetType: 'team',
      targetId: id,
      summary: `Changed team "${updated.name}": ${Object.keys(input).join(', ')}`,
    });
    return updated;
  } catch (error) {
    throw aliasConflict(error);
  }
}

/** Teams are archived, never deleted: their leads and history keep pointing at them. */
export async function archiveTeam(actor: Actor, id: string): Promise<TeamRecord> {
  const existing = await TeamModel.findById(new Types.ObjectId(id)).lean();
  if (!existing) throw new NotFoundError('Team');
  assertCanManageTeam(actor, existing);
  const updated = await TeamModel.findByIdAndUpdate(
    existing._id,
    { $set: { active: false } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('Team');
  await recordAuditEvent(actor, {
    action: 'team.archive',
    targetType: 'team',
    targetId: id,
    summary: `Archived team "${updated.name}"`,
  });
  return updated;
}

export async function getTeamRecord(id: string, options: WriteOptions = {}): Promise<TeamRecord> {
  const team = await TeamModel.findById(new Types.ObjectId(id))
    .session(options.session ?? null)
    .lean();
  if (!team) throw new NotFoundError('Team');
  return team;
}

export async function getTeam(_actor: Actor, id: string): Promise<Team> {
  const [dto] = await toTeamDtos([await getTeamRecord(id)]);
  return dto as Team;
}

export async function listTeams(_actor: Actor, query: ListTeamsQuery): Promise<ListResponse<Team>> {
  const conditions: QueryFilter<TeamRecord>[] = [];
  if (!query.includeArchived) conditions.push({ active: true });
  if (query.userId) {
    const userId = new Types.ObjectId(query.userId);
    conditions.push({
      $or: [{ leaderId: userId }, { members: { $elemMatch: { userId, active: true } } }],
    });
  }
  const filter = conditions.length > 0 ? { $and: conditions } : {};
  const [records, total] = await Promise.all([
    TeamModel.find(filter).sort(teamOrder).skip(query.offset).limit(query.limit).lean(),
    TeamModel.countDocuments(filter),
  ]);
  return { items: await toTeamDtos(records), total, limit: query.limit, offset: query.offset };
}

export async function toTeamDtos(records: TeamRecord[]): Promise<Team[]> {
  const stages = records.length
    ? await StageModel.find({}, { teamIds: 1, sequence: 1, name: 1 }).sort(stageOrder).lean()
    : [];
  return records.map((record) => ({
    id: String(record._id),
    name: record.name,
    ...(record.nameI18n ? { nameI18n: record.nameI18n } : {}),
    sequence: record.sequence,
    active: record.active,
    color: record.color,
    leaderId: record.leaderId ? String(record.leaderId) : null,
    members: record.members.map((member) => ({
      userId: String(member.userId),
      active: member.active,
      createdAt: new Date(member.createdAt).toISOString(),
    })),
    memberUserIds: record.members
      .filter((member) => member.active)
      .map((member) => String(member.userId)),
    useLeads: record.useLeads,
    useOpportunities: record.useOpportunities,
    alias: record.alias
      ? {
          name: record.alias.name,
          domain: record.alias.domain ?? '',
          contact: record.alias.contact,
          defaultType: record.useLeads ? 'lead' : 'opportunity',
        }
      : null,
    invoicedTarget: record.invoicedTarget,
    stageIds: stages
      .filter(
        (stage) =>
          stage.teamIds.length === 0 || stage.teamIds.some((teamId) => teamId.equals(record._id)),
      )
      .map((stage) => String(stage._id)),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  }));
}

/** Keeps each membership's creation date (the user's main team is the oldest membership). */
function buildMembers(
  input: Array<{ userId: string; active?: boolean }>,
  previous: TeamMember[],
): Array<Omit<TeamMember, 'createdAt'> & { createdAt?: Date }> {
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  const members = input.map((member, index) => {
    if (seen.has(member.userId))
      issues.push({ field: `body.members.${index}.userId`, message: 'is listed twice' });
    seen.add(member.userId);
    const before = previous.find((entry) => String(entry.userId) === member.userId);
    return {
      userId: new Types.ObjectId(member.userId),
      active: member.active ?? true,
      createdAt: before?.createdAt,
    };
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return members;
}

async function checkUsers(
  leaderId: Types.ObjectId | null,
  members: Array<{ userId: Types.ObjectId }>,
  session: ClientSession | undefined,
): Promise<void> {
  const ids = [
    ...new Set([
      ...(leaderId ? [String(leaderId)] : []),
      ...members.map((member) => String(member.userId)),
    ]),
  ];
  if (ids.length === 0) return;
  const found = await UserModel.find(
    { _id: { $in: ids.map((id) => new Types.ObjectId(id)) } },
    { _id: 1 },
  )
    .session(session ?? null)
    .lean();
  const known = new Set(found.map((user) => String(user._id)));
  const issues: FieldIssue[] = [];
  if (leaderId && !known.has(String(leaderId)))
    issues.push({ field: 'body.leaderId', message: 'is not an existing user' });
  members.forEach((member, index) => {
    if (!known.has(String(member.userId)))
      issues.push({ field: `body.members.${index}.userId`, message: 'is not an existing user' });
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Odoo: a team that neither qualifies leads nor runs a pipeline loses its alias. */
function aliasFor(
  alias: { name: string; domain?: string; contact?: 'everyone' | 'partners' | 'followers' } | null,
  useLeads: boolean,
  useOpportunities: boolean,
): TeamRecord['alias'] {
  if (!alias || (!useLeads && !useOpportunities)) return null;
  return {
    name: alias.name.toLowerCase(),
    domain: (alias.domain ?? '').toLowerCase(),
    contact: alias.contact ?? 'everyone',
  };
}

function aliasConflict(error: unknown): unknown {
  if (error instanceof mongoose.mongo.MongoServerError && error.code === 11000) {
    return new ConflictError('Another team already uses this e-mail alias', {
      fields: ['alias.name'],
    });
  }
  return error;
}

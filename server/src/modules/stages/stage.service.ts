import mongoose, { Types, type ClientSession } from 'mongoose';
import type {
  CreateStageBody,
  ListResponse,
  ListStagesQuery,
  Stage,
  UpdateStageBody,
} from '@inbox-crm/shared/schemas';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertManager } from '../access/access-policy';
import { recordAuditEvent } from '../audit/audit.service';
import { TeamModel } from '../teams/team.model';
import { StageModel, type StageRecord } from './stage.model';

/** Pipeline order (Odoo `_order = 'sequence, name, id'`). */
export const stageOrder = { sequence: 1, name: 1, _id: 1 } as const;

export async function createStage(
  actor: Actor,
  input: CreateStageBody,
  options: { session?: ClientSession } = {},
): Promise<StageRecord> {
  assertManager(actor);
  const teamIds = await checkTeams(input.teamIds ?? [], options.session);
  const [created] = await StageModel.create(
    [
      {
        name: input.name,
        nameI18n: input.nameI18n,
        sequence: input.sequence ?? 1,
        probability: input.probability ?? 0,
        autoProbability: input.autoProbability ?? false,
        isWon: input.isWon ?? false,
        fold: input.fold ?? false,
        requirements: input.requirements ?? '',
        teamIds,
      },
    ],
    { session: options.session },
  );
  if (!created) throw new Error('stage insert returned nothing');
  await recordAuditEvent(
    actor,
    {
      action: 'stage.create',
      targetType: 'stage',
      targetId: String(created._id),
      summary: `Created stage "${created.name}"`,
    },
    options,
  );
  return created.toObject();
}

export async function updateStage(
  actor: Actor,
  id: string,
  input: UpdateStageBody,
): Promise<StageRecord> {
  assertManager(actor);
  const set: Record<string, unknown> = { ...input };
  if (input.teamIds) set.teamIds = await checkTeams(input.teamIds);
  const updated = await StageModel.findByIdAndUpdate(
    new Types.ObjectId(id),
    { $set: set },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('Stage');
  await recordAuditEvent(actor, {
    action: 'stage.update',
    targetType: 'stage',
    targetId: id,
    summary: `Changed stage "${updated.name}": ${Object.keys(input).join(', ')}`,
  });
  return updated;
}

/** A stage holding leads (archived ones included) cannot go: move them first. */
export async function deleteStage(actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  const stage = await StageModel.findById(new Types.ObjectId(id)).lean();
  if (!stage) throw new NotFoundError('Stage');
  const leadCount = await mongoose.connection
    .collection('leads')
    .countDocuments({ stageId: stage._id });
  if (leadCount > 0)
    throw new ConflictError(`${leadCount} lead(s) are in this stage: move them first`, {
      leadCount,
    });
  await StageModel.deleteOne({ _id: stage._id });
  await recordAuditEvent(actor, {
    action: 'stage.delete',
    targetType: 'stage',
    targetId: id,
    summary: `Deleted stage "${stage.name}"`,
  });
}

export async function getStage(_actor: Actor, id: string): Promise<StageRecord> {
  const stage = await StageModel.findById(new Types.ObjectId(id)).lean();
  if (!stage) throw new NotFoundError('Stage');
  return stage;
}

export async function listStages(
  _actor: Actor,
  query: ListStagesQuery,
): Promise<ListResponse<Stage>> {
  const filter = query.teamId ? stagesOfTeamFilter(new Types.ObjectId(query.teamId)) : {};
  const [records, total] = await Promise.all([
    StageModel.find(filter).sort(stageOrder).skip(query.offset).limit(query.limit).lean(),
    StageModel.countDocuments(filter),
  ]);
  return { items: records.map(toStageDto), total, limit: query.limit, offset: query.offset };
}

/** The team's own stages plus the shared ones (no team = every shared stage). */
export function stagesOfTeamFilter(
  teamId: Types.ObjectId | null | undefined,
): Record<string, unknown> {
  if (!teamId) return { teamIds: { $size: 0 } };
  return { $or: [{ teamIds: { $size: 0 } }, { teamIds: teamId }] };
}

export async function findStagesOfTeam(
  teamId: Types.ObjectId | null | undefined,
  session?: ClientSession,
): Promise<StageRecord[]> {
  return StageModel.find(stagesOfTeamFilter(teamId))
    .sort(stageOrder)
    .session(session ?? null)
    .lean();
}

/** Where a new record of the team starts: its first non-folded stage (else its first stage). */
export async function findDefaultStage(
  teamId: Types.ObjectId | null | undefined,
  session?: ClientSession,
): Promise<StageRecord | null> {
  const stages = await findStagesOfTeam(teamId, session);
  return stages.find((stage) => !stage.fold) ?? stages[0] ?? null;
}

/** Whether the team may use the stage (its own or shared) — invariant 4 of crm-model.md §8. */
export function stageBelongsToTeam(
  stage: StageRecord,
  teamId: Types.ObjectId | null | undefined,
): boolean {
  if (stage.teamIds.length === 0) return true;
  return Boolean(teamId) && stage.teamIds.some((id) => id.equals(teamId as Types.ObjectId));
}

export function toStageDto(record: StageRecord): Stage {
  return {
    id: String(record._id),
    name: record.name,
    ...(record.nameI18n ? { nameI18n: record.nameI18n } : {}),
    sequence: record.sequence,
    probability: record.probability,
    autoProbability: record.autoProbability,
    isWon: record.isWon,
    fold: record.fold,
    requirements: record.requirements ?? '',
    teamIds: record.teamIds.map(String),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

async function checkTeams(ids: string[], session?: ClientSession): Promise<Types.ObjectId[]> {
  const unique = [...new Set(ids)].map((id) => new Types.ObjectId(id));
  if (unique.length === 0) return [];
  const count = await TeamModel.countDocuments({ _id: { $in: unique } }).session(session ?? null);
  if (count !== unique.length)
    throw new ValidationError([{ field: 'body.teamIds', message: 'must name existing teams' }]);
  return unique;
}

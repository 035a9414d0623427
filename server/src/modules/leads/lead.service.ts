import { Types, type ClientSession, type QueryFilter } from 'mongoose';
import type {
  CreateLeadBody,
  Lead,
  ListLeadsQuery,
  ListResponse,
  MarkLostBody,
  MoveStageBody,
  UpdateLeadBody,
} from '@inbox-crm/shared/schemas';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter } from '../access/access-policy';
import { LostReasonModel } from '../lost-reasons/lost-reason.model';
import { postMessage } from '../messages/message.service';
import { sanitizeMailHtml } from '../messages/sanitize-mail-html';
import { escapeRegex, normalizeEmail, normalizeName } from '../partners/contact-normalization';
import { updatePartner } from '../partners/partner.service';
import { PartnerModel } from '../partners/partner.model';
import { runInTransaction } from '../partners/run-in-transaction';
import { StageModel } from '../stages/stage.model';
import { findStagesOfTeam } from '../stages/stage.service';
import { TeamModel } from '../teams/team.model';
import { toLeadDtoWithActivity, toLeadDtos } from './lead-dto';
import { LeadModel, type LeadRecord } from './lead.model';
import { loadWritableLead, toLeadObjectId, writeLead, type LeadPatch } from './lead-write';

export { convertLead } from './lead-conversion';
export { mergeLeads } from './lead-merge';
export { findDuplicates } from './lead-duplicates';

export interface WriteOptions {
  session?: ClientSession;
}

// ---------------------------------------------------------------------------------------------
// Reads: every query starts from the caller's read filter (access-policy.ts).

export async function getLead(actor: Actor, id: string, options: WriteOptions = {}): Promise<Lead> {
  const lead = await LeadModel.findOne({
    $and: [{ _id: toLeadObjectId(id) }, await leadReadFilter(actor)],
  })
    .session(options.session ?? null)
    .lean();
  if (!lead) throw new NotFoundError('Lead');
  return toLeadDtoWithActivity(lead, options.session);
}

const sortKeys: Record<string, string> = { name: 'nameNormalized' };

export async function listLeads(actor: Actor, query: ListLeadsQuery): Promise<ListResponse<Lead>> {
  const conditions: QueryFilter<LeadRecord>[] = [await leadReadFilter(actor)];
  // Lost records are archived ones: asking for them includes the archive.
  if (!query.includeArchived && query.wonStatus !== 'lost') conditions.push({ active: true });
  if (query.type) conditions.push({ type: query.type });
  if (query.stageId) conditions.push({ stageId: new Types.ObjectId(query.stageId) });
  if (query.teamId) conditions.push({ teamId: new Types.ObjectId(query.teamId) });
  if (query.userId)
    conditions.push({ userId: query.userId === 'none' ? null : new Types.ObjectId(query.userId) });
  if (query.partnerId) conditions.push({ partnerId: new Types.ObjectId(query.partnerId) });
  if (query.commercialPartnerId)
    conditions.push({ commercialPartnerId: new Types.ObjectId(query.commercialPartnerId) });
  if (query.tagId) conditions.push({ tagIds: new Types.ObjectId(query.tagId) });
  if (query.priority) conditions.push({ priority: query.priority });
  if (query.wonStatus) conditions.push({ wonStatus: query.wonStatus });
  if (query.email !== undefined) {
    const normalized = normalizeEmail(query.email);
    if (!normalized)
      throw new ValidationError([
        { field: 'query.email', message: 'is not a valid e-mail address' },
      ]);
    conditions.push({ emailNormalized: normalized });
  }
  if (query.search) {
    const namePrefix = new RegExp(`^${escapeRegex(normalizeName(query.search))}`);
    const emailPrefix = new RegExp(`^${escapeRegex(query.search.trim().toLowerCase())}`);
    conditions.push({
      $or: [
        { nameNormalized: namePrefix },
        { partnerNameNormalized: namePrefix },
        { emailNormalized: emailPrefix },
      ],
    });
  }
  if (query.dateDeadlineFrom || query.dateDeadlineTo) {
    conditions.push({
      dateDeadline: {
        $type: 'string',
        ...(query.dateDeadlineFrom ? { $gte: query.dateDeadlineFrom } : {}),
        ...(query.dateDeadlineTo ? { $lte: query.dateDeadlineTo } : {}),
      },
    });
  }
  const filter: QueryFilter<LeadRecord> = { $and: conditions };
  const field = query.sort.replace(/^-/, '');
  const direction = query.sort.startsWith('-') ? -1 : 1;
  const [records, total] = await Promise.all([
    LeadModel.find(filter)
      .sort({ [sortKeys[field] ?? field]: direction, _id: direction })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    LeadModel.countDocuments(filter),
  ]);
  return { items: await toLeadDtos(records), total, limit: query.limit, offset: query.offset };
}

// ---------------------------------------------------------------------------------------------
// Writes

/**
 * Creates a lead or an opportunity. Salesperson: the caller unless `userId` says otherwise (null =
 * unassigned, as from the mail gateway); team from the salesperson (§2.8); stage: the team's first
 * open stage; type: `lead` when the team qualifies leads, else `opportunity`.
 */
export async function createLead(
  actor: Actor,
  input: CreateLeadBody,
  options: WriteOptions = {},
): Promise<Lead> {
  return runInTransaction(options.session, async (session) => {
    const patch = toPatch(input);
    if (input.userId === undefined) patch.userId = new Types.ObjectId(actor.userId);
    let type = input.type;
    if (!type) {
      const team = input.teamId
        ? await TeamModel.findById(input.teamId).session(session).lean()
        : null;
      type = team?.useLeads ? 'lead' : 'opportunity';
    }
    patch.type = type;
    patch.active = true;
    if (type === 'opportunity') patch.dateConversion = new Date();
    const saved = await writeLead(actor, null, patch, {
      session,
      event: 'created',
      explicitProbability: input.probability !== undefined,
      explicitTeam: input.teamId !== undefined && input.teamId !== null,
      explicitStage: input.stageId !== undefined,
    });
    return toLeadDtoWithActivity(saved, session);
  });
}

/**
 * Edits a lead. `emailFrom` and `phone` are two-way with the partner (§2.9): a different address or
 * number typed here is written to the partner too.
 */
export async function updateLead(
  actor: Actor,
  id: string,
  input: UpdateLeadBody,
  options: WriteOptions = {},
): Promise<Lead> {
  return runInTransaction(options.session, async (session) => {
    const before = await loadWritableLead(actor, id, session);
    const patch = toPatch(input);
    const stageChanging = input.stageId !== undefined && String(before.stageId) !== input.stageId;
    if (stageChanging && before.active === false)
      throw new ConflictError('Restore the lost lead before moving it to another stage');
    const saved = await writeLead(actor, before, patch, {
      session,
      event: stageChanging ? 'stage' : 'updated',
      explicitProbability: input.probability !== undefined,
      explicitTeam: input.teamId !== undefined && input.teamId !== null,
      explicitStage: input.stageId !== undefined,
    });
    await syncContactDetailsToPartner(actor, saved, input, session);
    return toLeadDtoWithActivity(saved, session);
  });
}

/** Moves a lead to another column; the probability follows the stage when the stage says so. */
export async function moveStage(
  actor: Actor,
  id: string,
  input: MoveStageBody,
  options: WriteOptions = {},
): Promise<Lead> {
  return updateLead(
    actor,
    id,
    {
      stageId: input.stageId,
      ...(input.probability !== undefined ? { probability: input.probability } : {}),
    },
    options,
  );
}

/**
 * Mark won (Odoo `action_set_won`): un-archive, then the first won stage of the team above the
 * current one, else the last won stage at or below it; probability 100, closing date set.
 */
export async function markWon(actor: Actor, id: string, options: WriteOptions = {}): Promise<Lead> {
  return runInTransaction(options.session, async (session) => {
    const before = await loadWritableLead(actor, id, session);
    const stages = await findStagesOfTeam(before.teamId, session);
    const current = stages.find((stage) => before.stageId && stage._id.equals(before.stageId));
    const wonStages = stages.filter((stage) => stage.isWon);
    if (wonStages.length === 0)
      throw new ConflictError(
        "The lead's team has no won stage: add one in the pipeline configuration",
      );
    const currentSequence = current?.sequence ?? -Infinity;
    const target = current?.isWon
      ? current
      : (wonStages.find((stage) => stage.sequence > currentSequence) ??
        wonStages.filter((stage) => stage.sequence <= currentSequence).at(-1) ??
        wonStages[0]);
    const saved = await writeLead(
      actor,
      before,
      { active: true, stageId: target?._id ?? null, probability: 100, lostReasonId: null },
      { session, event: 'won', explicitProbability: true, explicitStage: true },
    );
    return toLeadDtoWithActivity(saved, session);
  });
}

/**
 * Mark lost (Odoo `action_set_lost`): archived, probability 0, the lost reason kept, the stage
 * unchanged; a closing note goes to the chatter.
 */
export async function markLost(
  actor: Actor,
  id: string,
  input: MarkLostBody = {},
  options: WriteOptions = {},
): Promise<Lead> {
  return runInTransaction(options.session, async (session) => {
    const before = await loadWritableLead(actor, id, session);
    if (input.lostReasonId) {
      const reason = await LostReasonModel.findOne({
        _id: new Types.ObjectId(input.lostReasonId),
        active: true,
      })
        .session(session)
        .lean();
      if (!reason)
        throw new ValidationError([
          { field: 'body.lostReasonId', message: 'is not an active lost reason' },
        ]);
    }
    const saved = await writeLead(
      actor,
      before,
      {
        active: false,
        probability: 0,
        lostReasonId: input.lostReasonId ? new Types.ObjectId(input.lostReasonId) : null,
      },
      { session, event: 'lost', explicitProbability: true },
    );
    if (input.closingNote?.trim()) {
      await postMessage(
        {
          resModel: 'lead',
          resId: saved._id,
          kind: 'note',
          authorUserId: actor.userId,
          ...(actor.partnerId ? { authorPartnerId: actor.partnerId } : {}),
          subject: 'Closing note',
          bodyHtml: input.closingNote,
        },
        { session },
      );
    }
    return toLeadDtoWithActivity(saved, session);
  });
}

/** Restore (un-archive): lost reason and closing date cleared, probability back to the stage's. */
export async function restoreLead(
  actor: Actor,
  id: string,
  options: WriteOptions = {},
): Promise<Lead> {
  return runInTransaction(options.session, async (session) => {
    const before = await loadWritableLead(actor, id, session);
    if (before.active) throw new ConflictError('Only a lost (archived) lead can be restored');
    const stage = before.stageId
      ? await StageModel.findById(before.stageId).session(session).lean()
      : null;
    const saved = await writeLead(
      actor,
      before,
      {
        active: true,
        lostReasonId: null,
        dateClosed: null,
        probability: stage?.isWon ? 100 : (stage?.probability ?? 0),
      },
      { session, event: 'restored', explicitProbability: true },
    );
    return toLeadDtoWithActivity(saved, session);
  });
}

/** The contract's name for `restoreLead`. */
export const restore = restoreLead;

// ---------------------------------------------------------------------------------------------

/** API body → stored values (ids as ObjectIds, HTML sanitized by the chatter's one mail policy). */
export function toPatch(input: UpdateLeadBody): LeadPatch {
  const patch: LeadPatch = {};
  const copied = [
    'name',
    'partnerName',
    'contactName',
    'jobPosition',
    'emailFrom',
    'emailCc',
    'phone',
    'mobile',
    'website',
    'lang',
    'street',
    'street2',
    'zip',
    'city',
    'stateCode',
    'countryCode',
    'probability',
    'expectedRevenue',
    'dateDeadline',
    'priority',
    'referred',
    'color',
    'utm',
  ] as const;
  for (const field of copied) {
    if (input[field] !== undefined) (patch as Record<string, unknown>)[field] = input[field];
  }
  const toId = (value: string | null | undefined) => (value ? new Types.ObjectId(value) : null);
  if (input.partnerId !== undefined) patch.partnerId = toId(input.partnerId);
  if (input.userId !== undefined) patch.userId = toId(input.userId);
  if (input.teamId !== undefined) patch.teamId = toId(input.teamId);
  if (input.stageId !== undefined) patch.stageId = toId(input.stageId);
  if (input.tagIds !== undefined)
    patch.tagIds = [...new Set(input.tagIds)].map((tagId) => new Types.ObjectId(tagId));
  if (input.description !== undefined) patch.description = sanitizeMailHtml(input.description);
  return patch;
}

async function syncContactDetailsToPartner(
  actor: Actor,
  lead: LeadRecord,
  input: UpdateLeadBody,
  session: ClientSession,
): Promise<void> {
  if (!lead.partnerId || (input.emailFrom === undefined && input.phone === undefined)) return;
  const partner = await PartnerModel.findById(lead.partnerId).session(session).lean();
  if (!partner) return;
  const change: { email?: string; phone?: string } = {};
  if (
    input.emailFrom !== undefined &&
    input.emailFrom &&
    normalizeEmail(input.emailFrom) !== partner.emailNormalized
  )
    change.email = input.emailFrom;
  if (input.phone !== undefined && input.phone && input.phone !== partner.phone)
    change.phone = input.phone;
  if (Object.keys(change).length > 0)
    await updatePartner(actor, String(partner._id), change, { session });
}

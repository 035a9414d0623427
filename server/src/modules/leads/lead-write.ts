import { Types, type ClientSession } from 'mongoose';
import type { TrackedValue } from '@inbox-crm/shared/schemas';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter, leadWriteFilter } from '../access/access-policy';
import { recordContactChange } from '../contact-sync/contact-change-log';
import { followRecord } from '../followers/follower.service';
import { LostReasonModel } from '../lost-reasons/lost-reason.model';
import { postMessage } from '../messages/message.service';
import {
  emailDomainCriterion,
  normalizeEmail,
  normalizeName,
  sanitizePhone,
} from '../partners/contact-normalization';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import { StageModel, type StageRecord } from '../stages/stage.model';
import { findDefaultStage, stageBelongsToTeam } from '../stages/stage.service';
import { TagModel } from '../tags/tag.model';
import { TeamModel } from '../teams/team.model';
import { findDefaultTeamId, isTeamMember } from '../teams/team.service';
import { UserModel } from '../users/user.model';
import { LeadModel, type LeadRecord } from './lead.model';

/** Values a write may set: the record's fields, ids as ObjectIds. Derived fields are ignored. */
export type LeadPatch = Partial<Omit<LeadRecord, '_id' | 'createdAt' | 'updatedAt'>>;

/** Which chatter event the write is (crm-model.md §2.3 "tracking subtype"). */
export type LeadEvent =
  'created' | 'updated' | 'stage' | 'won' | 'lost' | 'restored' | 'converted' | 'merged';

export interface LeadWriteContext {
  session: ClientSession;
  event: LeadEvent;
  /** The caller set `probability` in this write: it wins over the stage's. */
  explicitProbability?: boolean;
  /** The caller set `teamId` explicitly (a manager's choice is kept even if the user is not a member). */
  explicitTeam?: boolean;
  /** The caller set `stageId` explicitly: it must fit the team (400), not be silently replaced. */
  explicitStage?: boolean;
}

const addressFields = ['street', 'street2', 'zip', 'city', 'stateCode', 'countryCode'] as const;

const eventBodies: Record<LeadEvent, (type: LeadRecord['type']) => string> = {
  created: (type) => (type === 'lead' ? 'Lead created' : 'Opportunity created'),
  updated: () => '',
  stage: () => 'Stage changed',
  won: () => 'Opportunity won',
  lost: () => 'Opportunity lost',
  restored: () => 'Restored',
  converted: () => 'Converted to opportunity',
  merged: () => 'Merged',
};

/**
 * The one place where a lead is written: fills what follows from the partner, the salesperson and
 * the stage (Odoo's computes and `write` rules, crm-model.md §2.3, §2.8, §2.9), recomputes every
 * derived field, checks that the caller may still write the result, then tracks the change in the
 * chatter and makes the salesperson follow. Run it inside a transaction.
 */
export async function writeLead(
  actor: Actor,
  before: LeadRecord | null,
  patch: LeadPatch,
  context: LeadWriteContext,
): Promise<LeadRecord> {
  const { session } = context;
  const now = new Date();
  const issues: FieldIssue[] = [];
  const after: LeadPatch & { _id?: Types.ObjectId } = { ...(before ?? {}), ...patch };
  const type = after.type ?? 'opportunity';

  // Partner: copy what the lead does not say itself (partner values win when set, address all or nothing).
  let partner: PartnerRecord | null = null;
  const partnerChanged =
    patch.partnerId !== undefined && String(patch.partnerId) !== String(before?.partnerId ?? null);
  if (after.partnerId) {
    partner = await PartnerModel.findById(after.partnerId).session(session).lean();
    if (!partner) issues.push({ field: 'body.partnerId', message: 'is not an existing partner' });
  }
  if (partner && partnerChanged) {
    const parent = partner.parentId
      ? await PartnerModel.findById(partner.parentId).session(session).lean()
      : null;
    const fromPartner: LeadPatch = {
      partnerName: parent?.name ?? (partner.isCompany ? partner.name : partner.companyName),
      contactName: partner.isCompany ? '' : partner.name,
      jobPosition: partner.jobPosition,
      mobile: partner.mobile,
      website: partner.website,
      lang: partner.lang,
    };
    for (const [field, value] of Object.entries(fromPartner) as Array<[keyof LeadPatch, string]>) {
      if (patch[field] === undefined && value) (after as Record<string, unknown>)[field] = value;
    }
    if (patch.emailFrom === undefined && !after.emailFrom && partner.email)
      after.emailFrom = partner.email;
    if (patch.phone === undefined && !after.phone && partner.phone) after.phone = partner.phone;
    if (
      addressFields.some((field) => partner?.[field]) &&
      addressFields.every((field) => patch[field] === undefined)
    ) {
      for (const field of addressFields) after[field] = partner[field];
    }
  }
  after.commercialPartnerId = partner ? partner.commercialPartnerId : null;

  // Salesperson → assignment date and team (§2.8).
  const userChanged = before
    ? String(after.userId ?? null) !== String(before.userId ?? null)
    : Boolean(after.userId);
  if (after.userId && (userChanged || !before)) {
    const user = await UserModel.exists({ _id: after.userId }).session(session);
    if (!user) issues.push({ field: 'body.userId', message: 'is not an existing user' });
  }
  if (userChanged) after.dateOpen = after.userId ? now : null;
  if (!context.explicitTeam && after.userId && (userChanged || !after.teamId)) {
    const currentTeam = after.teamId
      ? await TeamModel.findById(after.teamId).session(session).lean()
      : null;
    if (!currentTeam || !isTeamMember(currentTeam, after.userId)) {
      after.teamId = await findDefaultTeamId(after.userId, type, {
        session,
        preferredTeamId: after.teamId ?? null,
      });
    }
  } else if (!before && !after.teamId && !context.explicitTeam) {
    after.teamId = await findDefaultTeamId(null, type, { session });
  }
  if (
    after.teamId &&
    (context.explicitTeam || !before || String(after.teamId) !== String(before.teamId))
  ) {
    const team = await TeamModel.exists({ _id: after.teamId }).session(session);
    if (!team) issues.push({ field: 'body.teamId', message: 'is not an existing team' });
  }

  // Stage: must belong to the team or be shared (invariant 4); default = the team's first open stage.
  let stage: StageRecord | null = after.stageId
    ? await StageModel.findById(after.stageId).session(session).lean()
    : null;
  if (after.stageId && !stage)
    issues.push({ field: 'body.stageId', message: 'is not an existing stage' });
  if (stage && !stageBelongsToTeam(stage, after.teamId)) {
    if (context.explicitStage)
      issues.push({ field: 'body.stageId', message: "is not a stage of the lead's team" });
    else stage = null;
  }
  if (!stage && issues.length === 0) {
    stage = await findDefaultStage(after.teamId, session);
  }
  after.stageId = stage?._id ?? null;
  const previousStage = before?.stageId
    ? await StageModel.findById(before.stageId).session(session).lean()
    : null;
  const stageChanged = !before || String(after.stageId) !== String(before.stageId);
  if (stageChanged) after.dateLastStageUpdate = now;

  // Probability (OpenERP 7 stage-driven, Odoo 17 won/lost rules).
  if (stage?.isWon && after.active !== false) after.probability = 100;
  else if (
    stageChanged &&
    !context.explicitProbability &&
    stage &&
    (stage.autoProbability || !before)
  )
    after.probability = stage.probability;
  else if (previousStage?.isWon && stageChanged && !context.explicitProbability && stage)
    after.probability = stage.probability;
  if (after.active === false) after.probability = 0;
  after.probability = after.probability ?? 0;
  after.automatedProbability =
    after.active === false ? 0 : stage?.isWon ? 100 : (stage?.probability ?? 0);

  // Closing date: set when won or lost, kept between won stages, cleared when reopened.
  const closing = after.probability >= 100 || after.active === false;
  if (closing) {
    const wasClosed =
      before && before.dateClosed && (before.probability >= 100 || before.active === false);
    after.dateClosed = wasClosed ? before.dateClosed : now;
  } else {
    after.dateClosed = null;
  }
  if (after.active !== false)
    after.lostReasonId =
      patch.lostReasonId ?? (before?.active === false ? null : (after.lostReasonId ?? null));

  // Derived fields (invariant 6).
  if (!after.name && partner) after.name = `${partner.name}'s opportunity`;
  if (!after.name)
    issues.push({ field: 'body.name', message: 'is required when no partner is set' });
  after.nameNormalized = normalizeName(after.name);
  after.partnerNameNormalized = normalizeName(after.partnerName);
  after.emailNormalized = normalizeEmail(after.emailFrom);
  after.emailDomainCriterion = emailDomainCriterion(after.emailNormalized);
  after.phoneSanitized =
    sanitizePhone(after.mobile, after.countryCode) ?? sanitizePhone(after.phone, after.countryCode);
  after.expectedRevenue = Math.round((after.expectedRevenue ?? 0) * 100) / 100;
  after.proratedRevenue = Math.round(after.expectedRevenue * after.probability) / 100;
  after.wonStatus =
    after.probability === 100 && stage?.isWon
      ? 'won'
      : after.active === false && after.probability === 0
        ? 'lost'
        : 'pending';

  await checkLeadReferences(patch, issues, session);
  if (issues.length > 0) throw new ValidationError(issues);

  const actorId = new Types.ObjectId(actor.userId);
  // Identity and bookkeeping fields are never rewritten from the loaded copy.
  const {
    _id: _id,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...values
  } = after as LeadPatch & {
    _id?: Types.ObjectId;
    __v?: number;
    createdAt?: Date;
    updatedAt?: Date;
  };
  delete (values as { __v?: number }).__v;
  let saved: LeadRecord | null;
  if (before) {
    saved = await LeadModel.findOneAndUpdate(
      { $and: [{ _id: before._id }, await leadWriteFilter(actor)] },
      { $set: { ...values, updatedBy: actorId } },
      { returnDocument: 'after', session, runValidators: true },
    ).lean();
    if (!saved) throw new NotFoundError('Lead');
  } else {
    const [created] = await LeadModel.create(
      [{ ...values, createdBy: actorId, updatedBy: actorId }],
      { session },
    );
    if (!created) throw new Error('lead insert returned nothing');
    saved = created.toObject();
  }
  // Odoo's record rules apply to the result too: a salesperson on "own" cannot hand a lead to someone else.
  const stillWritable = await LeadModel.exists({
    $and: [{ _id: saved._id }, await leadWriteFilter(actor)],
  }).session(session);
  if (!stillWritable)
    throw new ForbiddenError('Your access level lets you assign leads only to yourself');

  await trackLeadChange(actor, before, saved, context);
  // Address books that sync "contacts of my opportunities" follow who is on which lead: a new or
  // former customer of a lead, or a new salesperson, is a change of that contact for the feed.
  const feedPartnerIds = new Set<string>();
  if (partnerChanged || (!before && saved.partnerId)) {
    if (saved.partnerId) feedPartnerIds.add(String(saved.partnerId));
    if (before?.partnerId) feedPartnerIds.add(String(before.partnerId));
  }
  if (userChanged && saved.partnerId) feedPartnerIds.add(String(saved.partnerId));
  for (const partnerId of feedPartnerIds) {
    await recordContactChange({ partnerId: new Types.ObjectId(partnerId) }, { session });
  }
  if (saved.userId && (userChanged || !before)) {
    // Followers are partners: a user without one (not linked yet) cannot follow.
    const salesperson = await UserModel.findById(saved.userId, { partnerId: 1 })
      .session(session)
      .lean();
    if (salesperson?.partnerId)
      await followRecord({ resModel: 'lead', resId: saved._id, userId: saved.userId }, { session });
  }
  return saved;
}

/** Loads a lead the caller may change: 404 when they cannot see it, 403 when they can only read it. */
export async function loadWritableLead(
  actor: Actor,
  id: string,
  session: ClientSession,
): Promise<LeadRecord> {
  const leadId = toLeadObjectId(id);
  const lead = await LeadModel.findOne({ $and: [{ _id: leadId }, await leadWriteFilter(actor)] })
    .session(session)
    .lean();
  if (lead) return lead;
  const readable = await LeadModel.exists({
    $and: [{ _id: leadId }, await leadReadFilter(actor)],
  }).session(session);
  if (readable) throw new ForbiddenError('You may read this lead but not change it');
  throw new NotFoundError('Lead');
}

export function toLeadObjectId(id: string | Types.ObjectId): Types.ObjectId {
  if (id instanceof Types.ObjectId) return id;
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFoundError('Lead');
  return new Types.ObjectId(id);
}

/** A won record is closed for good: it can be neither converted nor merged. */
export function assertNotWon(lead: LeadRecord, action: string): void {
  if (lead.wonStatus === 'won' || lead.probability >= 100) {
    throw new ConflictError(`A won opportunity cannot be ${action}`, { leadId: String(lead._id) });
  }
}

async function checkLeadReferences(
  patch: LeadPatch,
  issues: FieldIssue[],
  session: ClientSession,
): Promise<void> {
  if (patch.tagIds?.length) {
    const unique = [...new Set(patch.tagIds.map(String))];
    const count = await TagModel.countDocuments({
      _id: { $in: unique.map((id) => new Types.ObjectId(id)) },
      kind: 'lead',
    }).session(session);
    if (count !== unique.length)
      issues.push({ field: 'body.tagIds', message: 'must name existing lead tags' });
  }
  if (patch.lostReasonId) {
    const reason = await LostReasonModel.exists({ _id: patch.lostReasonId }).session(session);
    if (!reason)
      issues.push({ field: 'body.lostReasonId', message: 'is not an existing lost reason' });
  }
}

// ---------------------------------------------------------------------------------------------
// Chatter tracking (crm-model.md §1.7: partner, type, company name, contact name, e-mail, phone,
// salesperson, team, stage, active, expected revenue, lost reason).

interface TrackedField {
  field: keyof LeadRecord;
  label: string;
  display?: (value: unknown, session: ClientSession) => Promise<TrackedValue>;
}

const nameOf =
  (model: 'partner' | 'user' | 'team' | 'stage' | 'lostReason') =>
  async (value: unknown, session: ClientSession): Promise<TrackedValue> => {
    if (!value) return null;
    const id = value as Types.ObjectId;
    const found =
      model === 'partner'
        ? await PartnerModel.findById(id, { name: 1 }).session(session).lean()
        : model === 'user'
          ? await UserModel.findById(id, { name: 1 }).session(session).lean()
          : model === 'team'
            ? await TeamModel.findById(id, { name: 1 }).session(session).lean()
            : model === 'stage'
              ? await StageModel.findById(id, { name: 1 }).session(session).lean()
              : await LostReasonModel.findById(id, { name: 1 }).session(session).lean();
    return found?.name ?? String(id);
  };

const trackedFields: TrackedField[] = [
  { field: 'partnerId', label: 'Customer', display: nameOf('partner') },
  { field: 'type', label: 'Type' },
  { field: 'partnerName', label: 'Company Name' },
  { field: 'contactName', label: 'Contact Name' },
  { field: 'emailFrom', label: 'Email' },
  { field: 'phone', label: 'Phone' },
  { field: 'userId', label: 'Salesperson', display: nameOf('user') },
  { field: 'teamId', label: 'Sales Team', display: nameOf('team') },
  { field: 'stageId', label: 'Stage', display: nameOf('stage') },
  { field: 'active', label: 'Active' },
  { field: 'expectedRevenue', label: 'Expected Revenue' },
  { field: 'lostReasonId', label: 'Lost Reason', display: nameOf('lostReason') },
];

async function trackLeadChange(
  actor: Actor,
  before: LeadRecord | null,
  after: LeadRecord,
  context: LeadWriteContext,
): Promise<void> {
  const { session } = context;
  const tracking: Array<{
    field: string;
    fieldLabel: string;
    oldValue: TrackedValue;
    newValue: TrackedValue;
  }> = [];
  if (before) {
    for (const tracked of trackedFields) {
      const oldRaw = before[tracked.field];
      const newRaw = after[tracked.field];
      if (String(oldRaw ?? '') === String(newRaw ?? '')) continue;
      const display =
        tracked.display ?? (async (value: unknown) => (value ?? null) as TrackedValue);
      tracking.push({
        field: tracked.field,
        fieldLabel: tracked.label,
        oldValue: await display(oldRaw, session),
        newValue: await display(newRaw, session),
      });
    }
  }
  const body = eventBodies[context.event](after.type);
  if (before && tracking.length === 0 && !body) return;
  await postMessage(
    {
      resModel: 'lead',
      resId: after._id,
      kind: 'notification',
      authorUserId: actor.userId,
      ...(actor.partnerId ? { authorPartnerId: actor.partnerId } : {}),
      ...(body ? { bodyHtml: `<p>${body}</p>` } : {}),
      tracking,
    },
    { session },
  );
}

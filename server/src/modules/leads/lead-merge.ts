import { Types, type ClientSession } from 'mongoose';
import type { Lead, MergeLeadsBody } from '@inbox-crm/shared/schemas';
import { NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadWriteFilter } from '../access/access-policy';
import { postMessage } from '../messages/message.service';
import { moveRecordChildren } from '../messages/record-children.service';
import { runInTransaction } from '../partners/run-in-transaction';
import { StageModel } from '../stages/stage.model';
import { toLeadDtoWithActivity } from './lead-dto';
import { LeadModel, type LeadRecord } from './lead.model';
import { assertNotWon, toLeadObjectId, writeLead, type LeadPatch } from './lead-write';

const addressFields = ['street', 'street2', 'zip', 'city', 'stateCode', 'countryCode'] as const;

/** Every other merged field: the first non-empty value in head-first order (Odoo `_merge_data`). */
const firstNonEmptyFields = [
  'name',
  'partnerId',
  'partnerName',
  'contactName',
  'jobPosition',
  'emailFrom',
  'emailCc',
  'phone',
  'mobile',
  'website',
  'lang',
  'userId',
  'teamId',
  'stageId',
  'probability',
  'expectedRevenue',
  'dateDeadline',
  'referred',
  'color',
] as const;

/**
 * Merges 2–5 records into the most advanced one (crm-model.md §2.6) in one transaction: the head
 * takes the merged values, the others' chatter, activities, attachments and followers move to it,
 * a summary note is posted and the others are deleted.
 */
export async function mergeLeads(
  actor: Actor,
  id: string,
  input: MergeLeadsBody,
  options: { session?: ClientSession } = {},
): Promise<Lead> {
  return runInTransaction(options.session, async (session) => {
    const head = await mergeLeadRecords(actor, [id, ...input.ids], {
      session,
      userId: input.userId,
      teamId: input.teamId,
    });
    return toLeadDtoWithActivity(head, session);
  });
}

export interface MergeOptions {
  session: ClientSession;
  /** Forced salesperson / team (`null` clears). */
  userId?: string | null;
  teamId?: string | null;
}

export async function mergeLeadRecords(
  actor: Actor,
  ids: Array<string | Types.ObjectId>,
  options: MergeOptions,
): Promise<LeadRecord> {
  const { session } = options;
  const uniqueIds = [...new Set(ids.map(String))];
  if (uniqueIds.length < 2)
    throw new ValidationError([
      { field: 'body.ids', message: 'must name at least one record other than this one' },
    ]);
  if (uniqueIds.length > 5)
    throw new ValidationError([{ field: 'body.ids', message: 'at most 5 records merge at once' }]);
  const records = await LeadModel.find({
    $and: [
      { _id: { $in: uniqueIds.map((leadId) => toLeadObjectId(leadId)) } },
      await leadWriteFilter(actor),
    ],
  })
    .session(session)
    .lean();
  if (records.length !== uniqueIds.length) throw new NotFoundError('Lead');
  for (const record of records) assertNotWon(record, 'merged');

  const sorted = await sortForMerge(records, session);
  const [head, ...tails] = sorted;
  if (!head) throw new NotFoundError('Lead');

  const patch: LeadPatch = {};
  for (const field of firstNonEmptyFields) {
    const source = sorted.find((record) => isFilled(record[field]));
    if (source && String(source[field]) !== String(head[field]))
      (patch as Record<string, unknown>)[field] = source[field];
  }
  const descriptions = sorted
    .map((record) => record.description)
    .filter((description) => description?.trim());
  if (descriptions.length > 1) patch.description = descriptions.join('<br/><br/>');
  if (sorted.some((record) => record.type === 'opportunity') && head.type !== 'opportunity') {
    patch.type = 'opportunity';
    patch.dateConversion =
      sorted.find((record) => record.dateConversion)?.dateConversion ?? new Date();
  }
  patch.priority =
    sorted
      .map((record) => record.priority)
      .sort()
      .at(-1) ?? '0';
  patch.tagIds = uniqueObjectIds(sorted.flatMap((record) => record.tagIds));
  const mergedUtm = Object.assign({}, ...[...sorted].reverse().map((record) => record.utm ?? {}));
  patch.utm = mergedUtm;
  patch.lostReasonId =
    head.probability > 0
      ? null
      : (sorted.find((record) => record.lostReasonId)?.lostReasonId ?? null);
  // The whole address of the record that has most of it.
  const addressSource = [...sorted].sort((a, b) => addressFieldCount(b) - addressFieldCount(a))[0];
  if (addressSource && addressFieldCount(addressSource) > 0)
    for (const field of addressFields) patch[field] = addressSource[field];
  if (options.userId !== undefined)
    patch.userId = options.userId ? new Types.ObjectId(options.userId) : null;
  if (options.teamId !== undefined)
    patch.teamId = options.teamId ? new Types.ObjectId(options.teamId) : null;

  const tailIds = tails.map((tail) => tail._id);
  await moveRecordChildren({ resModel: 'lead', fromIds: tailIds, toId: head._id }, { session });
  await LeadModel.deleteMany({ _id: { $in: tailIds } }, { session });
  const merged = await writeLead(actor, head, patch, {
    session,
    event: 'merged',
    explicitProbability: patch.probability !== undefined,
    explicitTeam: options.teamId !== undefined && options.teamId !== null,
  });
  await postMessage(
    {
      resModel: 'lead',
      resId: merged._id,
      kind: 'note',
      authorUserId: actor.userId,
      ...(actor.partnerId ? { authorPartnerId: actor.partnerId } : {}),
      subject: 'Merged opportunities',
      bodyHtml: `<p>Merged with:</p><ul>${tails.map((tail) => `<li>${escapeHtml(tail.name)} (${tail.type}, ${tail.expectedRevenue})</li>`).join('')}</ul>`,
    },
    { session },
  );
  return merged;
}

/**
 * Head first: not lost (opportunity or active), opportunity, stage sequence, probability — all
 * descending — then the oldest record (Odoo's `-id` key sorted in reverse puts the lowest id first).
 */
async function sortForMerge(records: LeadRecord[], session: ClientSession): Promise<LeadRecord[]> {
  const stageIds = uniqueObjectIds(
    records.flatMap((record) => (record.stageId ? [record.stageId] : [])),
  );
  const stages = await StageModel.find({ _id: { $in: stageIds } }, { sequence: 1 })
    .session(session)
    .lean();
  const sequenceOf = new Map(stages.map((stage) => [String(stage._id), stage.sequence]));
  const key = (record: LeadRecord): number[] => [
    record.type === 'opportunity' || record.active ? 1 : 0,
    record.type === 'opportunity' ? 1 : 0,
    record.stageId ? (sequenceOf.get(String(record.stageId)) ?? 0) : 0,
    record.probability,
  ];
  return [...records].sort((a, b) => {
    const keyA = key(a);
    const keyB = key(b);
    for (let index = 0; index < keyA.length; index += 1) {
      const difference = (keyB[index] ?? 0) - (keyA[index] ?? 0);
      if (difference !== 0) return difference;
    }
    return String(a._id).localeCompare(String(b._id));
  });
}

function isFilled(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '' && value !== 0;
}

function addressFieldCount(record: LeadRecord): number {
  return addressFields.filter((field) => Boolean(record[field])).length;
}

function uniqueObjectIds(ids: Types.ObjectId[]): Types.ObjectId[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(String(id)) ? false : (seen.add(String(id)), true)));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

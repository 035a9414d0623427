import mongoose, { Types } from 'mongoose';
import type {
  CreateLostReasonBody,
  ListLostReasonsQuery,
  ListResponse,
  LostReason,
  UpdateLostReasonBody,
} from '@inbox-crm/shared/schemas';
import { ConflictError, NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertManager } from '../access/access-policy';
import { recordAuditEvent } from '../audit/audit.service';
import { LostReasonModel, type LostReasonRecord } from './lost-reason.model';

export async function createLostReason(
  actor: Actor,
  input: CreateLostReasonBody,
): Promise<LostReason> {
  assertManager(actor);
  const record = (
    await LostReasonModel.create({ name: input.name, nameI18n: input.nameI18n })
  ).toObject();
  await recordAuditEvent(actor, {
    action: 'lost-reason.create',
    targetType: 'lost-reason',
    targetId: String(record._id),
    summary: `Created lost reason "${record.name}"`,
  });
  return toLostReasonDto(record, 0);
}

export async function updateLostReason(
  actor: Actor,
  id: string,
  input: UpdateLostReasonBody,
): Promise<LostReason> {
  assertManager(actor);
  const updated = await LostReasonModel.findByIdAndUpdate(
    new Types.ObjectId(id),
    { $set: input },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('Lost reason');
  await recordAuditEvent(actor, {
    action: 'lost-reason.update',
    targetType: 'lost-reason',
    targetId: id,
    summary: `Changed lost reason "${updated.name}"`,
  });
  return toLostReasonDto(updated, (await countLeadsByReason([updated._id])).get(id) ?? 0);
}

/** Only an unused reason can be deleted; a used one is archived instead (PATCH `active: false`). */
export async function deleteLostReason(actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  const reason = await LostReasonModel.findById(new Types.ObjectId(id)).lean();
  if (!reason) throw new NotFoundError('Lost reason');
  const used = (await countLeadsByReason([reason._id])).get(id) ?? 0;
  if (used > 0)
    throw new ConflictError(`${used} lead(s) were lost for this reason: archive it instead`, {
      leadCount: used,
    });
  await LostReasonModel.deleteOne({ _id: reason._id });
  await recordAuditEvent(actor, {
    action: 'lost-reason.delete',
    targetType: 'lost-reason',
    targetId: id,
    summary: `Deleted lost reason "${reason.name}"`,
  });
}

export async function getLostReason(_actor: Actor, id: string): Promise<LostReason> {
  const reason = await LostReasonModel.findById(new Types.ObjectId(id)).lean();
  if (!reason) throw new NotFoundError('Lost reason');
  return toLostReasonDto(reason, (await countLeadsByReason([reason._id])).get(id) ?? 0);
}

export async function listLostReasons(
  _actor: Actor,
  query: ListLostReasonsQuery,
): Promise<ListResponse<LostReason>> {
  const filter = query.includeArchived ? {} : { active: true };
  const direction = query.sort.startsWith('-') ? -1 : 1;
  const field = query.sort.replace(/^-/, '');
  const [records, total] = await Promise.all([
    LostReasonModel.find(filter)
      .sort({ [field]: direction, _id: direction })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    LostReasonModel.countDocuments(filter),
  ]);
  const counts = await countLeadsByReason(records.map((record) => record._id));
  return {
    items: records.map((record) => toLostReasonDto(record, counts.get(String(record._id)) ?? 0)),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

/** Odoo's `leads_count`: archived (lost) leads included. */
async function countLeadsByReason(ids: Types.ObjectId[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await mongoose.connection
    .collection('leads')
    .aggregate<{ _id: Types.ObjectId; count: number }>([
      { $match: { lostReasonId: { $in: ids } } },
      { $group: { _id: '$lostReasonId', count: { $sum: 1 } } },
    ])
    .toArray();
  return new Map(rows.map((row) => [String(row._id), row.count]));
}

export function toLostReasonDto(record: LostReasonRecord, leadCount: number): LostReason {
  return {
    id: String(record._id),
    name: record.name,
    ...(record.nameI18n ? { nameI18n: record.nameI18n } : {}),
    active: record.active,
    leadCount,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

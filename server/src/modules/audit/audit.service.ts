import { Types, type ClientSession, type QueryFilter } from 'mongoose';
import type { AuditEvent, ListAuditEventsQuery, ListResponse } from '@inbox-crm/shared/schemas';
import type { Actor } from '../../http/actor';
import { assertAdmin } from '../access/access-policy';
import { AuditEventModel, type AuditEventRecord } from './audit-event.model';

export interface AuditEventInput {
  /** `area.verb`: `team.update`, `stage.delete`, `user.update` … */
  action: string;
  targetType?: string;
  targetId?: string;
  /** What happened, for an admin reading the log. No secrets, no mail content. */
  summary: string;
  outcome?: 'success' | 'failure';
  ip?: string;
  /** The login tried when there is no actor (failed sign-ins). */
  attemptedLogin?: string;
}

/**
 * Records an admin or security event. Other features call this for their admin changes
 * (teams, stages, lost reasons …); pass the caller's actor and, inside a transaction, its session.
 */
export async function recordAuditEvent(
  actor: Actor | undefined,
  input: AuditEventInput,
  options: { session?: ClientSession } = {},
): Promise<void> {
  await AuditEventModel.create(
    [
      {
        at: new Date(),
        action: input.action,
        actorUserId: actor ? new Types.ObjectId(actor.userId) : undefined,
        actorLogin: actor?.login ?? input.attemptedLogin,
        via: actor?.via,
        targetType: input.targetType,
        targetId: input.targetId,
        summary: input.summary.slice(0, 1000),
        outcome: input.outcome ?? 'success',
        ip: input.ip,
      },
    ],
    { session: options.session },
  );
}

/** Admins only: the newest events first, filtered. */
export async function listAuditEvents(
  actor: Actor,
  query: ListAuditEventsQuery,
): Promise<ListResponse<AuditEvent>> {
  assertAdmin(actor);
  const filter: QueryFilter<AuditEventRecord> = {};
  if (query.action) filter.action = query.action;
  if (query.actorUserId) filter.actorUserId = new Types.ObjectId(query.actorUserId);
  if (query.targetType) filter.targetType = query.targetType;
  if (query.targetId) filter.targetId = query.targetId;
  if (query.since || query.until) {
    filter.at = {
      ...(query.since ? { $gte: new Date(query.since) } : {}),
      ...(query.until ? { $lt: new Date(query.until) } : {}),
    };
  }
  const [records, total] = await Promise.all([
    AuditEventModel.find(filter)
      .sort({ at: -1, _id: -1 })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    AuditEventModel.countDocuments(filter),
  ]);
  return { items: records.map(toAuditEvent), total, limit: query.limit, offset: query.offset };
}

function toAuditEvent(record: AuditEventRecord): AuditEvent {
  return {
    id: record._id.toString(),
    at: record.at.toISOString(),
    action: record.action,
    actorUserId: record.actorUserId?.toString(),
    actorLogin: record.actorLogin,
    via: record.via,
    targetType: record.targetType,
    targetId: record.targetId,
    summary: record.summary,
    outcome: record.outcome,
    ip: record.ip,
  };
}

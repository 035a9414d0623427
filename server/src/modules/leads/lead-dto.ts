import type { ClientSession, Types } from 'mongoose';
import type { Lead, NextActivity } from '@inbox-crm/shared/schemas';
import { ActivityModel } from '../activities/activity.model';
import type { LeadRecord } from './lead.model';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * The next open activity of each lead (earliest due date, then oldest), read live from the
 * activities so the kanban and the lead never show a stale "next activity".
 */
export async function findNextActivities(
  leadIds: Types.ObjectId[],
  session?: ClientSession,
): Promise<Map<string, NextActivity>> {
  if (leadIds.length === 0) return new Map();
  const activities = await ActivityModel.find({
    resModel: 'lead',
    resId: { $in: leadIds },
    active: { $ne: false },
  })
    .sort({ dateDeadline: 1, _id: 1 })
    .session(session ?? null)
    .lean();
  const next = new Map<string, NextActivity>();
  for (const activity of activities) {
    const key = String(activity.resId);
    if (next.has(key)) continue;
    next.set(key, {
      id: String(activity._id),
      typeId: activity.activityTypeId ? String(activity.activityTypeId) : null,
      userId: activity.userId ? String(activity.userId) : null,
      dateDeadline: activity.dateDeadline,
      summary: activity.summary ?? '',
    });
  }
  return next;
}

export async function toLeadDtos(records: LeadRecord[], session?: ClientSession): Promise<Lead[]> {
  const nextActivities = await findNextActivities(
    records.map((record) => record._id),
    session,
  );
  return records.map((record) => toLeadDto(record, nextActivities.get(String(record._id)) ?? null));
}

export async function toLeadDtoWithActivity(
  record: LeadRecord,
  session?: ClientSession,
): Promise<Lead> {
  const [dto] = await toLeadDtos([record], session);
  return dto as Lead;
}

export function toLeadDto(record: LeadRecord, nextActivity: NextActivity | null): Lead {
  const createdAt = new Date(record.createdAt);
  return {
    id: String(record._id),
    type: record.type,
    name: record.name,
    active: record.active,
    partnerId: idOrNull(record.partnerId),
    commercialPartnerId: idOrNull(record.commercialPartnerId),
    partnerName: record.partnerName ?? '',
    contactName: record.contactName ?? '',
    jobPosition: record.jobPosition ?? '',
    emailFrom: record.emailFrom ?? '',
    emailNormalized: record.emailNormalized ?? null,
    emailDomainCriterion: record.emailDomainCriterion ?? null,
    emailCc: record.emailCc ?? '',
    phone: record.phone ?? '',
    mobile: record.mobile ?? '',
    phoneSanitized: record.phoneSanitized ?? null,
    website: record.website ?? '',
    lang: record.lang ?? '',
    street: record.street ?? '',
    street2: record.street2 ?? '',
    zip: record.zip ?? '',
    city: record.city ?? '',
    stateCode: record.stateCode ?? '',
    countryCode: record.countryCode ?? '',
    userId: idOrNull(record.userId),
    teamId: idOrNull(record.teamId),
    stageId: idOrNull(record.stageId),
    probability: record.probability,
    automatedProbability: record.automatedProbability,
    expectedRevenue: record.expectedRevenue,
    proratedRevenue: record.proratedRevenue,
    dateDeadline: record.dateDeadline ?? null,
    priority: record.priority,
    tagIds: (record.tagIds ?? []).map(String),
    description: record.description ?? '',
    referred: record.referred ?? '',
    color: record.color ?? 0,
    lostReasonId: idOrNull(record.lostReasonId),
    wonStatus: record.wonStatus,
    dateOpen: isoOrNull(record.dateOpen),
    dateClosed: isoOrNull(record.dateClosed),
    dateConversion: isoOrNull(record.dateConversion),
    dateLastStageUpdate: new Date(record.dateLastStageUpdate).toISOString(),
    // Odoo's day_open / day_close: whole days from creation to assignment / closing.
    dayOpen: record.dateOpen
      ? Math.floor((new Date(record.dateOpen).getTime() - createdAt.getTime()) / dayMs)
      : null,
    dayClose: record.dateClosed
      ? Math.floor((new Date(record.dateClosed).getTime() - createdAt.getTime()) / dayMs)
      : null,
    nextActivity,
    utm: { ...(record.utm ?? {}) },
    createdAt: createdAt.toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

function idOrNull(value: Types.ObjectId | null | undefined): string | null {
  return value ? String(value) : null;
}

function isoOrNull(value: Date | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}

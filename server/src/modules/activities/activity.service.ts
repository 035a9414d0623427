import { Types, type ClientSession } from 'mongoose';
import type {
  ActivityCounts,
  ActivityDto,
  CreateActivityBody,
  ListActivitiesQuery,
  ListResponse,
  MarkActivityDoneBody,
  ResModel,
  UpdateActivityBody,
} from '@inbox-crm/shared/schemas';
import { NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter } from '../access/access-policy';
import { ActivityTypeModel, type ActivityType } from '../activity-types/activity-type.model';
import { findDefaultActivityType } from '../activity-types/activity-type.service';
import { followRecord } from '../followers/follower.service';
import { postMessage, type WriteOptions } from '../messages/message.service';
import { assertRecordAccess } from '../messages/record-access';
import { sanitizeMailHtml } from '../messages/sanitize-mail-html';
import { runInTransaction } from '../partners/run-in-transaction';
import { UserModel } from '../users/user.model';
import { activityState, addDelay, todayUtc } from './activity-dates';
import { ActivityModel, type Activity } from './activity.model';

type StoredActivity = Activity & { _id: Types.ObjectId };
type StoredActivityType = ActivityType & { _id: Types.ObjectId };

/**
 * Schedules an activity on a record the caller may change. Omitted fields come from the type
 * (To-Do by default): summary, note, assignee (type's default user, else the caller) and due date
 * (today + the type's delay). An assignee other than the caller starts following the record.
 */
export async function scheduleActivity(
  actor: Actor,
  input: CreateActivityBody,
  options: WriteOptions = {},
): Promise<ActivityDto> {
  const { session } = options;
  const record = await assertRecordAccess(actor, input.resModel, input.resId, 'write');
  const type = input.activityTypeId
    ? await loadUsableType(input.activityTypeId, input.resModel, 'body.activityTypeId')
    : await findDefaultActivityType(input.resModel);
  const userId = input.userId ?? type?.defaultUserId?.toHexString() ?? actor.userId;
  await assertActiveUser(userId, 'body.userId');
  const me = new Types.ObjectId(actor.userId);
  const [created] = await ActivityModel.create(
    [
      {
        resModel: input.resModel,
        resId: record.resId,
        resName: record.name,
        activityTypeId: type?._id,
        summary: input.summary ?? type?.summary,
        note: cleanNote(input.note ?? type?.defaultNote),
        dateDeadline:
          input.dateDeadline ??
          addDelay(todayUtc(), type?.delayCount ?? 0, type?.delayUnit ?? 'days'),
        userId: new Types.ObjectId(userId),
        createdBy: me,
        updatedBy: me,
      },
    ],
    { session },
  );
  const activity = created!.toObject();
  if (userId !== actor.userId) await subscribeAssignee(activity, session);
  return toActivityDto(activity, type ?? undefined);
}

/** Open activities: of a record (caller may read it), the caller's own (`mine`), or all the caller may see. */
export async function listActivities(
  actor: Actor,
  query: ListActivitiesQuery,
): Promise<ListResponse<ActivityDto>> {
  const conditions: Record<string, unknown>[] = [{ active: true }];
  if ((query.resModel === undefined) !== (query.resId === undefined)) {
    throw new ValidationError([
      { field: 'query.resId', message: 'give resModel and resId together' },
    ]);
  }
  if (query.resModel && query.resId) {
    const record = await assertRecordAccess(actor, query.resModel, query.resId, 'read');
    conditions.push({ resModel: query.resModel, resId: record.resId });
  } else if (Object.keys(await leadReadFilter(actor)).length > 0) {
    // Restricted callers see what is assigned to them, and activities on partners (open to all).
    conditions.push({
      $or: [{ userId: new Types.ObjectId(actor.userId) }, { resModel: 'partner' }],
    });
  }
  if (query.mine) conditions.push({ userId: new Types.ObjectId(actor.userId) });
  if (query.userId) conditions.push({ userId: new Types.ObjectId(query.userId) });
  const today = query.today ?? todayUtc();
  if (query.state === 'overdue') conditions.push({ dateDeadline: { $lt: today } });
  if (query.state === 'today') conditions.push({ dateDeadline: today });
  if (query.state === 'planned') conditions.push({ dateDeadline: { $gt: today } });

  const filter = { $and: conditions };
  const [activities, total] = await Promise.all([
    ActivityModel.find(filter)
      .sort({ dateDeadline: 1, _id: 1 })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    ActivityModel.countDocuments(filter),
  ]);
  const types = await loadTypes(activities);
  return {
    items: activities.map((activity) =>
      toActivityDto(activity, types.get(String(activity.activityTypeId)), today),
    ),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

/** The caller's open activities counted by state (overdue / today / planned). */
export async function countMyActivities(actor: Actor, today = todayUtc()): Promise<ActivityCounts> {
  const mine = { userId: new Types.ObjectId(actor.userId), active: true };
  const [overdue, dueToday, planned] = await Promise.all([
    ActivityModel.countDocuments({ ...mine, dateDeadline: { $lt: today } }),
    ActivityModel.countDocuments({ ...mine, dateDeadline: today }),
    ActivityModel.countDocuments({ ...mine, dateDeadline: { $gt: today } }),
  ]);
  return { overdue, today: dueToday, planned };
}

export async function getActivity(actor: Actor, id: string): Promise<ActivityDto> {
  const activity = await loadVisibleActivity(actor, id);
  const types = await loadTypes([activity]);
  return toActivityDto(activity, types.get(String(activity.activityTypeId)));
}

/** Changes an open activity; editing follows the record's write right. */
export async function updateActivity(
  actor: Actor,
  id: string,
  patch: UpdateActivityBody,
): Promise<ActivityDto> {
  const activity = await loadVisibleActivity(actor, id);
  if (!activity.active)
    throw new ValidationError([{ field: 'id', message: 'the activity is already done' }]);
  await assertRecordAccess(actor, activity.resModel, activity.resId, 'write');
  const type = patch.activityTypeId
    ? await loadUsableType(patch.activityTypeId, activity.resModel, 'body.activityTypeId')
    : undefined;
  if (patch.userId) await assertActiveUser(patch.userId, 'body.userId');
  const update: Partial<Activity> = { updatedBy: new Types.ObjectId(actor.userId) };
  if (type) update.activityTypeId = type._id;
  if (patch.summary !== undefined) update.summary = patch.summary;
  if (patch.note !== undefined) update.note = cleanNote(patch.note);
  if (patch.dateDeadline !== undefined) update.dateDeadline = patch.dateDeadline;
  if (patch.userId !== undefined) update.userId = new Types.ObjectId(patch.userId);
  const updated = await ActivityModel.findOneAndUpdate(
    { _id: activity._id, active: true },
    { $set: update },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('Activity');
  if (
    patch.userId &&
    patch.userId !== activity.userId.toHexString() &&
    patch.userId !== actor.userId
  ) {
    await subscribeAssignee(updated, undefined);
  }
  const types = await loadTypes([updated]);
  return toActivityDto(updated, types.get(String(updated.activityTypeId)));
}

export interface ActivityDone {
  activity: ActivityDto;
  messageId: string;
  nextActivity?: ActivityDto;
}

/**
 * Marks an activity done (crm-model §1.6): logs it on the record's chatter (type, summary, note,
 * feedback; author = the caller), then deletes it, or archives it when its type keeps done
 * activities, and schedules the triggered next activity. One transaction. The assignee may do this
 * even without write access to the record.
 */
export async function markActivityDone(
  actor: Actor,
  id: string,
  input: MarkActivityDoneBody,
): Promise<ActivityDone> {
  const visible = await loadVisibleActivity(actor, id);
  if (!visible.active)
    throw new ValidationError([{ field: 'id', message: 'the activity is already done' }]);
  if (visible.userId.toHexString() !== actor.userId) {
    await assertRecordAccess(actor, visible.resModel, visible.resId, 'write');
  }
  return runInTransaction(undefined, async (session) => {
    const activity = await ActivityModel.findOne({ _id: visible._id, active: true })
      .session(session)
      .lean();
    if (!activity) throw new NotFoundError('Activity');
    const type = activity.activityTypeId
      ? await ActivityTypeModel.findById(activity.activityTypeId).session(session).lean()
      : null;
    const message = await postMessage(
      {
        resModel: activity.resModel,
        resId: activity.resId,
        kind: 'notification',
        authorUserId: actor.userId,
        authorPartnerId: actor.partnerId,
        authorName: actor.name,
        activityTypeId: type?._id,
        bodyHtml: doneMessageHtml(type?.name, activity, input.feedback),
      },
      { session },
    );
    const dateDone = new Date();
    if (type?.keepDone) {
      await ActivityModel.updateOne(
        { _id: activity._id },
        {
          $set: {
            active: false,
            dateDone,
            feedback: input.feedback,
            updatedBy: new Types.ObjectId(actor.userId),
          },
        },
        { session },
      );
    } else {
      await ActivityModel.deleteOne({ _id: activity._id }, { session });
    }
    const nextActivity = await scheduleTriggeredActivity(activity, type, session);
    const done = { ...activity, active: false, dateDone, feedback: input.feedback };
    return {
      activity: toActivityDto(done, type ?? undefined),
      messageId: message.id,
      nextActivity,
    };
  });
}

/** Cancels an open activity (no chatter entry); follows the record's write right. */
export async function deleteActivity(actor: Actor, id: string): Promise<void> {
  const activity = await loadVisibleActivity(actor, id);
  await assertRecordAccess(actor, activity.resModel, activity.resId, 'write');
  await ActivityModel.deleteOne({ _id: activity._id });
}

async function scheduleTriggeredActivity(
  done: StoredActivity,
  type: StoredActivityType | null,
  session: ClientSession,
): Promise<ActivityDto | undefined> {
  if (type?.chainingType !== 'trigger' || !type.triggeredNextTypeId) return undefined;
  const next = await ActivityTypeModel.findOne({ _id: type.triggeredNextTypeId, active: true })
    .session(session)
    .lean();
  if (!next) return undefined;
  const base = next.delayFrom === 'previous_activity' ? done.dateDeadline : todayUtc();
  const [created] = await ActivityModel.create(
    [
      {
        resModel: done.resModel,
        resId: done.resId,
        resName: done.resName,
        activityTypeId: next._id,
        previousActivityTypeId: type._id,
        summary: next.summary,
        note: cleanNote(next.defaultNote),
        dateDeadline: addDelay(base, next.delayCount, next.delayUnit),
        userId: next.defaultUserId ?? done.userId,
        automated: true,
      },
    ],
    { session },
  );
  return toActivityDto(created!.toObject(), next);
}

/** An activity is visible to its assignee and to whoever may read its record; else 404. */
async function loadVisibleActivity(actor: Actor, id: string): Promise<StoredActivity> {
  const activity = await ActivityModel.findById(id).lean();
  if (!activity) throw new NotFoundError('Activity');
  if (activity.userId.toHexString() === actor.userId) return activity;
  try {
    await assertRecordAccess(actor, activity.resModel, activity.resId, 'read');
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError('Activity');
    throw error;
  }
  return activity;
}

async function loadUsableType(
  id: string,
  resModel: ResModel,
  field: string,
): Promise<StoredActivityType> {
  const type = await ActivityTypeModel.findById(id).lean();
  if (!type || !type.active)
    throw new ValidationError([{ field, message: 'is not an active activity type' }]);
  if (type.resModel && type.resModel !== resModel) {
    throw new ValidationError([{ field, message: `does not apply to a ${resModel}` }]);
  }
  return type;
}

async function assertActiveUser(userId: string, field: string): Promise<void> {
  if (!(await UserModel.exists({ _id: userId, active: true }))) {
    throw new ValidationError([{ field, message: 'is not an active user' }]);
  }
}

/** Assigning an activity subscribes the assignee (through their partner, when they have one). */
async function subscribeAssignee(
  activity: StoredActivity,
  session: ClientSession | undefined,
): Promise<void> {
  const assignee = await UserModel.findById(activity.userId).select({ partnerId: 1 }).lean();
  if (!assignee?.partnerId) return;
  await followRecord(
    {
      resModel: activity.resModel,
      resId: activity.resId,
      partnerId: assignee.partnerId,
      userId: activity.userId,
    },
    { session },
  );
}

async function loadTypes(activities: StoredActivity[]): Promise<Map<string, StoredActivityType>> {
  const ids = [
    ...new Set(activities.map((a) => a.activityTypeId?.toHexString()).filter(Boolean)),
  ] as string[];
  if (ids.length === 0) return new Map();
  const types = await ActivityTypeModel.find({ _id: { $in: ids } }).lean();
  return new Map(types.map((type) => [type._id.toHexString(), type]));
}

function cleanNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  const clean = sanitizeMailHtml(note);
  return clean.trim() ? clean : undefined;
}

function doneMessageHtml(
  typeName: string | undefined,
  activity: StoredActivity,
  feedback: string | undefined,
): string {
  const title = [typeName, activity.summary].filter(Boolean).map((part) => escapeHtml(part!));
  const parts = [`<p><b>${title.length > 0 ? title.join(': ') : 'Activity'}</b> done</p>`];
  if (activity.note) parts.push(`<div>${activity.note}</div>`);
  if (feedback) parts.push(`<p>Feedback: ${escapeHtml(feedback).replace(/\r?\n/g, '<br />')}</p>`);
  return parts.join('');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function toActivityDto(
  activity: StoredActivity,
  type?: StoredActivityType,
  today = todayUtc(),
): ActivityDto {
  return {
    id: activity._id.toHexString(),
    resModel: activity.resModel,
    resId: activity.resId.toHexString(),
    resName: activity.resName ?? undefined,
    activityTypeId: activity.activityTypeId?.toHexString(),
    activityTypeName: type?.name,
    icon: type?.icon ?? undefined,
    summary: activity.summary ?? undefined,
    note: activity.note ?? undefined,
    dateDeadline: activity.dateDeadline,
    userId: activity.userId.toHexString(),
    state: activityState(activity.dateDeadline, activity.active, today),
    active: activity.active,
    dateDone: activity.dateDone?.toISOString(),
    feedback: activity.feedback ?? undefined,
    createdBy: activity.createdBy?.toHexString(),
    createdAt: activity.createdAt.toISOString(),
  };
}

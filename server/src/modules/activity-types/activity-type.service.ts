import { Types } from 'mongoose';
import type {
  ActivityTypeDto,
  CreateActivityTypeBody,
  ResModel,
  UpdateActivityTypeBody,
} from '@inbox-crm/shared/schemas';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertManager } from '../access/access-policy';
import { ActivityModel } from '../activities/activity.model';
import { ActivityTypeModel, type ActivityType } from './activity-type.model';

type StoredActivityType = ActivityType & { _id: Types.ObjectId };

/** Odoo 17's five active defaults plus the archived Exception (crm-model §7.2). */
const defaultActivityTypes: Array<Partial<ActivityType> & { key: string; name: string }> = [
  {
    key: 'email',
    name: 'Email',
    sequence: 3,
    icon: 'fa-envelope',
    nameI18n: { 'zh-CN': '电子邮件', ro: 'E-mail' },
  },
  {
    key: 'call',
    name: 'Call',
    sequence: 6,
    icon: 'fa-phone',
    category: 'phonecall',
    delayCount: 2,
    nameI18n: { 'zh-CN': '电话', ro: 'Apel' },
  },
  {
    key: 'meeting',
    name: 'Meeting',
    sequence: 9,
    icon: 'fa-users',
    category: 'meeting',
    nameI18n: { 'zh-CN': '会议', ro: 'Întâlnire' },
  },
  {
    key: 'todo',
    name: 'To-Do',
    sequence: 12,
    icon: 'fa-tasks',
    delayCount: 5,
    nameI18n: { 'zh-CN': '待办', ro: 'De făcut' },
  },
  {
    key: 'upload',
    name: 'Upload Document',
    sequence: 25,
    icon: 'fa-upload',
    category: 'upload_file',
    delayCount: 5,
    nameI18n: { 'zh-CN': '上传文档', ro: 'Încărcați documentul' },
  },
  {
    key: 'exception',
    name: 'Exception',
    sequence: 99,
    icon: 'fa-warning',
    decorationType: 'warning',
    active: false,
  },
];

/** Creates the default activity types that are missing (by key); safe to call at every start. */
export async function seedDefaultActivityTypes(): Promise<number> {
  let created = 0;
  for (const defaults of defaultActivityTypes) {
    const result = await ActivityTypeModel.updateOne(
      { key: defaults.key },
      { $setOnInsert: defaults },
      { upsert: true },
    );
    created += result.upsertedCount;
  }
  return created;
}

export async function listActivityTypes(query: {
  includeArchived?: boolean;
  resModel?: ResModel;
}): Promise<ActivityTypeDto[]> {
  const filter: Record<string, unknown> = {};
  if (!query.includeArchived) filter.active = true;
  if (query.resModel) filter.resModel = { $in: [null, query.resModel] };
  const types = await ActivityTypeModel.find(filter)
    .sort({ sequence: 1, _id: 1 })
    .limit(500)
    .lean();
  return types.map(toActivityTypeDto);
}

export async function getActivityType(id: string): Promise<ActivityTypeDto> {
  return toActivityTypeDto(await loadActivityType(id));
}

export async function loadActivityType(id: string | Types.ObjectId): Promise<StoredActivityType> {
  const type = await ActivityTypeModel.findById(id).lean();
  if (!type) throw new NotFoundError('Activity type');
  return type;
}

/** The type used when none is chosen: To-Do if it applies to the record kind (Odoo's default). */
export async function findDefaultActivityType(
  resModel: ResModel,
): Promise<StoredActivityType | null> {
  return ActivityTypeModel.findOne({
    key: 'todo',
    active: true,
    resModel: { $in: [null, resModel] },
  }).lean();
}

export async function createActivityType(
  actor: Actor,
  input: CreateActivityTypeBody,
): Promise<ActivityTypeDto> {
  assertManager(actor);
  await assertChaining(input);
  const [created] = await ActivityTypeModel.create([
    {
      ...input,
      createdBy: new Types.ObjectId(actor.userId),
      updatedBy: new Types.ObjectId(actor.userId),
    },
  ]);
  return toActivityTypeDto(created!.toObject());
}

export async function updateActivityType(
  actor: Actor,
  id: string,
  patch: UpdateActivityTypeBody,
): Promise<ActivityTypeDto> {
  assertManager(actor);
  const current = await loadActivityType(id);
  await assertChaining({
    chainingType: patch.chainingType ?? current.chainingType,
    triggeredNextTypeId:
      patch.triggeredNextTypeId === undefined
        ? current.triggeredNextTypeId?.toHexString()
        : patch.triggeredNextTypeId,
  });
  const updated = await ActivityTypeModel.findByIdAndUpdate(
    id,
    { $set: { ...patch, updatedBy: new Types.ObjectId(actor.userId) } },
    { returnDocument: 'after', runValidators: true },
  ).lean();
  if (!updated) throw new NotFoundError('Activity type');
  return toActivityTypeDto(updated);
}

/** Deletes an unused type; a type still used by activities must be archived instead. */
export async function deleteActivityType(actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  await loadActivityType(id);
  const used = await ActivityModel.exists({ activityTypeId: new Types.ObjectId(id) });
  if (used) throw new ConflictError('This activity type is used by activities: archive it instead');
  await ActivityTypeModel.deleteOne({ _id: id });
}

async function assertChaining(input: {
  chainingType?: 'suggest' | 'trigger';
  triggeredNextTypeId?: string | null;
}): Promise<void> {
  if (input.chainingType === 'trigger' && !input.triggeredNextTypeId) {
    throw new ValidationError([
      { field: 'body.triggeredNextTypeId', message: 'is required when chainingType is trigger' },
    ]);
  }
  if (
    input.triggeredNextTypeId &&
    !(await ActivityTypeModel.exists({ _id: input.triggeredNextTypeId }))
  ) {
    throw new ValidationError([
      { field: 'body.triggeredNextTypeId', message: 'is not an activity type' },
    ]);
  }
}

export function toActivityTypeDto(type: StoredActivityType): ActivityTypeDto {
  return {
    id: type._id.toHexString(),
    name: type.name,
    nameI18n: type.nameI18n ?? undefined,
    summary: type.summary ?? undefined,
    sequence: type.sequence,
    active: type.active,
    category: type.category,
    delayCount: type.delayCount,
    delayUnit: type.delayUnit,
    delayFrom: type.delayFrom,
    chainingType: type.chainingType,
    triggeredNextTypeId: type.triggeredNextTypeId?.toHexString(),
    suggestedNextTypeIds: (type.suggestedNextTypeIds ?? []).map((id) => id.toHexString()),
    defaultUserId: type.defaultUserId?.toHexString(),
    defaultNote: type.defaultNote ?? undefined,
    icon: type.icon ?? undefined,
    decorationType: type.decorationType ?? undefined,
    resModel: type.resModel ?? undefined,
    keepDone: type.keepDone,
  };
}

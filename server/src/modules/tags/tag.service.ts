import mongoose, { Types } from 'mongoose';
import type {
  CreateTagBody,
  ListResponse,
  ListTagsQuery,
  Tag,
  UpdateTagBody,
} from '@inbox-crm/shared/schemas';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertManager } from '../access/access-policy';
import { recordAuditEvent } from '../audit/audit.service';
import { recordContactChange } from '../contact-sync/contact-change-log';
import { PartnerModel } from '../partners/partner.model';
import { escapeRegex, normalizeName } from '../partners/contact-normalization';
import { TagModel, type TagRecord } from './tag.model';

/** Salespeople create and rename tags; deleting one is for managers (crm-model.md §3.5). */
export async function createTag(_actor: Actor, input: CreateTagBody): Promise<TagRecord> {
  const kind = input.kind ?? 'lead';
  if (input.parentId) await assertParentTag(input.parentId, kind, undefined);
  try {
    const tag = await TagModel.create({
      kind,
      name: input.name,
      nameNormalized: normalizeName(input.name),
      nameI18n: input.nameI18n,
      // Odoo gives new tags a random colour 1–11.
      color: input.color ?? 1 + Math.floor(Math.random() * 11),
      parentId: input.parentId ? new Types.ObjectId(input.parentId) : null,
    });
    return tag.toObject();
  } catch (error) {
    throw duplicateNameConflict(error, input.name);
  }
}

export async function updateTag(
  _actor: Actor,
  id: string,
  input: UpdateTagBody,
): Promise<TagRecord> {
  const existing = await TagModel.findById(toObjectId(id)).lean();
  if (!existing) throw new NotFoundError('Tag');
  if (input.parentId) await assertParentTag(input.parentId, existing.kind, existing._id);
  const set: Partial<TagRecord> = {};
  if (input.name !== undefined)
    Object.assign(set, { name: input.name, nameNormalized: normalizeName(input.name) });
  if (input.nameI18n !== undefined) set.nameI18n = input.nameI18n;
  if (input.color !== undefined) set.color = input.color;
  if (input.parentId !== undefined)
    set.parentId = input.parentId ? new Types.ObjectId(input.parentId) : null;
  try {
    const updated = await TagModel.findByIdAndUpdate(
      existing._id,
      { $set: set },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) throw new NotFoundError('Tag');
    return updated;
  } catch (error) {
    throw duplicateNameConflict(error, input.name ?? existing.name);
  }
}

/** Removes the tag and takes it off every lead or partner carrying it. */
export async function deleteTag(actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  const tag = await TagModel.findById(toObjectId(id)).lean();
  if (!tag) throw new NotFoundError('Tag');
  const session = await mongoose.startSession();
  try {
    await session.withTransaction(async () => {
      const holders = tag.kind === 'lead' ? ['leads', 'quotations'] : ['partners'];
      // Partner tags travel to address books (vCard categories): each partner that loses one changes.
      const retaggedPartners =
        tag.kind === 'partner'
          ? await PartnerModel.find({ tagIds: tag._id }, { _id: 1 }).session(session).lean()
          : [];
      for (const collection of holders) {
        await mongoose.connection
          .collection<{ tagIds: Types.ObjectId[] }>(collection)
          .updateMany({ tagIds: tag._id }, { $pull: { tagIds: tag._id } }, { session });
      }
      for (const partner of retaggedPartners)
        await recordContactChange({ partnerId: partner._id }, { session });
      await TagModel.updateMany({ parentId: tag._id }, { $set: { parentId: null } }, { session });
      await TagModel.deleteOne({ _id: tag._id }, { session });
      await recordAuditEvent(
        actor,
        {
          action: 'tag.delete',
          targetType: 'tag',
          targetId: String(tag._id),
          summary: `Deleted ${tag.kind} tag "${tag.name}"`,
        },
        { session },
      );
    });
  } finally {
    await session.endSession();
  }
}

export async function getTag(_actor: Actor, id: string): Promise<TagRecord> {
  const tag = await TagModel.findById(toObjectId(id)).lean();
  if (!tag) throw new NotFoundError('Tag');
  return tag;
}

export async function listTags(_actor: Actor, query: ListTagsQuery): Promise<ListResponse<Tag>> {
  const filter: Record<string, unknown> = {};
  if (query.kind) filter.kind = query.kind;
  if (query.search)
    filter.nameNormalized = new RegExp(`^${escapeRegex(normalizeName(query.search))}`);
  const direction = query.sort.startsWith('-') ? -1 : 1;
  const field = query.sort.replace(/^-/, '') === 'name' ? 'nameNormalized' : 'createdAt';
  const [records, total] = await Promise.all([
    TagModel.find(filter)
      .sort({ [field]: direction, _id: direction })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    TagModel.countDocuments(filter),
  ]);
  return { items: records.map(toTagDto), total, limit: query.limit, offset: query.offset };
}

/** Checks that every id names a tag of that kind; throws a 400 on `field` otherwise. */
export async function assertTagsExist(
  ids: Types.ObjectId[],
  kind: 'lead' | 'partner',
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const count = await TagModel.countDocuments({ _id: { $in: ids }, kind });
  if (count !== new Set(ids.map(String)).size)
    throw new ValidationError([{ field, message: `must name existing ${kind} tags` }]);
}

export function toTagDto(record: TagRecord): Tag {
  return {
    id: String(record._id),
    kind: record.kind,
    name: record.name,
    ...(record.nameI18n ? { nameI18n: record.nameI18n } : {}),
    color: record.color,
    parentId: record.parentId ? String(record.parentId) : null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

async function assertParentTag(
  parentId: string,
  kind: 'lead' | 'partner',
  selfId: Types.ObjectId | undefined,
): Promise<void> {
  if (kind !== 'partner')
    throw new ValidationError([{ field: 'body.parentId', message: 'only partner tags nest' }]);
  if (selfId && selfId.equals(parentId))
    throw new ValidationError([{ field: 'body.parentId', message: 'must not be the tag itself' }]);
  const parent = await TagModel.exists({ _id: new Types.ObjectId(parentId), kind });
  if (!parent)
    throw new ValidationError([
      { field: 'body.parentId', message: 'is not an existing partner tag' },
    ]);
}

function duplicateNameConflict(error: unknown, name: string): unknown {
  if (error instanceof mongoose.mongo.MongoServerError && error.code === 11000) {
    return new ConflictError(`A tag named "${name}" already exists`, { fields: ['name'] });
  }
  return error;
}

function toObjectId(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

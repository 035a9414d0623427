import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import type { AttachmentDto, ResModel } from '@inbox-crm/shared/schemas';
import { NotFoundError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { toObjectId, type WriteOptions } from '../messages/message.service';
import { assertRecordAccess } from '../messages/record-access';
import { normalizeContentId } from '../messages/sanitize-mail-html';
import { AttachmentModel, type Attachment } from './attachment.model';

export const attachmentBucketName = 'attachments';

export interface StoreAttachmentInput {
  resModel: ResModel;
  resId: string | Types.ObjectId;
  fileName: string;
  contentType: string;
  content: Buffer;
  /** MIME Content-ID of an inline mail part (with or without angle brackets). */
  contentId?: string;
}

function attachmentBucket(): mongoose.mongo.GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('The database is not connected');
  return new mongoose.mongo.GridFSBucket(db, { bucketName: attachmentBucketName });
}

/**
 * Stores a file on a record. The bytes go to GridFS once per distinct content (SHA-256), and the
 * same file stored again on the same record returns the existing attachment, so a mail logged
 * twice does not store its attachments twice.
 *
 * GridFS writes cannot join a transaction: the content is written first, outside `session`, and
 * only the metadata document belongs to the transaction. An aborted transaction can leave an
 * unreferenced file, which the next upload of the same content reuses.
 */
export async function storeAttachment(
  input: StoreAttachmentInput,
  options: WriteOptions = {},
): Promise<AttachmentDto> {
  const { session } = options;
  const resId = toObjectId(input.resId, 'resId');
  const fileName = cleanFileName(input.fileName);
  const contentType = cleanContentType(input.contentType);
  if (!Buffer.isBuffer(input.content)) {
    throw new ValidationError([{ field: 'content', message: 'must be the file content' }]);
  }
  const checksum = createHash('sha256').update(input.content).digest('hex');
  const contentId = input.contentId?.trim() ? normalizeContentId(input.contentId) : undefined;

  const sameOnRecord = await AttachmentModel.findOne({
    resModel: input.resModel,
    resId,
    checksum,
    fileName,
  })
    .session(session ?? null)
    .lean();
  if (sameOnRecord) return toAttachmentDto(sameOnRecord);

  const fileId = await findOrWriteContent(checksum, input.content, contentType);
  const [created] = await AttachmentModel.create(
    [
      {
        resModel: input.resModel,
        resId,
        fileName,
        contentType,
        size: input.content.length,
        checksum,
        fileId,
        contentId,
      },
    ],
    { session },
  );
  return toAttachmentDto(created!.toObject());
}

export async function getAttachment(
  id: string | Types.ObjectId,
): Promise<AttachmentDto & { fileId: string }> {
  const attachment = await AttachmentModel.findById(toObjectId(id, 'id')).lean();
  if (!attachment) throw new NotFoundError('Attachment');
  return { ...toAttachmentDto(attachment), fileId: attachment.fileId.toHexString() };
}

/** The attachment's metadata and a stream of its content (the caller checks record access first). */
export async function openAttachmentStream(
  id: string | Types.ObjectId,
): Promise<{ attachment: AttachmentDto; stream: Readable }> {
  const attachment = await getAttachment(id);
  const stream = attachmentBucket().openDownloadStream(new Types.ObjectId(attachment.fileId));
  return { attachment, stream };
}

export async function listAttachments(
  resModel: ResModel,
  resId: string | Types.ObjectId,
): Promise<AttachmentDto[]> {
  const attachments = await AttachmentModel.find({ resModel, resId: toObjectId(resId, 'resId') })
    .sort({ _id: -1 })
    .limit(1000)
    .lean();
  return attachments.map(toAttachmentDto);
}

/** Deletes the metadata; the GridFS content goes too once no attachment refers to it. */
export async function deleteAttachment(id: string | Types.ObjectId): Promise<void> {
  const attachment = await AttachmentModel.findByIdAndDelete(toObjectId(id, 'id')).lean();
  if (!attachment) throw new NotFoundError('Attachment');
  const stillUsed = await AttachmentModel.exists({ fileId: attachment.fileId });
  if (!stillUsed) await attachmentBucket().delete(attachment.fileId);
}

async function findOrWriteContent(
  checksum: string,
  content: Buffer,
  contentType: string,
): Promise<Types.ObjectId> {
  const bucket = attachmentBucket();
  const known = await AttachmentModel.findOne({ checksum }).select({ fileId: 1 }).lean();
  if (known) {
    const files = await bucket.find({ _id: known.fileId }).limit(1).toArray();
    if (files.length > 0) return known.fileId;
  }
  const orphan = await bucket.find({ 'metadata.sha256': checksum }).limit(1).toArray();
  if (orphan[0]) return orphan[0]._id as Types.ObjectId;

  const fileId = new Types.ObjectId();
  await new Promise<void>((resolve, reject) => {
    const upload = bucket.openUploadStreamWithId(fileId, checksum, {
      metadata: { sha256: checksum, contentType },
    });
    upload.once('error', reject);
    upload.once('finish', () => resolve());
    upload.end(content);
  });
  return fileId;
}

function cleanFileName(fileName: string): string {
  // Keep the name a user sees, minus path parts and control characters.
  const base =
    (fileName ?? '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .split(/[/\\]/)
      .pop()
      ?.trim() ?? '';
  if (!base) throw new ValidationError([{ field: 'fileName', message: 'is required' }]);
  return base.slice(0, 255);
}

const contentTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

function cleanContentType(contentType: string): string {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return contentTypePattern.test(essence) ? essence : 'application/octet-stream';
}

type StoredAttachment = Attachment & { _id: Types.ObjectId };

export function toAttachmentDto(attachment: StoredAttachment): AttachmentDto {
  return {
    id: attachment._id.toHexString(),
    resModel: attachment.resModel,
    resId: attachment.resId.toHexString(),
    fileName: attachment.fileName,
    contentType: attachment.contentType,
    size: attachment.size,
    checksum: attachment.checksum,
    contentId: attachment.contentId ?? undefined,
    createdAt: attachment.createdAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// On behalf of a caller: an attachment is as visible as the record it is attached to.

export async function listRecordAttachments(
  actor: Actor,
  resModel: ResModel,
  resId: string,
): Promise<AttachmentDto[]> {
  const record = await assertRecordAccess(actor, resModel, resId, 'read');
  return listAttachments(resModel, record.resId);
}

export async function uploadRecordAttachment(
  actor: Actor,
  resModel: ResModel,
  resId: string,
  file: { fileName: string; contentType: string; content: Buffer },
): Promise<AttachmentDto> {
  const record = await assertRecordAccess(actor, resModel, resId, 'write');
  return storeAttachment({ resModel, resId: record.resId, ...file });
}

export async function getAttachmentAs(actor: Actor, id: string): Promise<AttachmentDto> {
  const { fileId: _fileId, ...attachment } = await getAttachment(id);
  await assertRecordAccess(actor, attachment.resModel, attachment.resId, 'read').catch(
    rethrowAsAttachment,
  );
  return attachment;
}

export async function openAttachmentStreamAs(
  actor: Actor,
  id: string,
): Promise<{ attachment: AttachmentDto; stream: Readable }> {
  await getAttachmentAs(actor, id);
  return openAttachmentStream(id);
}

export async function deleteAttachmentAs(actor: Actor, id: string): Promise<void> {
  const attachment = await getAttachmentAs(actor, id);
  await assertRecordAccess(actor, attachment.resModel, attachment.resId, 'write');
  await deleteAttachment(id);
}

/** A hidden record must not reveal that the attachment exists. */
function rethrowAsAttachment(error: unknown): never {
  if (error instanceof NotFoundError) throw new NotFoundError('Attachment');
  throw error;
}

/** Content types a browser may render from our origin; anything else is served as opaque bytes. */
const renderableContentTypes = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
]);

export function safeDownloadContentType(contentType: string): string {
  return renderableContentTypes.has(contentType) ? contentType : 'application/octet-stream';
}

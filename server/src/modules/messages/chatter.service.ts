import type {
  ListResponse,
  MessageDto,
  PaginationQuery,
  PostMessageBody,
  ResModel,
} from '@inbox-crm/shared/schemas';
import type { Actor } from '../../http/actor';
import { findPartnerByEmail } from '../partners/partner.service';
import { listMessages, postMessage, type PostedMessage } from './message.service';
import { assertRecordAccess } from './record-access';

/** The chatter of a record the caller may read, newest first. */
export async function listRecordMessages(
  actor: Actor,
  resModel: ResModel,
  resId: string,
  page: PaginationQuery,
): Promise<ListResponse<MessageDto>> {
  const record = await assertRecordAccess(actor, resModel, resId, 'read');
  return listMessages(resModel, record.resId, page);
}

/**
 * Logs a note by the caller, or pushes a mail the client parsed (idempotent per Message-ID).
 * Posting needs write access on the record, as in Odoo.
 */
export async function postRecordMessage(
  actor: Actor,
  resModel: ResModel,
  resId: string,
  body: PostMessageBody,
): Promise<PostedMessage> {
  const record = await assertRecordAccess(actor, resModel, resId, 'write');
  if (body.kind === 'note') {
    return postMessage({
      resModel,
      resId: record.resId,
      kind: 'note',
      subject: body.subject,
      bodyHtml: body.bodyHtml,
      attachmentIds: body.attachmentIds,
      authorUserId: actor.userId,
      authorPartnerId: actor.partnerId,
      authorName: actor.name,
    });
  }
  // The author of a mail is its sender: a known partner, else the raw From stays on the message.
  const sender = await findPartnerByEmail(body.emailFrom);
  return postMessage({
    resModel,
    resId: record.resId,
    kind: 'email',
    messageId: body.messageId,
    subject: body.subject,
    bodyHtml: body.bodyHtml,
    emailFrom: body.emailFrom,
    emailTo: body.emailTo,
    emailCc: body.emailCc,
    date: body.date,
    inReplyTo: body.inReplyTo,
    references: body.references,
    attachmentIds: body.attachmentIds,
    authorPartnerId: sender?._id,
    authorName: sender?.name,
  });
}

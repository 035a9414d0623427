import { pipeline } from 'node:stream/promises';
import {
  attachmentListResponseSchema,
  attachmentSchema,
  errorResponseSchema,
  idParamsSchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { chatterResources } from '../messages/record-resources';
import {
  deleteAttachmentAs,
  getAttachmentAs,
  listRecordAttachments,
  openAttachmentStreamAs,
  safeDownloadContentType,
  uploadRecordAttachment,
} from './attachment.service';
import { readSingleFileUpload } from './multipart-upload';

const tag = 'Attachments';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const attachmentsModule: AppModule = {
  name: 'attachments',
  registerRoutes(router, { config }) {
    for (const { resModel, path, label } of chatterResources) {
      router.add(
        {
          method: 'get',
          path: `${path}/:id/attachments`,
          summary: `Attachments of a ${label}`,
          tag,
          params: idParamsSchema,
          responses: {
            200: { description: 'Attachments, newest first', schema: attachmentListResponseSchema },
            404: error(`No such ${label}, or not visible to you`),
          },
        },
        async ({ actor, params }) => ({
          items: await listRecordAttachments(actor, resModel, params.id),
        }),
      );
      router.add(
        {
          method: 'post',
          path: `${path}/:id/attachments`,
          summary: `Attach a file to a ${label} (multipart/form-data, field "file")`,
          tag,
          params: idParamsSchema,
          bodyKind: 'multipart',
          responses: {
            201: {
              description: 'Stored (or the same file already on the record)',
              schema: attachmentSchema,
            },
            400: error('No file'),
            403: error('You may read but not change this record'),
            404: error(`No such ${label}, or not visible to you`),
            413: error('File too large'),
          },
        },
        async ({ actor, params, req }) => {
          const file = await readSingleFileUpload(req, config.MAIL_MAX_BYTES);
          return reply(201, await uploadRecordAttachment(actor, resModel, params.id, file));
        },
      );
    }
    router.add(
      {
        method: 'get',
        path: '/attachments/:id',
        summary: 'Attachment metadata',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'Metadata', schema: attachmentSchema },
          404: error('Unknown or not visible'),
        },
      },
      ({ actor, params }) => getAttachmentAs(actor, params.id),
    );
    router.add(
      {
        method: 'get',
        path: '/attachments/:id/content',
        summary: 'Download an attachment (streamed)',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The file content' },
          404: error('Unknown or not visible'),
        },
      },
      async ({ actor, params, res }) => {
        const { attachment, stream } = await openAttachmentStreamAs(actor, params.id);
        res.attachment(attachment.fileName);
        res.set({
          'Content-Type': safeDownloadContentType(attachment.contentType),
          'Content-Length': String(attachment.size),
          ETag: `"${attachment.checksum}"`,
          'Cache-Control': 'private, no-cache',
        });
        await pipeline(stream, res);
      },
    );
    router.add(
      {
        method: 'delete',
        path: '/attachments/:id',
        summary: 'Delete an attachment (needs write access on its record)',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Deleted' },
          403: error('You may read but not change the record'),
          404: error('Unknown or not visible'),
        },
      },
      async ({ actor, params }) => {
        await deleteAttachmentAs(actor, params.id);
      },
    );
  },
};

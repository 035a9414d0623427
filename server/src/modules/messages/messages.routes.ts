import {
  errorResponseSchema,
  idParamsSchema,
  listMessagesQuerySchema,
  messageListResponseSchema,
  messageSchema,
  postMessageBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { listRecordMessages, postRecordMessage } from './chatter.service';
import { chatterResources } from './record-resources';

const tag = 'Chatter';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const messagesModule: AppModule = {
  name: 'messages',
  registerRoutes(router) {
    for (const { resModel, path, label } of chatterResources) {
      router.add(
        {
          method: 'get',
          path: `${path}/:id/messages`,
          summary: `The chatter of a ${label}, newest first`,
          tag,
          params: idParamsSchema,
          query: listMessagesQuerySchema,
          responses: {
            200: { description: 'A page of messages', schema: messageListResponseSchema },
            404: error(`No such ${label}, or not visible to you`),
          },
        },
        ({ actor, params, query }) => listRecordMessages(actor, resModel, params.id, query),
      );
      router.add(
        {
          method: 'post',
          path: `${path}/:id/messages`,
          summary: `Log a note on a ${label}, or push a parsed mail (idempotent per Message-ID)`,
          description:
            'kind "note": an internal note by the caller. kind "email": a mail already parsed by the client; ' +
            'pushing the same Message-ID again answers the stored message with 200. The raw .eml upload is under /mail.',
          tag,
          params: idParamsSchema,
          body: postMessageBodySchema,
          responses: {
            201: { description: 'Posted', schema: messageSchema },
            200: { description: 'This mail was already on the record', schema: messageSchema },
            400: error('Invalid input'),
            403: error('You may read but not change this record'),
            404: error(`No such ${label}, or not visible to you`),
          },
        },
        async ({ actor, params, body }) => {
          const { created, ...message } = await postRecordMessage(actor, resModel, params.id, body);
          return reply(created ? 201 : 200, message);
        },
      );
    }
  },
};

import {
  createLostReasonBodySchema,
  idParamsSchema,
  listLostReasonsQuerySchema,
  lostReasonListResponseSchema,
  lostReasonSchema,
  updateLostReasonBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  createLostReason,
  deleteLostReason,
  getLostReason,
  listLostReasons,
  updateLostReason,
} from './lost-reason.service';

export const lostReasonsModule: AppModule = {
  name: 'lost-reasons',
  registerRoutes(router) {
    const tag = 'Lost reasons';
    router.add(
      {
        method: 'get',
        path: '/lost-reasons',
        summary: 'List lost reasons with their usage count',
        tag,
        query: listLostReasonsQuerySchema,
        responses: { 200: { description: 'Lost reasons', schema: lostReasonListResponseSchema } },
      },
      ({ actor, query }) => listLostReasons(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/lost-reasons/:id',
        summary: 'One lost reason',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The lost reason', schema: lostReasonSchema },
          404: { description: 'No such lost reason' },
        },
      },
      ({ actor, params }) => getLostReason(actor, params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/lost-reasons',
        summary: 'Create a lost reason (managers)',
        tag,
        body: createLostReasonBodySchema,
        responses: {
          201: { description: 'Created', schema: lostReasonSchema },
          403: { description: 'Not a manager' },
        },
      },
      async ({ actor, body }) => reply(201, await createLostReason(actor, body)),
    );
    router.add(
      {
        method: 'patch',
        path: '/lost-reasons/:id',
        summary: 'Rename or archive a lost reason (managers)',
        tag,
        params: idParamsSchema,
        body: updateLostReasonBodySchema,
        responses: {
          200: { description: 'Updated', schema: lostReasonSchema },
          403: { description: 'Not a manager' },
          404: { description: 'No such lost reason' },
        },
      },
      ({ actor, params, body }) => updateLostReason(actor, params.id, body),
    );
    router.add(
      {
        method: 'delete',
        path: '/lost-reasons/:id',
        summary: 'Delete an unused lost reason (managers; archive a used one instead)',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Deleted' },
          403: { description: 'Not a manager' },
          404: { description: 'No such lost reason' },
          409: { description: 'Still used by leads' },
        },
      },
      async ({ actor, params }) => {
        await deleteLostReason(actor, params.id);
      },
    );
  },
};

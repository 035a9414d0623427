import {
  activityTypeListResponseSchema,
  activityTypeSchema,
  createActivityTypeBodySchema,
  errorResponseSchema,
  idParamsSchema,
  listActivityTypesQuerySchema,
  updateActivityTypeBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  createActivityType,
  deleteActivityType,
  getActivityType,
  listActivityTypes,
  updateActivityType,
} from './activity-type.service';

const tag = 'Activity types';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const activityTypesModule: AppModule = {
  name: 'activity-types',
  registerRoutes(router) {
    router.add(
      {
        method: 'get',
        path: '/activity-types',
        summary: 'List activity types (active ones unless includeArchived)',
        tag,
        query: listActivityTypesQuerySchema,
        responses: {
          200: {
            description: 'Activity types by sequence',
            schema: activityTypeListResponseSchema,
          },
        },
      },
      async ({ query }) => ({ items: await listActivityTypes(query) }),
    );
    router.add(
      {
        method: 'get',
        path: '/activity-types/:id',
        summary: 'Get an activity type',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The activity type', schema: activityTypeSchema },
          404: error('Unknown'),
        },
      },
      ({ params }) => getActivityType(params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/activity-types',
        summary: 'Create an activity type (managers)',
        tag,
        body: createActivityTypeBodySchema,
        responses: {
          201: { description: 'Created', schema: activityTypeSchema },
          400: error('Invalid input'),
          403: error('Not a manager'),
        },
      },
      async ({ actor, body }) => reply(201, await createActivityType(actor, body)),
    );
    router.add(
      {
        method: 'patch',
        path: '/activity-types/:id',
        summary: 'Change or archive an activity type (managers)',
        tag,
        params: idParamsSchema,
        body: updateActivityTypeBodySchema,
        responses: {
          200: { description: 'Updated', schema: activityTypeSchema },
          400: error('Invalid input'),
          403: error('Not a manager'),
          404: error('Unknown'),
        },
      },
      ({ actor, params, body }) => updateActivityType(actor, params.id, body),
    );
    router.add(
      {
        method: 'delete',
        path: '/activity-types/:id',
        summary: 'Delete an unused activity type (managers); archive used ones',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Deleted' },
          403: error('Not a manager'),
          404: error('Unknown'),
          409: error('Still used by activities'),
        },
      },
      async ({ actor, params }) => {
        await deleteActivityType(actor, params.id);
      },
    );
  },
};

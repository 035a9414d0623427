import {
  activityCountsQuerySchema,
  activityCountsSchema,
  activityDoneResponseSchema,
  activityListResponseSchema,
  activitySchema,
  createActivityBodySchema,
  errorResponseSchema,
  idParamsSchema,
  listActivitiesQuerySchema,
  markActivityDoneBodySchema,
  updateActivityBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  countMyActivities,
  deleteActivity,
  getActivity,
  listActivities,
  markActivityDone,
  scheduleActivity,
  updateActivity,
} from './activity.service';

const tag = 'Activities';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const activitiesModule: AppModule = {
  name: 'activities',
  registerRoutes(router) {
    router.add(
      {
        method: 'get',
        path: '/activities',
        summary:
          'Open activities: of a record (resModel + resId), mine, by state (overdue / today / planned)',
        tag,
        query: listActivitiesQuerySchema,
        responses: {
          200: { description: 'By due date, oldest first', schema: activityListResponseSchema },
          400: error('Invalid filter'),
          404: error('Record not found or not visible'),
        },
      },
      ({ actor, query }) => listActivities(actor, query),
    );
    router.add(
      {
        method: 'post',
        path: '/activities',
        summary: 'Schedule an activity on a record (defaults from the activity type)',
        tag,
        body: createActivityBodySchema,
        responses: {
          201: { description: 'Scheduled', schema: activitySchema },
          400: error('Invalid input'),
          403: error('You may read but not change the record'),
          404: error('Record not found or not visible'),
        },
      },
      async ({ actor, body }) => reply(201, await scheduleActivity(actor, body)),
    );
    // Before `/activities/:id`, which would take "counts" for an id.
    router.add(
      {
        method: 'get',
        path: '/activities/counts',
        summary: 'How many open activities the caller has overdue, due today and planned',
        tag,
        query: activityCountsQuerySchema,
        responses: { 200: { description: 'Counts by state', schema: activityCountsSchema } },
      },
      ({ actor, query }) => countMyActivities(actor, query.today),
    );
    router.add(
      {
        method: 'get',
        path: '/activities/:id',
        summary: 'Get an activity (its assignee, or anyone who may read its record)',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The activity', schema: activitySchema },
          404: error('Unknown'),
        },
      },
      ({ actor, params }) => getActivity(actor, params.id),
    );
    router.add(
      {
        method: 'patch',
        path: '/activities/:id',
        summary: 'Reschedule, reassign or edit an open activity',
        tag,
        params: idParamsSchema,
        body: updateActivityBodySchema,
        responses: {
          200: { description: 'Updated', schema: activitySchema },
          400: error('Invalid input'),
          403: error('You may read but not change the record'),
          404: error('Unknown'),
        },
      },
      ({ actor, params, body }) => updateActivity(actor, params.id, body),
    );
    router.add(
      {
        method: 'post',
        path: '/activities/:id/done',
        summary:
          'Mark an activity done: logged in the chatter, next activity scheduled when chained',
        tag,
        params: idParamsSchema,
        body: markActivityDoneBodySchema,
        responses: {
          200: { description: 'Done', schema: activityDoneResponseSchema },
          400: error('Invalid input or already done'),
          403: error('Neither the assignee nor allowed to change the record'),
          404: error('Unknown'),
        },
      },
      ({ actor, params, body }) => markActivityDone(actor, params.id, body),
    );
    router.add(
      {
        method: 'delete',
        path: '/activities/:id',
        summary: 'Cancel an activity (not logged)',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Deleted' },
          403: error('You may read but not change the record'),
          404: error('Unknown'),
        },
      },
      async ({ actor, params }) => {
        await deleteActivity(actor, params.id);
      },
    );
  },
};

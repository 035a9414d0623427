import {
  createStageBodySchema,
  idParamsSchema,
  listStagesQuerySchema,
  stageListResponseSchema,
  stageSchema,
  updateStageBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  createStage,
  deleteStage,
  getStage,
  listStages,
  toStageDto,
  updateStage,
} from './stage.service';

export const stagesModule: AppModule = {
  name: 'stages',
  registerRoutes(router) {
    const tag = 'Stages';
    router.add(
      {
        method: 'get',
        path: '/stages',
        summary: "List pipeline stages in order (`teamId`: that team's own plus the shared ones)",
        tag,
        query: listStagesQuerySchema,
        responses: { 200: { description: 'Stages', schema: stageListResponseSchema } },
      },
      ({ actor, query }) => listStages(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/stages/:id',
        summary: 'One stage',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The stage', schema: stageSchema },
          404: { description: 'No such stage' },
        },
      },
      async ({ actor, params }) => toStageDto(await getStage(actor, params.id)),
    );
    router.add(
      {
        method: 'post',
        path: '/stages',
        summary: 'Create a stage (managers)',
        tag,
        body: createStageBodySchema,
        responses: {
          201: { description: 'Created', schema: stageSchema },
          403: { description: 'Not a manager' },
        },
      },
      async ({ actor, body }) => reply(201, toStageDto(await createStage(actor, body))),
    );
    router.add(
      {
        method: 'patch',
        path: '/stages/:id',
        summary: 'Change a stage (managers)',
        tag,
        params: idParamsSchema,
        body: updateStageBodySchema,
        responses: {
          200: { description: 'Updated', schema: stageSchema },
          403: { description: 'Not a manager' },
          404: { description: 'No such stage' },
        },
      },
      async ({ actor, params, body }) => toStageDto(await updateStage(actor, params.id, body)),
    );
    router.add(
      {
        method: 'delete',
        path: '/stages/:id',
        summary: 'Delete an empty stage (managers)',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Deleted' },
          403: { description: 'Not a manager' },
          404: { description: 'No such stage' },
          409: { description: 'Leads are still in it' },
        },
      },
      async ({ actor, params }) => {
        await deleteStage(actor, params.id);
      },
    );
  },
};

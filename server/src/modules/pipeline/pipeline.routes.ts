import {
  idParamsSchema,
  pipelineQuerySchema,
  pipelineSchema,
  pipelineSummaryQuerySchema,
  pipelineSummarySchema,
} from '@inbox-crm/shared/schemas';
import type { AppModule } from '../app-module';
import { getTeamPipeline, getTeamPipelineSummary } from './pipeline.service';

/** The kanban and the team dashboard numbers, both per team: `/teams/:id/pipeline[-summary]`. */
export const pipelineModule: AppModule = {
  name: 'pipeline',
  registerRoutes(router) {
    const tag = 'Pipeline';
    router.add(
      {
        method: 'get',
        path: '/teams/:id/pipeline',
        summary:
          "The team's kanban: stage columns with counts, revenue sums and cards (only what the caller may see)",
        tag,
        params: idParamsSchema,
        query: pipelineQuerySchema,
        responses: {
          200: { description: 'Columns and cards', schema: pipelineSchema },
          404: { description: 'No such team' },
        },
      },
      ({ actor, params, query }) => getTeamPipeline(actor, params.id, query),
    );
    router.add(
      {
        method: 'get',
        path: '/teams/:id/pipeline-summary',
        summary:
          'Count, expected and prorated revenue per stage, and the month won against the monthly target',
        tag,
        params: idParamsSchema,
        query: pipelineSummaryQuerySchema,
        responses: {
          200: { description: 'The summary', schema: pipelineSummarySchema },
          404: { description: 'No such team' },
        },
      },
      ({ actor, params, query }) => getTeamPipelineSummary(actor, params.id, query),
    );
  },
};

import {
  createTeamBodySchema,
  idParamsSchema,
  listTeamsQuerySchema,
  teamListResponseSchema,
  teamSchema,
  updateTeamBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  archiveTeam,
  createTeam,
  getTeam,
  listTeams,
  toTeamDtos,
  updateTeam,
} from './team.service';

export const teamsModule: AppModule = {
  name: 'teams',
  registerRoutes(router) {
    const tag = 'Teams';
    router.add(
      {
        method: 'get',
        path: '/teams',
        summary: 'List sales teams',
        tag,
        query: listTeamsQuerySchema,
        responses: { 200: { description: 'Teams', schema: teamListResponseSchema } },
      },
      ({ actor, query }) => listTeams(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/teams/:id',
        summary: 'One team with its members, alias and stages',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The team', schema: teamSchema },
          404: { description: 'No such team' },
        },
      },
      ({ actor, params }) => getTeam(actor, params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/teams',
        summary: 'Create a team (managers)',
        tag,
        body: createTeamBodySchema,
        responses: {
          201: { description: 'Created', schema: teamSchema },
          403: { description: 'Not a manager' },
          409: { description: 'Alias taken' },
        },
      },
      async ({ actor, body }) => {
        const [team] = await toTeamDtos([await createTeam(actor, body)]);
        return reply(201, team);
      },
    );
    router.add(
      {
        method: 'patch',
        path: '/teams/:id',
        summary:
          'Change a team: members, leader, alias, target… (its leader if a manager, or an admin)',
        tag,
        params: idParamsSchema,
        body: updateTeamBodySchema,
        responses: {
          200: { description: 'Updated', schema: teamSchema },
          403: { description: 'Not allowed to manage this team' },
          404: { description: 'No such team' },
          409: { description: 'Alias taken' },
        },
      },
      async ({ actor, params, body }) =>
        (await toTeamDtos([await updateTeam(actor, params.id, body)]))[0],
    );
    router.add(
      {
        method: 'delete',
        path: '/teams/:id',
        summary: 'Archive a team (its leader if a manager, or an admin)',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'Archived', schema: teamSchema },
          403: { description: 'Not allowed to manage this team' },
          404: { description: 'No such team' },
        },
      },
      async ({ actor, params }) => (await toTeamDtos([await archiveTeam(actor, params.id)]))[0],
    );
  },
};

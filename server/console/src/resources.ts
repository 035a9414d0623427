import { z } from 'zod';
import {
  listResponseSchema,
  stageListResponseSchema,
  teamListResponseSchema,
  userSchema,
  type Stage,
  type Team,
  type User,
} from '@inbox-crm/shared/schemas';
import type { ConsoleApi } from './console-api';

/** Reads several pages are built from. Every one goes through the shared client and its schemas. */
export async function loadTeams(api: ConsoleApi, includeArchived = false): Promise<Team[]> {
  const result = await api.client.request({
    method: 'GET',
    path: '/teams',
    query: { limit: 200, includeArchived: includeArchived ? '1' : undefined },
    response: teamListResponseSchema,
  });
  return result.items;
}

/** Users for pickers; managers may not list users, in which case pickers show ids only. */
export async function loadUsersIfAllowed(api: ConsoleApi): Promise<User[] | null> {
  try {
    const result = await api.client.request({
      method: 'GET',
      path: '/users',
      query: { limit: 200 },
      response: listResponseSchema(userSchema),
    });
    return result.items;
  } catch {
    return null;
  }
}

export async function loadStagesOfTeam(
  api: ConsoleApi,
  teamId: string | undefined,
): Promise<Stage[]> {
  const result = await api.client.request({
    method: 'GET',
    path: '/stages',
    query: { limit: 200, teamId },
    response: stageListResponseSchema,
  });
  return [...result.items].sort((left, right) => left.sequence - right.sequence);
}

export const emptyResponse = z.unknown();

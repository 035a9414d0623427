import { z } from 'zod';
import { ApiError } from '@inbox-crm/shared/api';
import {
  listResponseSchema,
  stageListResponseSchema,
  teamListResponseSchema,
  userDirectorySchema,
  userSchema,
  type Stage,
  type Team,
  type User,
  type UserDirectoryEntry,
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

/** Users with their logins, for admins; `null` for anyone else (403), who use the directory. */
export async function loadUsersIfAllowed(api: ConsoleApi): Promise<User[] | null> {
  try {
    const result = await api.client.request({
      method: 'GET',
      path: '/users',
      query: { limit: 200 },
      response: listResponseSchema(userSchema),
    });
    return result.items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    throw error;
  }
}

/** Every user's name (`GET /users/directory`, open to any signed-in user), former users included. */
export async function loadUserDirectory(api: ConsoleApi): Promise<UserDirectoryEntry[]> {
  const result = await api.client.request({
    method: 'GET',
    path: '/users/directory',
    response: userDirectorySchema,
  });
  return result.items;
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

import {
  apiTokenListSchema,
  createApiTokenBodySchema,
  createdApiTokenSchema,
  createUserBodySchema,
  listApiTokensQuerySchema,
  listResponseSchema,
  listUsersQuerySchema,
  updateUserBodySchema,
  userDirectoryQuerySchema,
  userDirectorySchema,
  userIdParamsSchema,
  userSchema,
  userTokenParamsSchema,
  userTokensParamsSchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/api-token.service';
import {
  createUserAsAdmin,
  getUser,
  listUserDirectory,
  listUsers,
  updateUserAsAdmin,
} from './user.service';

const tag = 'Users';

/** Admin: users, their access levels, and their API tokens; everyone: the users' names (directory). */
export const usersModule: AppModule = {
  name: 'users',
  registerRoutes(router) {
    router.add(
      {
        method: 'get',
        path: '/users',
        summary: 'List users (admins only)',
        tag,
        query: listUsersQuerySchema,
        responses: {
          200: { description: 'Users', schema: listResponseSchema(userSchema) },
          403: { description: 'Not an admin' },
        },
      },
      ({ actor, query }) => listUsers(actor, query),
    );
    // Before `/users/:id`, which would otherwise take "directory" for an id.
    router.add(
      {
        method: 'get',
        path: '/users/directory',
        summary: 'Names of all users, for any signed-in user (id, name, active)',
        tag,
        query: userDirectoryQuerySchema,
        responses: { 200: { description: 'Users by name', schema: userDirectorySchema } },
      },
      ({ query }) => listUserDirectory(query),
    );
    router.add(
      {
        method: 'post',
        path: '/users',
        summary: 'Add a user (admins only)',
        tag,
        body: createUserBodySchema,
        responses: {
          201: { description: 'The user', schema: userSchema },
          403: { description: 'Not an admin' },
          409: { description: 'Login taken' },
        },
      },
      async ({ actor, body }) => reply(201, await createUserAsAdmin(actor, body)),
    );
    router.add(
      {
        method: 'get',
        path: '/users/:id',
        summary: 'One user (admins only)',
        tag,
        params: userIdParamsSchema,
        responses: {
          200: { description: 'The user', schema: userSchema },
          404: { description: 'No such user' },
        },
      },
      ({ actor, params }) => getUser(actor, params.id),
    );
    router.add(
      {
        method: 'patch',
        path: '/users/:id',
        summary:
          'Change access level, admin flag, activity or profile (admins only; deactivated users keep their records)',
        tag,
        params: userIdParamsSchema,
        body: updateUserBodySchema,
        responses: {
          200: { description: 'The user', schema: userSchema },
          404: { description: 'No such user' },
        },
      },
      ({ actor, params, body }) => updateUserAsAdmin(actor, params.id, body),
    );
    router.add(
      {
        method: 'get',
        path: '/users/:userId/tokens',
        summary: "A user's API tokens (admins only)",
        tag,
        params: userTokensParamsSchema,
        query: listApiTokensQuerySchema,
        responses: { 200: { description: 'Tokens', schema: apiTokenListSchema } },
      },
      ({ actor, params, query }) =>
        listApiTokens(actor, params.userId, { includeRevoked: query.includeRevoked }),
    );
    router.add(
      {
        method: 'post',
        path: '/users/:userId/tokens',
        summary: 'Create an API token for a user (admins only; e.g. for a service account)',
        tag,
        params: userTokensParamsSchema,
        body: createApiTokenBodySchema,
        responses: {
          201: { description: 'The new token with its secret', schema: createdApiTokenSchema },
        },
      },
      async ({ actor, params, body }) =>
        reply(201, await createApiToken(actor, params.userId, body)),
    );
    router.add(
      {
        method: 'delete',
        path: '/users/:userId/tokens/:id',
        summary: "Revoke a user's API token (admins only)",
        tag,
        params: userTokenParamsSchema,
        responses: {
          204: { description: 'Revoked' },
          404: { description: 'No such active token' },
        },
      },
      async ({ actor, params }) => {
        await revokeApiToken(actor, params.userId, params.id);
        return undefined;
      },
    );
  },
};

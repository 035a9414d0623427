import {
  apiTokenListSchema,
  authMethodsSchema,
  createApiTokenBodySchema,
  createdApiTokenSchema,
  csrfTokenResponseSchema,
  listApiTokensQuerySchema,
  loginBodySchema,
  loginResponseSchema,
  meSchema,
  tokenIdParamsSchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { getMe } from '../users/user.service';
import { buildActor } from './actor-factory';
import { createApiToken, listApiTokens, revokeApiToken } from './api-token.service';
import { demoAccountsAllowed, installAuthentication } from './authentication';
import { sessionCookieName, sessionCookieOptions } from './console-session';
import { issueCsrfToken } from './csrf-protection';
import { entraSignInStartPath } from './entra-console-sign-in';
import { entraRealAuthority, entraSettingsFrom } from './entra-settings';
import { assertCsrfTokenValid } from './csrf-protection';
import { signInWithPassword } from './password-sign-in';
import { recordAuditEvent } from '../audit/audit.service';
import { AppError } from '../../errors/app-error';

const tag = 'Authentication';

/** Authentication (installed first) plus sign-in, sign-out, the caller's profile and own tokens. */
export const authModule: AppModule = {
  name: 'auth',
  install: installAuthentication,
  registerRoutes(router, dependencies) {
    const { config } = dependencies;
    const entra = entraSettingsFrom(config);

    router.add(
      {
        method: 'get',
        path: '/auth/methods',
        summary: 'Which sign-in methods the console offers',
        tag,
        auth: 'none',
        responses: { 200: { description: 'Sign-in methods', schema: authMethodsSchema } },
      },
      () => ({
        password: true,
        entra: {
          enabled: Boolean(entra?.clientSecret),
          startUrl: entra?.clientSecret ? entraSignInStartPath : undefined,
          // The add-ins sign in with the API's own app registration and ask for our one scope.
          publicClient: entra
            ? {
                clientId: entra.clientId,
                // MSAL.js in the browser talks to Entra itself and refuses http authorities: an
                // http ENTRA_AUTHORITY_URL (the local fake in tests) only redirects the server.
                authority: `${entra.authorityUrl.startsWith('https://') ? entra.authorityUrl : entraRealAuthority}/${entra.tenantId}`,
                scopes: [`${config.ENTRA_APP_ID_URI ?? `api://${entra.clientId}`}/access_as_user`],
              }
            : undefined,
        },
      }),
    );

    router.add(
      {
        method: 'get',
        path: '/auth/csrf',
        summary: 'A CSRF token for the console session (send it back as x-csrf-token)',
        tag,
        auth: 'none',
        responses: { 200: { description: 'The token', schema: csrfTokenResponseSchema } },
      },
      ({ req }) => ({ csrfToken: issueCsrfToken(req) }),
    );

    router.add(
      {
        method: 'post',
        path: '/auth/login',
        summary: 'Console sign-in with login and password (sets the session cookie)',
        description:
          'Needs the x-csrf-token header from GET /auth/csrf. Answers 401 for a wrong login or password and 429 after 5 failures for one login within 15 minutes.',
        tag,
        auth: 'none',
        body: loginBodySchema,
        responses: {
          200: { description: 'Signed in', schema: loginResponseSchema },
          401: { description: 'Wrong login or password' },
          403: { description: 'Missing CSRF token' },
          429: { description: 'Too many failed attempts' },
        },
      },
      async ({ body, req, res }) => {
        assertCsrfTokenValid(req);
        let user;
        try {
          user = await signInWithPassword(body.login, body.password, {
            demoAccountsAllowed: demoAccountsAllowed(dependencies),
            ip: req.ip,
          });
        } catch (error) {
          if (error instanceof AppError && error.code === 'rate_limited') {
            const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)
              ?.retryAfterSeconds;
            if (retryAfter) res.set('Retry-After', String(retryAfter));
          }
          throw error;
        }
        const actor = await buildActor(user, 'session');
        // passport 0.7's logIn regenerates the session: the pre-login cookie and CSRF token die here.
        await new Promise<void>((resolve, reject) =>
          req.logIn(actor, (error) => (error ? reject(error) : resolve())),
        );
        return { user: await getMe(actor), csrfToken: issueCsrfToken(req, true) };
      },
    );

    router.add(
      {
        method: 'post',
        path: '/auth/logout',
        summary: 'End the console session',
        tag,
        responses: {
          204: { description: 'Signed out (also for bearer callers, who have no session)' },
        },
      },
      async ({ req, res, actor }) => {
        if (actor.via !== 'session' || !req.session) return undefined;
        await new Promise<void>((resolve, reject) =>
          req.logOut((error) => (error ? reject(error) : resolve())),
        );
        await new Promise<void>((resolve, reject) =>
          req.session.destroy((error) => (error ? reject(error) : resolve())),
        );
        const { httpOnly, sameSite, path } = sessionCookieOptions(config);
        res.clearCookie(sessionCookieName(config), {
          httpOnly,
          sameSite,
          path,
          secure: config.NODE_ENV === 'production',
        });
        await recordAuditEvent(actor, {
          action: 'auth.sign-out',
          targetType: 'user',
          targetId: actor.userId,
          summary: 'Signed out',
          ip: req.ip,
        });
        return undefined;
      },
    );

    router.add(
      {
        method: 'get',
        path: '/me',
        summary: 'The signed-in user',
        tag,
        responses: { 200: { description: 'The caller', schema: meSchema } },
      },
      ({ actor }) => getMe(actor),
    );

    router.add(
      {
        method: 'get',
        path: '/me/tokens',
        summary: 'My personal API tokens (never the secrets)',
        tag,
        query: listApiTokensQuerySchema,
        responses: { 200: { description: 'Tokens, newest first', schema: apiTokenListSchema } },
      },
      ({ actor, query }) =>
        listApiTokens(actor, actor.userId, { includeRevoked: query.includeRevoked }),
    );

    router.add(
      {
        method: 'post',
        path: '/me/tokens',
        summary: 'Create a personal API token (the secret is shown only in this response)',
        tag,
        body: createApiTokenBodySchema,
        responses: {
          201: { description: 'The new token with its secret', schema: createdApiTokenSchema },
        },
      },
      async ({ actor, body }) => reply(201, await createApiToken(actor, actor.userId, body)),
    );

    router.add(
      {
        method: 'delete',
        path: '/me/tokens/:id',
        summary: 'Revoke one of my API tokens (refused from the next request on)',
        tag,
        params: tokenIdParamsSchema,
        responses: {
          204: { description: 'Revoked' },
          404: { description: 'No such active token of mine' },
        },
      },
      async ({ actor, params }) => {
        await revokeApiToken(actor, actor.userId, params.id);
        return undefined;
      },
    );
  },
};

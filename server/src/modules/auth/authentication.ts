import type { Express, RequestHandler } from 'express';
import { Passport } from 'passport';
import { AppError, UnauthenticatedError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import type { AppDependencies } from '../app-module';
import { findUserById } from '../users/user.service';
import { buildActor } from './actor-factory';
import { looksLikeApiToken } from './api-token-format';
import { ApiTokenStrategy } from './api-token.strategy';
import { bearerChallenge, readRequestCredentials } from './bearer-token';
import { createSessionMiddleware } from './console-session';
import { assertCsrfTokenValid } from './csrf-protection';
import { EntraBearerStrategy } from './entra-bearer.strategy';
import { installEntraConsoleSignIn } from './entra-console-sign-in';
import { entraSettingsFrom } from './entra-settings';
import { resolveEntraActor } from './entra-users';
import { createLoginRateLimiter } from './login-throttle';

type Authenticator = InstanceType<typeof Passport>;

/** Demo accounts (seeded, printed credentials) work only on the in-process demo database. */
export function demoAccountsAllowed(dependencies: AppDependencies): boolean {
  return dependencies.databaseKind === 'in-process';
}

/**
 * Sets `req.actor` for `/api` requests from, in this order: `Authorization: Bearer icrm_…`
 * (personal API token), `Authorization: Bearer <JWT>` (Entra ID access token), or the console
 * session cookie (then CSRF-checked). No credentials → `req.actor` stays unset and the ApiRouter
 * answers 401; bad credentials → 401 here. One passport instance per app, never the global one.
 */
export function installAuthentication(app: Express, dependencies: AppDependencies): void {
  const { config, logger } = dependencies;
  const passport: Authenticator = new Passport();
  const entra = entraSettingsFrom(config);
  const allowDemo = demoAccountsAllowed(dependencies);

  passport.use(new ApiTokenStrategy(allowDemo));
  if (entra) {
    passport.use(
      new EntraBearerStrategy(entra, (claims) =>
        resolveEntraActor(claims, { newUsers: entra.newUsers, via: 'entra' }),
      ),
    );
  }
  passport.serializeUser((user, done) => done(null, (user as Actor).userId));
  passport.deserializeUser((userId: string, done) => {
    loadSessionActor(userId, allowDemo).then((actor) => done(null, actor ?? false), done);
  });

  const sessionPaths = ['/api', '/auth'];
  app.use(sessionPaths, createSessionMiddleware(config, logger));
  app.use(sessionPaths, passport.initialize());
  app.use(sessionPaths, skipWhenBearer(passport.session()));
  app.use('/api', authenticateRequest(passport, entra !== undefined));
  app.post('/api/v1/auth/login', createLoginRateLimiter());
  installEntraConsoleSignIn(app, passport, entra, dependencies);
}

/** A session's user is re-read on every request: deactivation and level changes apply at once. */
async function loadSessionActor(userId: string, allowDemo: boolean): Promise<Actor | undefined> {
  const user = await findUserById(userId);
  if (!user || !user.active || (user.isDemo && !allowDemo)) return undefined;
  return buildActor(user, 'session');
}

function skipWhenBearer(middleware: RequestHandler): RequestHandler {
  return (req, res, next) =>
    req.headers.authorization === undefined ? middleware(req, res, next) : next();
}

function authenticateRequest(passport: Authenticator, entraConfigured: boolean): RequestHandler {
  return (req, res, next) => {
    const credentials = readRequestCredentials(req);
    if (credentials.kind === 'none') {
      if (req.user) {
        req.actor = req.user as Actor;
        try {
          assertCsrfTokenValid(req);
        } catch (error) {
          next(error);
          return;
        }
      }
      next();
      return;
    }
    if (credentials.kind === 'unsupported') {
      res.set('WWW-Authenticate', bearerChallenge);
      next(new UnauthenticatedError('Send credentials as "Authorization: Bearer <token>"'));
      return;
    }
    const strategy = looksLikeApiToken(credentials.token)
      ? 'api-token'
      : entraConfigured
        ? 'entra-bearer'
        : undefined;
    if (!strategy) {
      res.set('WWW-Authenticate', bearerChallenge);
      next(
        new UnauthenticatedError(
          'Microsoft Entra ID sign-in is not configured on this server; use a personal API token',
        ),
      );
      return;
    }
    const authenticate = passport.authenticate(
      strategy,
      { session: false },
      (error: unknown, user: Actor | false | undefined, challenge: unknown, status: unknown) => {
        if (error) {
          next(error);
          return;
        }
        if (!user) {
          if (typeof challenge === 'string') res.set('WWW-Authenticate', challenge);
          next(
            status === 403
              ? new AppError(
                  'forbidden',
                  'The access token lacks the access_as_user scope of this API',
                )
              : new UnauthenticatedError('The bearer token is invalid, expired or revoked'),
          );
          return;
        }
        req.actor = user;
        next();
      },
    ) as RequestHandler;
    authenticate(req, res, next);
  };
}

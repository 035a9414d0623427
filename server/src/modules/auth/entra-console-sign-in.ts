import type { Express, Request, RequestHandler } from 'express';
import type { Passport } from 'passport';
import { allowInsecureRequests, discovery } from 'openid-client';
import { Strategy as OidcStrategy, type AuthenticateOptions } from 'openid-client/passport';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { recordAuditEvent } from '../audit/audit.service';
import type { AppDependencies } from '../app-module';
import type { EntraSettings } from './entra-settings';
import { resolveEntraActor, type EntraIdentity } from './entra-users';

type Authenticator = InstanceType<typeof Passport>;

export const entraSignInStartPath = '/auth/entra/start';
export const entraSignInCallbackPath = '/auth/entra/callback';
/** The console is served at the site root (static-assets module). */
const consoleHome = '/';
const strategyName = 'entra-oidc';

/**
 * "Sign in with Microsoft" for the console: openid-client v6 and its passport strategy
 * (authorization code + PKCE + state, strict ID-token checks; identity.md §6), ending in the same
 * server-side session as a password sign-in. Only when Entra ID and a client secret are configured.
 */
export function installEntraConsoleSignIn(
  app: Express,
  passport: Authenticator,
  settings: EntraSettings | undefined,
  dependencies: AppDependencies,
): void {
  if (!settings?.clientSecret) {
    const notConfigured: RequestHandler = (_req, _res, next) =>
      next(new AppError('not_found', 'Sign in with Microsoft is not configured on this server'));
    app.get([entraSignInStartPath, entraSignInCallbackPath], notConfigured);
    return;
  }
  const clientSecret = settings.clientSecret;
  let ready: Promise<void> | undefined;
  const ensureStrategy = (): Promise<void> => {
    ready ??= registerStrategy(passport, settings, clientSecret).catch((error: unknown) => {
      ready = undefined; // try discovery again on the next sign-in
      throw error;
    });
    return ready;
  };
  const callbackOptions = (req: Request): AuthenticateOptions => ({
    callbackURL: `${dependencies.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}${entraSignInCallbackPath}`,
  });

  app.get(entraSignInStartPath, (req, res, next) => {
    ensureStrategy().then(
      () => {
        (passport.authenticate(strategyName, callbackOptions(req)) as RequestHandler)(
          req,
          res,
          next,
        );
      },
      (error: unknown) => {
        dependencies.logger.error({ err: error }, 'Microsoft Entra ID discovery failed');
        next(
          new AppError(
            'service_unavailable',
            'Microsoft Entra ID cannot be reached right now; try again shortly',
          ),
        );
      },
    );
  });

  app.get(entraSignInCallbackPath, (req, res, next) => {
    ensureStrategy().then(() => {
      const finish = (error: unknown, actor: Actor | false | undefined): void => {
        if (error || !actor) {
          const reason =
            error instanceof AppError && error.code === 'forbidden' ? 'not-allowed' : 'failed';
          if (error && !(error instanceof AppError))
            dependencies.logger.warn(
              { errCode: (error as { code?: unknown }).code },
              'Entra sign-in failed',
            );
          res.redirect(`${consoleHome}?signInError=${reason}`);
          return;
        }
        // passport 0.7 regenerates the session here (no fixation).
        req.logIn(actor, (loginError) => {
          if (loginError) {
            next(loginError);
            return;
          }
          recordAuditEvent(actor, {
            action: 'auth.sign-in',
            targetType: 'user',
            targetId: actor.userId,
            summary: 'Signed in with Microsoft Entra ID',
            ip: req.ip,
          }).then(() => res.redirect(consoleHome), next);
        });
      };
      (passport.authenticate(strategyName, callbackOptions(req), finish) as RequestHandler)(
        req,
        res,
        next,
      );
    }, next);
  });
}

async function registerStrategy(
  passport: Authenticator,
  settings: EntraSettings,
  clientSecret: string,
): Promise<void> {
  const loopbackHttp = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(settings.authorityUrl);
  // The full `.well-known` URL: tenant-specific metadata whose issuer pins ID tokens to that tenant.
  const configuration = await discovery(
    new URL(settings.metadataUrl),
    settings.clientId,
    clientSecret,
    undefined,
    // Plain http only for a local authority (the test fake); the real authority is https.
    loopbackHttp ? { execute: [allowInsecureRequests] } : undefined,
  );
  passport.use(
    strategyName,
    new OidcStrategy(
      { config: configuration, scope: 'openid profile email', sessionKey: 'entraSignIn' },
      (tokens, verified) => {
        const claims = tokens.claims() as (EntraIdentity & Record<string, unknown>) | undefined;
        const tenantId = typeof claims?.tid === 'string' ? claims.tid.toLowerCase() : '';
        if (
          !claims ||
          typeof claims.oid !== 'string' ||
          !settings.allowedTenantIds.includes(tenantId)
        ) {
          verified(
            new AppError('forbidden', 'This Microsoft account is not from an allowed tenant'),
          );
          return;
        }
        resolveEntraActor(
          { ...claims, tid: tenantId, oid: claims.oid.toLowerCase() },
          { newUsers: settings.newUsers, via: 'session' },
        ).then(
          (actor) => verified(null, actor),
          (error: unknown) => verified(error),
        );
      },
    ),
  );
}

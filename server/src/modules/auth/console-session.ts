import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import session from 'express-session';
import { MongoStore } from 'connect-mongo';
import mongoose from 'mongoose';
import type { AppConfig } from '../../config';
import type { Logger } from '../../logger';

const sessionLifetimeSeconds = 8 * 60 * 60;

/** Production: `__Host-` prefix (Secure, Path=/, no Domain); elsewhere plain http works. */
export function sessionCookieName(config: AppConfig): string {
  return config.NODE_ENV === 'production' ? '__Host-icrm.sid' : 'icrm.sid';
}

export function sessionCookieOptions(config: AppConfig): session.CookieOptions {
  return {
    httpOnly: true,
    secure: config.NODE_ENV === 'production',
    // Lax, not Strict: the Entra callback is a cross-site top-level GET that must carry the cookie.
    sameSite: 'lax',
    path: '/',
    maxAge: sessionLifetimeSeconds * 1000,
  };
}

function sessionSecrets(config: AppConfig, logger: Logger): string[] {
  if (config.SESSION_SECRET) return config.SESSION_SECRET.split(',').map((secret) => secret.trim());
  if (config.NODE_ENV === 'production') throw new Error('SESSION_SECRET is required in production');
  logger.warn(
    'SESSION_SECRET is not set: using a random one, console sessions end when the server restarts',
  );
  return [randomBytes(32).toString('base64url')];
}

/**
 * Console sessions: express-session with the store in MongoDB on mongoose's own client
 * (identity.md §7.1). The store is created on the first request, once the database is connected.
 * Requests carrying `Authorization` skip sessions entirely (the add-ins use bearer tokens).
 */
export function createSessionMiddleware(config: AppConfig, logger: Logger): RequestHandler {
  const secrets = sessionSecrets(config, logger);
  let middleware: RequestHandler | undefined;
  const build = (): RequestHandler => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('The database is not connected');
    const store = MongoStore.create({
      client: mongoose.connection.getClient(),
      dbName: db.databaseName,
      collectionName: 'sessions',
      ttl: sessionLifetimeSeconds,
      autoRemove: 'native',
      touchAfter: 300,
      stringify: false,
    });
    return session({
      name: sessionCookieName(config),
      secret: secrets,
      store,
      resave: false,
      saveUninitialized: false,
      unset: 'destroy',
      rolling: false,
      proxy: undefined,
      cookie: sessionCookieOptions(config),
    });
  };
  return (req, res, next) => {
    if (req.headers.authorization !== undefined) {
      next();
      return;
    }
    try {
      middleware ??= build();
    } catch (error) {
      next(error);
      return;
    }
    middleware(req, res, next);
  };
}

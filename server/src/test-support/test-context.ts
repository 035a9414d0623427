import type { Express } from 'express';
import supertest from 'supertest';
import type { AccessLevel } from '@inbox-crm/shared/schemas';
import { createApp } from '../app';
import { loadConfig, type AppConfig } from '../config';
import type { ApiRouter } from '../http/api-router';
import { createLogger, type Logger } from '../logger';
import type { AppDependencies, AppModule } from '../modules/app-module';
import { appModules } from '../modules/app-modules';
import { buildActor } from '../modules/auth/actor-factory';
import { createApiToken } from '../modules/auth/api-token.service';
import { createUser as createUserRecord } from '../modules/users/user.service';

export interface TestUserOptions {
  accessLevel?: AccessLevel;
  isAdmin?: boolean;
  name?: string;
  login?: string;
  /** Also give the user a password (for console-session tests). */
  password?: string;
  email?: string;
}

export interface TestUser {
  userId: string;
  partnerId?: string;
  login: string;
  /** A personal API token of the user: requests with it take the real authentication path. */
  token: string;
  auth: { Authorization: string };
}

export interface TestContext {
  app: Express;
  apiRouter: ApiRouter;
  config: AppConfig;
  /** supertest on the app (no cookie jar: use `supertest.agent(context.app)` for sessions). */
  request: ReturnType<typeof supertest>;
  createUser(options?: TestUserOptions): Promise<TestUser>;
}

export interface TestContextOptions {
  /** Extra environment variables (e.g. ENTRA_* pointing at the fake). */
  env?: Record<string, string>;
  modules?: AppModule[];
  databaseKind?: AppDependencies['databaseKind'];
  /** Default: silent. Tests of logging hygiene pass a logger that captures lines. */
  logger?: Logger;
}

let userCounter = 0;

/**
 * The whole app (every module in `app-modules.ts`) with a silent logger and test configuration.
 * Call inside a test file that called `useTestDatabase()`; `createUser` needs the database.
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-session-secret-not-for-production',
    SEED_DEMO: 'never',
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const { app, apiRouter } = createApp(
    { config, logger, databaseKind: options.databaseKind },
    options.modules ?? appModules,
  );
  const request = supertest(app);

  const createUser = async (userOptions: TestUserOptions = {}): Promise<TestUser> => {
    userCounter += 1;
    const accessLevel = userOptions.accessLevel ?? 'own';
    const login =
      userOptions.login ??
      `${userOptions.isAdmin ? 'admin' : accessLevel}-user-${userCounter}-${process.pid}`;
    const record = await createUserRecord({
      login,
      name: userOptions.name ?? `Test ${login}`,
      email: userOptions.email ?? `${login}@example.test`,
      accessLevel,
      isAdmin: userOptions.isAdmin ?? false,
      password: userOptions.password,
    });
    const actor = await buildActor(record, 'api-token');
    const created = await createApiToken(actor, actor.userId, { name: 'test' });
    return {
      userId: actor.userId,
      partnerId: actor.partnerId,
      login: record.login,
      token: created.token,
      auth: { Authorization: `Bearer ${created.token}` },
    };
  };

  return { app, apiRouter, config, request, createUser };
}

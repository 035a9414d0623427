import type { Express } from 'express';
import type { AppConfig } from '../config';
import type { ApiRouter } from '../http/api-router';
import type { Logger } from '../logger';

export interface AppDependencies {
  config: AppConfig;
  logger: Logger;
  /** Which database the server runs on; demo-only behaviour (demo sign-in) needs `in-process`. */
  databaseKind?: 'external' | 'memory-server' | 'in-process';
}

/**
 * A feature folder plugs into the app through one of these: `install` adds middleware before the
 * API (authentication), `registerRoutes` declares its `/api/v1` routes, `mount` serves other paths.
 */
export interface AppModule {
  name: string;
  install?(app: Express, dependencies: AppDependencies): void;
  registerRoutes?(router: ApiRouter, dependencies: AppDependencies): void;
  mount?(app: Express, dependencies: AppDependencies): void;
}

import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { isDatabaseReady } from './db/connect-database';
import { ApiRouter } from './http/api-router';
import { errorMiddleware, notFoundMiddleware } from './http/error-middleware';
import { buildOpenApiDocument } from './http/openapi';
import type { AppDependencies, AppModule } from './modules/app-module';
import { appModules } from './modules/app-modules';

export interface CreatedApp {
  app: Express;
  /** Every declared `/api/v1` route (the OpenAPI document and the guard test walk it). */
  apiRouter: ApiRouter;
}

/**
 * The express app, without listening and without globals beyond mongoose's default connection:
 * tests build as many as they like.
 */
export function createApp(
  dependencies: AppDependencies,
  modules: AppModule[] = appModules,
): CreatedApp {
  const { logger } = dependencies;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
        },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger,
      // Request logs carry method, path, status and timing: never bodies, never query strings
      // (they may hold search terms from mails), never credentials.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await isDatabaseReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unreachable' });
  });

  app.use('/api', express.json({ limit: '1mb' }));
  for (const module of modules) module.install?.(app, dependencies);

  const apiRouter = new ApiRouter();
  for (const module of modules) module.registerRoutes?.(apiRouter, dependencies);
  const openApiDocument = buildOpenApiDocument(apiRouter.routes, {
    version: '1',
    serverUrl: dependencies.config.PUBLIC_URL ?? '',
  });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  mountApiDocs(app);
  app.use('/api/v1', apiRouter.express);
  app.use('/api', notFoundMiddleware);

  for (const module of modules) module.mount?.(app, dependencies);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return { app, apiRouter };
}

/** Human-readable docs: Swagger UI's static files plus our initializer (no inline script: CSP). */
function mountApiDocs(app: Express): void {
  const swaggerUiDirectory = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>inbox-crm API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`);
  });
  app.get('/api/docs/init.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(
        "window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui' });\n",
      );
  });
  app.use('/api/docs/assets', express.static(swaggerUiDirectory, { index: false }));
}

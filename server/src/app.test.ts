import request from 'supertest';
import { z } from 'zod';
import { createApp } from './app';
import { loadConfig } from './config';
import { AppError, NotFoundError } from './errors/app-error';
import { reply } from './http/api-router';
import { createLogger } from './logger';
import type { AppModule } from './modules/app-module';

const pingBodySchema = z.object({
  email: z.email(),
  count: z.number().int().min(1),
});

// A module declared exactly as features declare theirs, to pin the skeleton's behaviour.
const probeModule: AppModule = {
  name: 'probe',
  install(app) {
    app.use('/api/v1/probe', (req, _res, next) => {
      if (req.get('x-probe-user')) {
        req.actor = {
          userId: 'u1',
          login: 'probe',
          name: 'Probe',
          accessLevel: 'own',
          isAdmin: false,
          teamIds: [],
          via: 'api-token',
        };
      }
      next();
    });
  },
  registerRoutes(router) {
    router.add(
      {
        method: 'post',
        path: '/probe/:id',
        summary: 'Probe',
        tag: 'probe',
        params: z.object({ id: z.string().regex(/^\d+$/, 'must be digits') }),
        body: pingBodySchema,
        responses: { 201: { description: 'Created', schema: pingBodySchema } },
      },
      ({ body }) => reply(201, body),
    );
    router.add(
      {
        method: 'get',
        path: '/probe/failures/:kind',
        summary: 'Fails on purpose',
        tag: 'probe',
        params: z.object({ kind: z.enum(['missing', 'internal', 'typed']) }),
        responses: { 200: { description: 'Never' } },
      },
      ({ params }) => {
        if (params.kind === 'missing') throw new NotFoundError('Lead');
        if (params.kind === 'typed') throw new AppError('rate_limited', 'Slow down');
        throw new Error('database password is hunter2');
      },
    );
  },
};

function buildApp() {
  const config = loadConfig({ NODE_ENV: 'test' });
  return createApp({ config, logger: createLogger({ level: 'silent' }) }, [probeModule]).app;
}

describe('createApp', () => {
  const app = buildApp();

  it('answers 401 with the error shape when a route is called without credentials', async () => {
    const response = await request(app).post('/api/v1/probe/1').send({ email: 'a@b.co', count: 1 });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthenticated');
  });

  it('names every invalid field in a 400 and runs no handler', async () => {
    const response = await request(app)
      .post('/api/v1/probe/x1')
      .set('x-probe-user', '1')
      .send({ email: 'not-an-email', count: 0 });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields.sort()).toEqual(['body.count', 'body.email', 'params.id']);
  });

  it('reports malformed JSON as a 400 on the body', async () => {
    const response = await request(app)
      .post('/api/v1/probe/1')
      .set('x-probe-user', '1')
      .set('content-type', 'application/json')
      .send('{"email": ');
    expect(response.status).toBe(400);
    expect(response.body.error.details.issues).toEqual([
      { field: 'body', message: 'is not valid JSON' },
    ]);
  });

  it('returns the handler result with its status', async () => {
    const response = await request(app)
      .post('/api/v1/probe/7')
      .set('x-probe-user', '1')
      .send({ email: 'ana@example.com', count: 2 });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ email: 'ana@example.com', count: 2 });
  });

  it('maps typed errors to their status and hides unexpected ones without a stack', async () => {
    const missing = await request(app)
      .get('/api/v1/probe/failures/missing')
      .set('x-probe-user', '1');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: 'Lead not found' } });

    const typed = await request(app).get('/api/v1/probe/failures/typed').set('x-probe-user', '1');
    expect(typed.status).toBe(429);

    const internal = await request(app)
      .get('/api/v1/probe/failures/internal')
      .set('x-probe-user', '1');
    expect(internal.status).toBe(500);
    expect(JSON.stringify(internal.body)).not.toContain('hunter2');
    expect(JSON.stringify(internal.body)).not.toContain('at ');
  });

  it('answers unknown API paths with the JSON 404 shape', async () => {
    const response = await request(app).get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('serves an OpenAPI 3.1 document generated from the route declarations', async () => {
    const response = await request(app).get('/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const operation = response.body.paths['/probe/{id}'].post;
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    const bodySchema = operation.requestBody.content['application/json'].schema;
    expect(bodySchema.required.sort()).toEqual(['count', 'email']);
    expect(Object.keys(operation.responses).sort()).toEqual(['201', '400', '401']);
  });

  it('serves human-readable API docs without inline scripts', async () => {
    const page = await request(app).get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/api/docs/init.js');
    expect(page.text).not.toMatch(/<script>[^<]/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    const bundle = await request(app).get('/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('reports liveness always and readiness only with a database', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
  });
});

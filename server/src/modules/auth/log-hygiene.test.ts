import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import supertest from 'supertest';
import { useTestDatabase } from '../../db/test-database';
import { FakeEntra, fakeEntraUser } from '../../test-support/fake-entra/fake-entra';
import { createTestContext } from '../../test-support/test-context';

useTestDatabase();

/**
 * Secrets never reach the logger — checked with a logger that has NO redaction at all and logs
 * everything (trace), so the test proves what our code passes to it, not what redaction hides.
 */
describe('log hygiene: no tokens, passwords or cookies in logs', () => {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  let fake: FakeEntra;

  beforeAll(async () => {
    fake = await FakeEntra.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('keeps every credential out of request, error and sign-in logs', async () => {
    const tenant = randomUUID();
    const apiId = randomUUID();
    const context = createTestContext({
      logger: pino({ level: 'trace' }, capture),
      env: { ENTRA_TENANT_ID: tenant, ENTRA_CLIENT_ID: apiId, ENTRA_AUTHORITY_URL: fake.url },
    });
    const password = 'log-hygiene password 123';
    const user = await context.createUser({ login: 'hygiene', password });
    const entraToken = await fake.issueAccessToken(fakeEntraUser(tenant), apiId);
    const wrongPassword = 'wrong-password-should-not-appear';

    await context.request.get('/api/v1/me').set(user.auth).expect(200);
    await context.request
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${entraToken}`)
      .expect(200);
    await context.request
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${entraToken}x`)
      .expect(401);
    await context.request.get(`/api/v1/me?access_token=${user.token}`).expect(401);
    const agent = supertest.agent(context.app);
    const csrf = (await agent.get('/api/v1/auth/csrf').expect(200)).body.csrfToken as string;
    await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'hygiene', password: wrongPassword })
      .expect(401);
    const login = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'hygiene', password })
      .expect(200);
    const sessionCookie =
      String(login.headers['set-cookie']).split(';')[0]?.split('=')[1] ?? 'missing';
    // A 503 path (JWKS down) logs an error: it must not carry the token either.
    fake.jwksMode = 'error-500';
    try {
      const fresh = createTestContext({
        logger: pino({ level: 'trace' }, capture),
        env: { ENTRA_TENANT_ID: tenant, ENTRA_CLIENT_ID: apiId, ENTRA_AUTHORITY_URL: fake.url },
      });
      await fresh.request
        .get('/api/v1/me')
        .set('Authorization', `Bearer ${entraToken}`)
        .expect(503);
    } finally {
      fake.jwksMode = 'ok';
    }

    const logged = lines.join('');
    expect(lines.length).toBeGreaterThan(5); // the requests were logged at all
    for (const secret of [
      user.token,
      entraToken,
      entraToken.split('.')[2] ?? entraToken,
      password,
      wrongPassword,
      csrf,
      sessionCookie,
    ]) {
      expect(logged).not.toContain(secret);
    }
  }, 30_000);
});

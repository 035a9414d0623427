import supertest from 'supertest';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext } from '../../test-support/test-context';
import { AuditEventModel } from '../audit/audit-event.model';
import { createUser } from '../users/user.service';
import { UserModel } from '../users/user.model';
import { maxFailuresPerLogin } from './login-throttle';

useTestDatabase();

const password = 'correct horse battery staple';

async function csrfFor(agent: ReturnType<typeof supertest.agent>): Promise<string> {
  const response = await agent.get('/api/v1/auth/csrf').expect(200);
  return response.body.csrfToken as string;
}

describe('console sessions', () => {
  const context = createTestContext();

  it('signs in with login + password: session cookie, regenerated session id, CSRF on writes, logout', async () => {
    const user = await context.createUser({ login: 'maria', password, accessLevel: 'manager' });
    const agent = supertest.agent(context.app);
    const csrfResponse = await agent.get('/api/v1/auth/csrf').expect(200);
    const preLoginCsrf = csrfResponse.body.csrfToken as string;
    const preLoginCookie = String(csrfResponse.headers['set-cookie']).split(';')[0] ?? '';

    const login = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', preLoginCsrf)
      .send({ login: 'Maria', password })
      .expect(200);
    expect(login.body.user).toMatchObject({
      id: user.userId,
      login: 'maria',
      via: 'session',
      accessLevel: 'manager',
    });
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/icrm\.sid=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(login.body.csrfToken).not.toBe(preLoginCsrf);

    await agent.get('/api/v1/me').expect(200);
    // Fixation: the session id changed at sign-in; the pre-login cookie is not signed in.
    expect(setCookie.split(';')[0]).not.toBe(preLoginCookie);
    await context.request.get('/api/v1/me').set('Cookie', preLoginCookie).expect(401);
    // Writes from a session need the CSRF token; the pre-login one died with the old session.
    const noToken = await agent.post('/api/v1/me/tokens').send({ name: 'x' }).expect(403);
    expect(noToken.body.error.details).toEqual({ reason: 'csrf' });
    await agent
      .post('/api/v1/me/tokens')
      .set('x-csrf-token', preLoginCsrf)
      .send({ name: 'x' })
      .expect(403);
    await agent
      .post('/api/v1/me/tokens')
      .set('x-csrf-token', login.body.csrfToken)
      .send({ name: 'x' })
      .expect(201);

    await agent.post('/api/v1/auth/logout').set('x-csrf-token', login.body.csrfToken).expect(204);
    await agent.get('/api/v1/me').expect(401);

    const audit = await AuditEventModel.find({ actorUserId: user.userId }).lean();
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(['auth.sign-in', 'token.create', 'auth.sign-out']),
    );
  });

  it('refuses the login POST without a CSRF token (login CSRF)', async () => {
    await context.createUser({ login: 'ion', password });
    const response = await context.request
      .post('/api/v1/auth/login')
      .send({ login: 'ion', password })
      .expect(403);
    expect(response.body.error.details).toEqual({ reason: 'csrf' });
  });

  it('answers the same 401 for an unknown login and a wrong password, and audits both', async () => {
    await context.createUser({ login: 'elena', password });
    const agent = supertest.agent(context.app);
    const csrf = await csrfFor(agent);
    const wrongPassword = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'elena', password: 'nope-nope-nope' })
      .expect(401);
    const unknown = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'nobody', password })
      .expect(401);
    expect(wrongPassword.body.error.message).toBe(unknown.body.error.message);
    const failures = await AuditEventModel.find({
      action: 'auth.sign-in',
      outcome: 'failure',
    }).lean();
    expect(failures.map((event) => event.actorLogin)).toEqual(
      expect.arrayContaining(['elena', 'nobody']),
    );
    expect(JSON.stringify(failures)).not.toContain('nope-nope-nope');
  });

  it('locks a login with a clear 429 after repeated failures, even for the right password', async () => {
    await context.createUser({ login: 'radu', password });
    const agent = supertest.agent(context.app);
    const csrf = await csrfFor(agent);
    for (let attempt = 0; attempt < maxFailuresPerLogin; attempt += 1) {
      await agent
        .post('/api/v1/auth/login')
        .set('x-csrf-token', csrf)
        .send({ login: 'radu', password: `wrong-${attempt}-password` })
        .expect(401);
    }
    const locked = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'radu', password })
      .expect(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(locked.body.error.message).toMatch(/try again in \d+ minutes/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits failed attempts per client address across logins (password spraying) with a 429', async () => {
    const fresh = createTestContext(); // its own in-memory per-address limiter
    const agent = supertest.agent(fresh.app);
    const csrf = await csrfFor(agent);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt += 1) {
      const response = await agent
        .post('/api/v1/auth/login')
        .set('x-csrf-token', csrf)
        .send({ login: `spray-${attempt}`, password: 'Winter2026!' });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  }, 60_000);

  it('keeps deactivated users out and stores argon2id hashes', async () => {
    const user = await context.createUser({ login: 'sorin', password });
    const stored = await UserModel.findById(user.userId).lean();
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await UserModel.updateOne({ _id: user.userId }, { $set: { active: false } });
    const agent = supertest.agent(context.app);
    const csrf = await csrfFor(agent);
    const response = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'sorin', password })
      .expect(401);
    expect(response.body.error.message).toMatch(/deactivated/);
  });

  it('ends an existing session as soon as the user is deactivated', async () => {
    const admin = await context.createUser({ isAdmin: true });
    const user = await context.createUser({ login: 'vlad', password });
    const agent = supertest.agent(context.app);
    const csrf = await csrfFor(agent);
    await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', csrf)
      .send({ login: 'vlad', password })
      .expect(200);
    await agent.get('/api/v1/me').expect(200);
    await context.request
      .patch(`/api/v1/users/${user.userId}`)
      .set(admin.auth)
      .send({ active: false })
      .expect(200);
    await agent.get('/api/v1/me').expect(401);
  });

  it('lets demo accounts sign in only on the demo (in-process) database', async () => {
    await createUser({ login: 'demo-sales', name: 'Demo', password, isDemo: true });
    const production = supertest.agent(context.app);
    const productionCsrf = await csrfFor(production);
    const refused = await production
      .post('/api/v1/auth/login')
      .set('x-csrf-token', productionCsrf)
      .send({ login: 'demo-sales', password })
      .expect(401);
    expect(refused.body.error.message).toMatch(/demo database/);

    const demo = createTestContext({ databaseKind: 'in-process' });
    const agent = supertest.agent(demo.app);
    const demoCsrf = await csrfFor(agent);
    await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', demoCsrf)
      .send({ login: 'demo-sales', password })
      .expect(200);
    await agent.get('/api/v1/me').expect(200);
  });

  it('uses a __Host- secure cookie in production', async () => {
    await context.createUser({ login: 'prod-user', password });
    const production = createTestContext({ env: { NODE_ENV: 'production' } });
    // In production the cookie is Secure; behind our loopback "proxy" the request counts as https.
    const agent = supertest.agent(production.app);
    const csrfResponse = await agent
      .get('/api/v1/auth/csrf')
      .set('X-Forwarded-Proto', 'https')
      .expect(200);
    const cookie = String(csrfResponse.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-icrm\.sid=/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});

import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { useTestDatabase } from '../../db/test-database';
import { FakeEntra, fakeEntraUser } from '../../test-support/fake-entra/fake-entra';
import { createTestContext, type TestContext } from '../../test-support/test-context';
import { AuditEventModel } from '../audit/audit-event.model';

useTestDatabase();

const tenant = randomUUID();
const clientId = randomUUID();
const clientSecret = 'fake-client-secret';
const publicUrl = 'http://crm.test';

describe('console "Sign in with Microsoft" (openid-client against the local Entra fake)', () => {
  let fake: FakeEntra;
  let context: TestContext;

  beforeAll(async () => {
    fake = await FakeEntra.start();
    fake.clients.set(clientId, clientSecret);
    context = createTestContext({
      env: {
        ENTRA_TENANT_ID: tenant,
        ENTRA_CLIENT_ID: clientId,
        ENTRA_CLIENT_SECRET: clientSecret,
        ENTRA_AUTHORITY_URL: fake.url,
        PUBLIC_URL: publicUrl,
      },
    });
  });
  afterAll(async () => {
    await fake.stop();
  });

  /** Browser steps: start → Entra authorize → back to our callback with code and state. */
  async function signIn(
    agent: ReturnType<typeof supertest.agent>,
    tamper?: (callback: URL) => void,
  ) {
    const start = await agent.get('/auth/entra/start').expect(302);
    const authorizeUrl = new URL(start.headers.location as string);
    expect(authorizeUrl.origin).toBe(fake.url);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('state')).toBeTruthy();
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${publicUrl}/auth/entra/callback`);
    const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.headers.get('location') ?? '');
    tamper?.(callback);
    return agent.get(`${callback.pathname}${callback.search}`);
  }

  it('signs a new user in: session, user created at the lowest level, audited', async () => {
    const person = fakeEntraUser(tenant, 'Ioana Marin');
    fake.nextUser = person;
    const agent = supertest.agent(context.app);
    const callback = await signIn(agent);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/');
    const me = await agent.get('/api/v1/me').expect(200);
    expect(me.body).toMatchObject({ name: 'Ioana Marin', via: 'session', accessLevel: 'own' });
    expect(
      await AuditEventModel.countDocuments({ action: 'auth.sign-in', actorUserId: me.body.id }),
    ).toBe(1);
    expect(fake.hits.get('token')).toBeGreaterThanOrEqual(1);
  });

  it("tells the Outlook add-in's MSAL which app, authority and scope to use", async () => {
    const methods = await context.request.get('/api/v1/auth/methods').expect(200);
    expect(methods.body.entra).toMatchObject({
      enabled: true,
      publicClient: {
        clientId: clientId.toLowerCase(),
        // The fake is on http: browsers are sent to Entra's https authority (tests route it).
        authority: `https://login.microsoftonline.com/${tenant.toLowerCase()}`,
        scopes: [`api://${clientId.toLowerCase()}/access_as_user`],
      },
    });
  });

  it('refuses a forged state', async () => {
    fake.nextUser = fakeEntraUser(tenant, 'Mallory');
    const agent = supertest.agent(context.app);
    const callback = await signIn(agent, (url) => url.searchParams.set('state', 'forged'));
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toMatch(/signInError=/);
    await agent.get('/api/v1/me').expect(401);
  });

  it('refuses a callback without the session that started the sign-in', async () => {
    fake.nextUser = fakeEntraUser(tenant, 'Oscar');
    const starter = supertest.agent(context.app);
    const start = await starter.get('/auth/entra/start').expect(302);
    const authorize = await fetch(new URL(start.headers.location as string), {
      redirect: 'manual',
    });
    const callback = new URL(authorize.headers.get('location') ?? '');
    const stranger = supertest.agent(context.app);
    const response = await stranger.get(`${callback.pathname}${callback.search}`);
    expect(response.headers.location).toMatch(/signInError=/);
    await stranger.get('/api/v1/me').expect(401);
  });

  it('is reported as not configured without a client secret', async () => {
    const plain = createTestContext();
    await plain.request.get('/auth/entra/start').expect(404);
    const methods = await plain.request.get('/api/v1/auth/methods').expect(200);
    expect(methods.body.entra.enabled).toBe(false);
    expect(methods.body.entra.publicClient).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '../../db/test-database';
import {
  FakeEntra,
  fakeEntraUser,
  type FakeEntraUser,
} from '../../test-support/fake-entra/fake-entra';
import { createTestContext, type TestContext } from '../../test-support/test-context';
import { UserModel } from '../users/user.model';

useTestDatabase();

const tenantA = randomUUID();
const tenantB = randomUUID();
const tenantC = randomUUID();
const apiId = randomUUID();

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('Entra ID bearer tokens (jose strategy against the local fake)', () => {
  let fake: FakeEntra;
  let context: TestContext;
  let user: FakeEntraUser;

  const entraEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    ENTRA_TENANT_ID: tenantA,
    ENTRA_CLIENT_ID: apiId,
    ENTRA_APP_ID_URI: `api://${apiId}`,
    ENTRA_AUTHORITY_URL: fake.url,
    ENTRA_ALLOWED_TENANTS: `${tenantA},${tenantB}`,
    ...extra,
  });
  const me = (token: string) =>
    context.request.get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    fake = await FakeEntra.start();
    context = createTestContext({ env: entraEnv() });
    user = fakeEntraUser(tenantA);
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('accepts a valid v2 token and creates the unknown user at the lowest level', async () => {
    const response = await me(await fake.issueAccessToken(user, apiId)).expect(200);
    expect(response.body).toMatchObject({
      accessLevel: 'own',
      isAdmin: false,
      via: 'entra',
      name: user.name,
    });
    const stored = await UserModel.findOne({ entraObjectId: user.oid }).lean();
    expect(stored).toMatchObject({
      entraTenantId: tenantA,
      login: user.preferredUsername,
      accessLevel: 'own',
    });

    // The second request maps to the same user.
    const again = await me(await fake.issueAccessToken(user, apiId)).expect(200);
    expect(again.body.id).toBe(response.body.id);
    expect(await UserModel.countDocuments({ entraObjectId: user.oid })).toBe(1);
  });

  it('accepts the app ID URI as audience and a user of another allowed tenant', async () => {
    await me(await fake.issueAccessToken(user, `api://${apiId}`)).expect(200);
    await me(await fake.issueAccessToken(fakeEntraUser(tenantB, 'Bo Chen'), apiId)).expect(200);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const rejections: Array<[string, () => Promise<string>]> = [
    [
      'a tampered payload (old signature)',
      async () => {
        const [header, , signature] = (await fake.issueAccessToken(user, apiId)).split('.');
        const forged = base64url({
          aud: apiId,
          iss: fake.issuerFor(tenantA),
          tid: tenantA,
          oid: randomUUID(),
          scp: 'access_as_user',
          iat: now(),
          nbf: now(),
          exp: now() + 3600,
        });
        return `${header}.${forged}.${signature}`;
      },
    ],
    [
      'flipped signature bytes',
      async () => {
        const token = await fake.issueAccessToken(user, apiId);
        const last = token.at(-2) === 'A' ? 'B' : 'A';
        return `${token.slice(0, -2)}${last}${token.at(-1)}`;
      },
    ],
    [
      'an expired token (400 s ago)',
      () =>
        fake.issueAccessToken(user, apiId, {
          claims: { exp: now() - 400, iat: now() - 4000, nbf: now() - 4000 },
        }),
    ],
    [
      'a token expired 120 s ago (beyond the 60 s tolerance)',
      () => fake.issueAccessToken(user, apiId, { claims: { exp: now() - 120 } }),
    ],
    [
      'a not-yet-valid token (nbf 400 s ahead)',
      () => fake.issueAccessToken(user, apiId, { claims: { nbf: now() + 400 } }),
    ],
    [
      'a token without exp',
      () => fake.issueAccessToken(user, apiId, { claims: { exp: undefined } }),
    ],
    [
      'the wrong audience (Graph)',
      () => fake.issueAccessToken(user, '00000003-0000-0000-c000-000000000000'),
    ],
    [
      'an issuer on a foreign host',
      () =>
        fake.issueAccessToken(user, apiId, {
          claims: { iss: `https://evil.example/${tenantA}/v2.0` },
        }),
    ],
    [
      'a v1 token (sts.windows.net)',
      () =>
        fake.issueAccessToken(user, apiId, {
          claims: { iss: `https://sts.windows.net/${tenantA}/`, ver: '1.0' },
        }),
    ],
    ['a tenant that is not allowed', () => fake.issueAccessToken(fakeEntraUser(tenantC), apiId)],
    [
      'iss of tenant A with tid of tenant C',
      () => fake.issueAccessToken(user, apiId, { claims: { tid: tenantC } }),
    ],
    [
      'an unknown kid (attacker key)',
      async () => fake.issueAccessToken(user, apiId, { signingKey: await FakeEntra.generateKey() }),
    ],
    [
      'a known kid signed with an attacker key',
      async () =>
        fake.issueAccessToken(user, apiId, {
          signingKey: await FakeEntra.generateKey(fake.currentKey.kid),
        }),
    ],
    [
      'alg none with a known kid',
      async () => {
        const payload = (await fake.issueAccessToken(user, apiId)).split('.')[1];
        return `${base64url({ alg: 'none', kid: fake.currentKey.kid, typ: 'JWT' })}.${payload}.`;
      },
    ],
    [
      'HS256 signed with the public key (key confusion)',
      async () => {
        const { createHmac } = await import('node:crypto');
        const header = base64url({ alg: 'HS256', kid: fake.currentKey.kid, typ: 'JWT' });
        const payload = (await fake.issueAccessToken(user, apiId)).split('.')[1];
        const secret = JSON.stringify(fake.currentKey.publicJwk);
        const signature = createHmac('sha256', secret)
          .update(`${header}.${payload}`)
          .digest('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['a malformed token', async () => 'abc.def'],
  ];

  it.each(rejections)('rejects %s with 401', async (_label, makeToken) => {
    const response = await me(await makeToken()).expect(401);
    expect(response.body.error.code).toBe('unauthenticated');
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="inbox-crm", error="invalid_token"',
    );
  });

  it.each([
    ['an access token for another scope', { scp: 'User.Read' }],
    ['an app-only token (roles, no scp)', { scp: undefined, roles: ['Crm.ReadWrite'] }],
  ])('rejects %s with 403 insufficient_scope', async (_label, claims) => {
    const response = await me(await fake.issueAccessToken(user, apiId, { claims })).expect(403);
    expect(response.headers['www-authenticate']).toContain('insufficient_scope');
  });

  it('never accepts a token from the query string', async () => {
    const token = await fake.issueAccessToken(user, apiId);
    await context.request.get(`/api/v1/me?access_token=${token}`).expect(401);
  });

  it('refuses deactivated users', async () => {
    const someone = fakeEntraUser(tenantA, 'Dan Ionescu');
    await me(await fake.issueAccessToken(someone, apiId)).expect(200);
    await UserModel.updateOne({ entraObjectId: someone.oid }, { $set: { active: false } });
    const response = await me(await fake.issueAccessToken(someone, apiId)).expect(403);
    expect(response.body.error.message).toMatch(/deactivated/);
  });

  it('with ENTRA_NEW_USERS=reject, refuses unknown users but lets pre-registered ones in', async () => {
    const strict = createTestContext({ env: entraEnv({ ENTRA_NEW_USERS: 'reject' }) });
    const stranger = fakeEntraUser(tenantA, 'Eve Stranger');
    const refused = await strict.request
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${await fake.issueAccessToken(stranger, apiId)}`)
      .expect(403);
    expect(refused.body.error.message).toMatch(/ask an administrator/);
    expect(await UserModel.countDocuments({ entraObjectId: stranger.oid })).toBe(0);

    const admin = await strict.createUser({ isAdmin: true });
    await strict.request
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        login: 'eve',
        name: 'Eve',
        accessLevel: 'all',
        entra: { tenantId: tenantA, objectId: stranger.oid },
      })
      .expect(201);
    const accepted = await strict.request
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${await fake.issueAccessToken(stranger, apiId)}`)
      .expect(200);
    expect(accepted.body).toMatchObject({ login: 'eve', accessLevel: 'all' });
  });

  it.each([
    ['answers 500', 'error-500'],
    ['answers with an HTML page', 'html'],
  ] as const)(
    'answers 503 (not 401) while the JWKS endpoint %s, and recovers',
    async (_label, mode) => {
      const fresh = createTestContext({ env: entraEnv() }); // fresh key cache
      fake.jwksMode = mode;
      try {
        const token = await fake.issueAccessToken(user, apiId);
        const response = await fresh.request
          .get('/api/v1/me')
          .set('Authorization', `Bearer ${token}`)
          .expect(503);
        expect(response.body.error.code).toBe('service_unavailable');
      } finally {
        fake.jwksMode = 'ok';
      }
      await fresh.request
        .get('/api/v1/me')
        .set('Authorization', `Bearer ${await fake.issueAccessToken(user, apiId)}`)
        .expect(200);
    },
  );

  it('picks up a rotated signing key through one refetch on the unknown kid (after the cooldown)', async () => {
    const fresh = createTestContext({ env: entraEnv() });
    const call = async (token: string) =>
      fresh.request.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect((await call(await fake.issueAccessToken(user, apiId))).status).toBe(200);
    const fetchesBefore = fake.hits.get('jwks') ?? 0;
    await fake.addKey(); // Entra starts signing with a new key
    const rotated = await fake.issueAccessToken(user, apiId);
    // Inside jose's 30 s cooldown: refused without hammering the JWKS endpoint.
    expect((await call(rotated)).status).toBe(401);
    expect((await call(rotated)).status).toBe(401);
    expect(fake.hits.get('jwks') ?? 0).toBe(fetchesBefore);
    // 31 s later (jose's cooldown reads Date.now; the claim checks use their own clock).
    const realNow = Date.now.bind(Date);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31_000);
    try {
      expect((await call(rotated)).status).toBe(200);
    } finally {
      clock.mockRestore();
    }
    expect(fake.hits.get('jwks') ?? 0).toBe(fetchesBefore + 1);
  });

  it('without Entra configuration, a JWT bearer is refused with a clear 401', async () => {
    const plain = createTestContext();
    const response = await plain.request
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${await fake.issueAccessToken(user, apiId)}`)
      .expect(401);
    expect(response.body.error.message).toMatch(/not configured/);
  });
});

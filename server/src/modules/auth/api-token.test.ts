import { useTestDatabase } from '../../db/test-database';
import { createTestContext } from '../../test-support/test-context';
import { createUser } from '../users/user.service';
import { buildActor } from './actor-factory';
import { ApiTokenModel } from './api-token.model';
import { createApiToken } from './api-token.service';
import { generateApiToken, hashApiToken, isWellFormedApiToken } from './api-token-format';

useTestDatabase();

describe('personal API tokens', () => {
  const context = createTestContext();

  it('have the icrm_ format with a checksum that catches typos', () => {
    const token = generateApiToken();
    expect(token).toMatch(/^icrm_[0-9A-Za-z]{49}$/);
    expect(isWellFormedApiToken(token)).toBe(true);
    const typo = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
    expect(isWellFormedApiToken(typo)).toBe(false);
  });

  it('authenticate /me, are shown once, stored only as a hash, and record their last use', async () => {
    const user = await context.createUser({ accessLevel: 'all' });
    const me = await context.request.get('/api/v1/me').set(user.auth).expect(200);
    expect(me.body).toMatchObject({
      id: user.userId,
      accessLevel: 'all',
      isAdmin: false,
      via: 'api-token',
    });

    const created = await context.request
      .post('/api/v1/me/tokens')
      .set(user.auth)
      .send({ name: 'Thunderbird' })
      .expect(201);
    const secret: string = created.body.token;
    expect(isWellFormedApiToken(secret)).toBe(true);
    expect(created.body.prefix).toBe(secret.slice(0, 9));

    const stored = await ApiTokenModel.findById(created.body.id).lean();
    expect(stored?.tokenHash).toBe(hashApiToken(secret));
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored?.lastUsedAt).toBeUndefined();

    const list = await context.request.get('/api/v1/me/tokens').set(user.auth).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.items.map((item: { name: string }) => item.name)).toContain('Thunderbird');

    await context.request
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${secret}` })
      .expect(200);
    const used = await ApiTokenModel.findById(created.body.id).lean();
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('are rejected at once after revocation, and only their owner can revoke them', async () => {
    const owner = await context.createUser();
    const other = await context.createUser();
    const created = await context.request
      .post('/api/v1/me/tokens')
      .set(owner.auth)
      .send({ name: 'laptop' })
      .expect(201);
    const tokenAuth = { Authorization: `Bearer ${created.body.token}` };
    await context.request.get('/api/v1/me').set(tokenAuth).expect(200);

    await context.request
      .delete(`/api/v1/me/tokens/${created.body.id}`)
      .set(other.auth)
      .expect(404);
    await context.request
      .delete(`/api/v1/me/tokens/${created.body.id}`)
      .set(owner.auth)
      .expect(204);
    const refused = await context.request.get('/api/v1/me').set(tokenAuth).expect(401);
    expect(refused.body.error.code).toBe('unauthenticated');
    expect(refused.headers['www-authenticate']).toContain('invalid_token');
    await context.request
      .delete(`/api/v1/me/tokens/${created.body.id}`)
      .set(owner.auth)
      .expect(404);
  });

  it.each([
    ['a malformed token', 'Bearer icrm_notatoken'],
    ['a well-formed unknown token', () => `Bearer ${generateApiToken()}`],
    ['an unsupported scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('answer 401 for %s', async (_label, header) => {
    const value = typeof header === 'function' ? header() : header;
    const response = await context.request
      .get('/api/v1/me')
      .set('Authorization', value)
      .expect(401);
    expect(response.body.error.code).toBe('unauthenticated');
  });

  it('answers 401 without credentials (req.actor unset)', async () => {
    await context.request.get('/api/v1/me').expect(401);
  });

  it('refuses tokens of deactivated users', async () => {
    const admin = await context.createUser({ isAdmin: true });
    const user = await context.createUser();
    await context.request.get('/api/v1/me').set(user.auth).expect(200);
    await context.request
      .patch(`/api/v1/users/${user.userId}`)
      .set(admin.auth)
      .send({ active: false })
      .expect(200);
    await context.request.get('/api/v1/me').set(user.auth).expect(401);
  });

  it('refuses tokens of demo accounts unless the server runs on the demo database', async () => {
    const demoUser = await createUser({ login: `demo-${Date.now()}`, name: 'Demo', isDemo: true });
    const actor = await buildActor(demoUser, 'api-token');
    const { token } = await createApiToken(actor, actor.userId, { name: 'demo' });
    await context.request
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(401);
    const demo = createTestContext({ databaseKind: 'in-process' });
    await demo.request
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
  });

  it('refuses expired tokens', async () => {
    const user = await context.createUser();
    const created = await context.request
      .post('/api/v1/me/tokens')
      .set(user.auth)
      .send({ name: 'short', expiresInDays: 1 })
      .expect(201);
    await ApiTokenModel.updateOne(
      { _id: created.body.id },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    await context.request
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${created.body.token}` })
      .expect(401);
  });
});

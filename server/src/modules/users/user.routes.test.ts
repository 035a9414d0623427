import { useTestDatabase } from '../../db/test-database';
import { createTestContext } from '../../test-support/test-context';
import { AuditEventModel } from '../audit/audit-event.model';
import { PartnerModel } from '../partners/partner.model';
import { UserModel } from './user.model';

useTestDatabase();

describe('users (admin)', () => {
  const context = createTestContext();

  it('adds a user with a partner of their own, audited; a taken login is a 409', async () => {
    const admin = await context.createUser({ isAdmin: true });
    const created = await context.request
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        login: 'Mihai.Pop',
        name: 'Mihai Pop',
        email: 'mihai@example.test',
        accessLevel: 'all',
        password: 'a long enough password',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      login: 'mihai.pop',
      accessLevel: 'all',
      isAdmin: false,
      active: true,
      hasPassword: true,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/argon2|passwordHash/);
    const partner = await PartnerModel.findById(created.body.partnerId).lean();
    expect(partner?.name).toBe('Mihai Pop');

    const again = await context.request
      .post('/api/v1/users')
      .set(admin.auth)
      .send({ login: 'mihai.pop', name: 'Other' })
      .expect(409);
    expect(again.body.error.details).toEqual({ fields: ['login'] });

    const audit = await AuditEventModel.findOne({
      action: 'user.create',
      targetId: created.body.id,
    }).lean();
    expect(audit).toMatchObject({ actorUserId: expect.anything(), outcome: 'success' });
  });

  it('names each invalid field', async () => {
    const admin = await context.createUser({ isAdmin: true });
    const response = await context.request
      .post('/api/v1/users')
      .set(admin.auth)
      .send({ login: 'x', accessLevel: 'boss', password: 'short' })
      .expect(400);
    const fields = (response.body.error.details.issues as Array<{ field: string }>)
      .map((issue) => issue.field)
      .sort();
    expect(fields).toEqual(['body.accessLevel', 'body.login', 'body.name', 'body.password']);
  });

  it('changes level and admin flag, deactivates without deleting, and keeps the acting admin in charge', async () => {
    const admin = await context.createUser({ isAdmin: true });
    const user = await context.createUser({ accessLevel: 'own' });
    const changed = await context.request
      .patch(`/api/v1/users/${user.userId}`)
      .set(admin.auth)
      .send({ accessLevel: 'manager', isAdmin: true })
      .expect(200);
    expect(changed.body).toMatchObject({ accessLevel: 'manager', isAdmin: true });
    // The new level applies to the very next request of that user.
    const me = await context.request.get('/api/v1/me').set(user.auth).expect(200);
    expect(me.body).toMatchObject({ accessLevel: 'manager', isAdmin: true });

    await context.request
      .patch(`/api/v1/users/${user.userId}`)
      .set(admin.auth)
      .send({ active: false })
      .expect(200);
    expect(await UserModel.exists({ _id: user.userId, active: false })).toBeTruthy();
    const listed = await context.request
      .get('/api/v1/users?includeInactive=1')
      .set(admin.auth)
      .expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(user.userId);
    const activeOnly = await context.request.get('/api/v1/users').set(admin.auth).expect(200);
    expect(activeOnly.body.items.map((item: { id: string }) => item.id)).not.toContain(user.userId);

    await context.request
      .patch(`/api/v1/users/${admin.userId}`)
      .set(admin.auth)
      .send({ isAdmin: false })
      .expect(409);
    await context.request
      .patch(`/api/v1/users/${admin.userId}`)
      .set(admin.auth)
      .send({ active: false })
      .expect(409);
    const audit = await AuditEventModel.find({
      action: 'user.update',
      targetId: user.userId,
    }).lean();
    expect(audit.map((event) => event.summary).join(' ')).toMatch(/accessLevel: own → manager/);
  });

  it('searches by login, name or e-mail prefix', async () => {
    const admin = await context.createUser({ isAdmin: true });
    await context.createUser({ login: 'zoe.search', name: 'Zoe Search' });
    const byLogin = await context.request
      .get('/api/v1/users?search=zoe.s')
      .set(admin.auth)
      .expect(200);
    expect(byLogin.body.items.map((item: { login: string }) => item.login)).toEqual(['zoe.search']);
    const byName = await context.request
      .get('/api/v1/users?search=Zoe%20S')
      .set(admin.auth)
      .expect(200);
    expect(byName.body.total).toBe(1);
    const regexChars = await context.request
      .get('/api/v1/users?search=.*')
      .set(admin.auth)
      .expect(200);
    expect(regexChars.body.total).toBe(0);
  });

  it('fills actor.teamIds from the teams the user leads or belongs to', async () => {
    const admin = await context.createUser({ isAdmin: true });
    const member = await context.createUser();
    const team = await context.request
      .post('/api/v1/teams')
      .set(admin.auth)
      .send({ name: 'Team for identity', members: [{ userId: member.userId }] })
      .expect(201);
    const me = await context.request.get('/api/v1/me').set(member.auth).expect(200);
    expect(me.body.teamIds).toEqual([team.body.id]);
    expect(me.body.partnerId).toMatch(/^[0-9a-f]{24}$/);
  });
});

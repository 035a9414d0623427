import type { UserDirectory } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext } from '../../test-support/test-context';
import { UserModel } from './user.model';

useTestDatabase();
const context = createTestContext();

describe('GET /api/v1/users/directory', () => {
  it('names every user, active or not, to any signed-in user, sorted by name and paged', async () => {
    const seller = await context.createUser({ accessLevel: 'own', name: 'Bea Seller' });
    const former = await context.createUser({ accessLevel: 'all', name: 'Ana Former' });
    await UserModel.updateOne({ _id: former.userId }, { $set: { active: false } });
    await context.createUser({ isAdmin: true, name: 'Cid Admin' });

    const response = await context.request.get('/api/v1/users/directory').set(seller.auth);
    expect(response.status).toBe(200);
    const directory = response.body as UserDirectory;
    expect(directory.items).toEqual([
      { id: former.userId, name: 'Ana Former', active: false },
      { id: seller.userId, name: 'Bea Seller', active: true },
      { id: expect.any(String), name: 'Cid Admin', active: true },
    ]);
    expect(directory).toMatchObject({ total: 3, offset: 0 });
    expect(JSON.stringify(directory)).not.toContain('@');

    const second = await context.request
      .get('/api/v1/users/directory')
      .query({ limit: 1, offset: 1 })
      .set(seller.auth);
    expect(second.body.items.map((item: { name: string }) => item.name)).toEqual(['Bea Seller']);
  });

  it('needs a signed-in user and a valid query; /users/:id stays admin-only beside it', async () => {
    const seller = await context.createUser({ accessLevel: 'own' });
    expect((await context.request.get('/api/v1/users/directory')).status).toBe(401);
    const bad = await context.request
      .get('/api/v1/users/directory')
      .query({ limit: 0 })
      .set(seller.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('query.limit');
    expect(
      (await context.request.get(`/api/v1/users/${seller.userId}`).set(seller.auth)).status,
    ).toBe(403);
  });
});

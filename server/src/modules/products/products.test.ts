import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { ProductModel } from './product.model';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let manager: TestUser;

beforeAll(async () => {
  context = createTestContext();
  salesman = await context.createUser({ accessLevel: 'own' });
  manager = await context.createUser({ accessLevel: 'manager' });
});

describe('products over HTTP', () => {
  it('creates with defaults and rounded money, searches by name or reference prefix, paginates', async () => {
    const seat = await context.request
      .post('/api/v1/products')
      .set(manager.auth)
      .send({ name: 'CRM Seat', defaultCode: 'SEAT-1', listPrice: 10.005 });
    expect(seat.status).toBe(201);
    expect(seat.body).toMatchObject({
      type: 'consu',
      uom: 'Units',
      saleOk: true,
      active: true,
      listPrice: 10.01,
      taxes: [],
    });
    await context.request
      .post('/api/v1/products')
      .set(manager.auth)
      .send({ name: 'Onboarding', type: 'service' })
      .expect(201);
    await context.request
      .post('/api/v1/products')
      .set(manager.auth)
      .send({ name: 'Seat (annual)', listPrice: 100 })
      .expect(201);

    const byName = await context.request.get('/api/v1/products?search=sea').set(salesman.auth);
    // "sea" starts the name of one and the internal reference (SEAT-1) of the other.
    expect(byName.body.items.map((p: { name: string }) => p.name)).toEqual([
      'CRM Seat',
      'Seat (annual)',
    ]);
    const byCode = await context.request.get('/api/v1/products?search=seat-').set(salesman.auth);
    expect(byCode.body.items.map((p: { name: string }) => p.name)).toEqual(['CRM Seat']);
    const regexChars = await context.request.get('/api/v1/products?search=.*').set(salesman.auth);
    expect(regexChars.body.total).toBe(0);
    const page = await context.request.get('/api/v1/products?limit=2&offset=2').set(salesman.auth);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.body.items.map((p: { name: string }) => p.name)).toEqual(['Seat (annual)']);
  });

  it('lets managers edit and archive; salespeople only read', async () => {
    const created = await context.request
      .post('/api/v1/products')
      .set(manager.auth)
      .send({ name: 'Old plan' });
    await context.request
      .post('/api/v1/products')
      .set(salesman.auth)
      .send({ name: 'Mine' })
      .expect(403);
    await context.request
      .patch(`/api/v1/products/${created.body.id}`)
      .set(salesman.auth)
      .send({ listPrice: 1 })
      .expect(403);
    const changed = await context.request
      .patch(`/api/v1/products/${created.body.id}`)
      .set(manager.auth)
      .send({ listPrice: 12.345, taxes: [{ name: 'VAT', rate: 19 }] });
    expect(changed.body).toMatchObject({ listPrice: 12.35, taxes: [{ name: 'VAT', rate: 19 }] });
    await context.request
      .delete(`/api/v1/products/${created.body.id}`)
      .set(manager.auth)
      .expect(204);
    const list = await context.request.get('/api/v1/products?search=old').set(salesman.auth);
    expect(list.body.total).toBe(0);
    const archived = await context.request
      .get('/api/v1/products?search=old&includeArchived=1')
      .set(salesman.auth);
    expect(archived.body.items[0]).toMatchObject({ name: 'Old plan', active: false });
    await context.request.get(`/api/v1/products/${created.body.id}`).set(salesman.auth).expect(200);
    await context.request
      .get('/api/v1/products/64b000000000000000000001')
      .set(salesman.auth)
      .expect(404);
  });

  it.each([
    [{}, 'body.name'],
    [{ name: 'X', listPrice: -1 }, 'body.listPrice'],
    [{ name: 'X', listPrice: '10' }, 'body.listPrice'],
    [{ name: 'X', type: 'goods' }, 'body.type'],
    [{ name: 'X', taxes: [{ name: 'VAT', rate: 150 }] }, 'body.taxes.0.rate'],
    [{ name: 'X', color: 'red' }, 'body'],
  ])('refuses %j with a 400 naming %s and writes nothing', async (body, field) => {
    const before = await ProductModel.countDocuments();
    const response = await context.request.post('/api/v1/products').set(manager.auth).send(body);
    expect(response.status).toBe(400);
    expect(
      response.body.error.details.issues.map((issue: { field: string }) => issue.field),
    ).toContain(field);
    expect(await ProductModel.countDocuments()).toBe(before);
  });
});

import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { insertTestLead } from '../messages/chatter-test-support';
import { ActivityTypeModel } from './activity-type.model';
import { seedDefaultActivityTypes } from './activity-type.service';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let manager: TestUser;

beforeAll(async () => {
  context = createTestContext();
  salesman = await context.createUser({ accessLevel: 'all' });
  manager = await context.createUser({ accessLevel: 'manager' });
  await seedDefaultActivityTypes();
});

describe('activity types over HTTP', () => {
  it('lists the five active defaults by sequence; the archived Exception on request', async () => {
    const list = await context.request.get('/api/v1/activity-types').set(salesman.auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((type: { name: string }) => type.name)).toEqual([
      'Email',
      'Call',
      'Meeting',
      'To-Do',
      'Upload Document',
    ]);
    expect(list.body.items[1]).toMatchObject({
      category: 'phonecall',
      delayCount: 2,
      delayUnit: 'days',
      icon: 'fa-phone',
    });
    const all = await context.request
      .get('/api/v1/activity-types?includeArchived=1')
      .set(salesman.auth);
    expect(all.body.items.at(-1)).toMatchObject({
      name: 'Exception',
      active: false,
      decorationType: 'warning',
    });
  });

  it('lets managers create, change, archive and delete; salespeople only read', async () => {
    await context.request
      .post('/api/v1/activity-types')
      .set(salesman.auth)
      .send({ name: 'Demo' })
      .expect(403);
    const created = await context.request.post('/api/v1/activity-types').set(manager.auth).send({
      name: 'Call for Demo',
      category: 'phonecall',
      delayCount: 10,
      resModel: 'lead',
      sequence: 7,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Call for Demo',
      delayFrom: 'previous_activity',
      chainingType: 'suggest',
      resModel: 'lead',
    });
    await context.request
      .patch(`/api/v1/activity-types/${created.body.id}`)
      .set(salesman.auth)
      .send({ name: 'x' })
      .expect(403);
    const renamed = await context.request
      .patch(`/api/v1/activity-types/${created.body.id}`)
      .set(manager.auth)
      .send({ name: 'Demo call', delayUnit: 'weeks' });
    expect(renamed.body).toMatchObject({ name: 'Demo call', delayUnit: 'weeks', delayCount: 10 });
    const forPartners = await context.request
      .get('/api/v1/activity-types?resModel=partner')
      .set(salesman.auth);
    expect(forPartners.body.items.map((type: { name: string }) => type.name)).not.toContain(
      'Demo call',
    );

    const leadId = await insertTestLead({ name: 'Uses it', userId: manager.userId });
    await context.request
      .post('/api/v1/activities')
      .set(manager.auth)
      .send({ resModel: 'lead', resId: leadId, activityTypeId: created.body.id })
      .expect(201);
    await context.request
      .delete(`/api/v1/activity-types/${created.body.id}`)
      .set(manager.auth)
      .expect(409);
    await context.request
      .patch(`/api/v1/activity-types/${created.body.id}`)
      .set(manager.auth)
      .send({ active: false })
      .expect(200);

    const unused = await context.request
      .post('/api/v1/activity-types')
      .set(manager.auth)
      .send({ name: 'Unused' });
    await context.request
      .delete(`/api/v1/activity-types/${unused.body.id}`)
      .set(manager.auth)
      .expect(204);
    await context.request
      .get(`/api/v1/activity-types/${unused.body.id}`)
      .set(manager.auth)
      .expect(404);
  });

  it.each([
    [{}, 'body.name'],
    [{ name: '  ' }, 'body.name'],
    [{ name: 'X', delayUnit: 'years' }, 'body.delayUnit'],
    [{ name: 'X', delayCount: -1 }, 'body.delayCount'],
    [{ name: 'X', category: 'email' }, 'body.category'],
    [{ name: 'X', chainingType: 'trigger' }, 'body.triggeredNextTypeId'],
    [
      { name: 'X', triggeredNextTypeId: '64b000000000000000000001', chainingType: 'trigger' },
      'body.triggeredNextTypeId',
    ],
    [{ name: 'X', resModel: 'invoice' }, 'body.resModel'],
  ])('refuses %j with a 400 naming %s and writes nothing', async (body, field) => {
    const before = await ActivityTypeModel.countDocuments();
    const response = await context.request
      .post('/api/v1/activity-types')
      .set(manager.auth)
      .send(body);
    expect(response.status).toBe(400);
    expect(
      response.body.error.details.issues.map((issue: { field: string }) => issue.field),
    ).toContain(field);
    expect(await ActivityTypeModel.countDocuments()).toBe(before);
  });

  it('refuses an empty PATCH', async () => {
    const [type] = (await context.request.get('/api/v1/activity-types').set(manager.auth)).body
      .items;
    await context.request
      .patch(`/api/v1/activity-types/${type.id}`)
      .set(manager.auth)
      .send({})
      .expect(400);
  });
});

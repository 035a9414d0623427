import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import {
  createTestPartner,
  givePartnerToUser,
  insertTestLead,
} from '../messages/chatter-test-support';
import { UserModel } from '../users/user.model';
import { FollowerModel } from './follower.model';
import { followRecord, unfollowRecord } from './follower.service';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let salesmanPartnerId: string;
let otherSalesman: TestUser;
let noPartnerUser: TestUser;

beforeAll(async () => {
  context = createTestContext();
  salesman = await context.createUser({ accessLevel: 'own' });
  salesmanPartnerId = await givePartnerToUser(salesman.userId, 'Sam Sales');
  otherSalesman = await context.createUser({ accessLevel: 'own' });
  await givePartnerToUser(otherSalesman.userId, 'Olga Other');
  noPartnerUser = await context.createUser({ accessLevel: 'all' });
  await UserModel.updateOne({ _id: noPartnerUser.userId }, { $unset: { partnerId: 1 } });
});

describe('followers over HTTP', () => {
  it("follows a record through the caller's partner, once, and unfollows", async () => {
    const leadId = await insertTestLead({ name: 'Follow me', userId: salesman.userId });
    const first = await context.request
      .post(`/api/v1/leads/${leadId}/followers`)
      .set(salesman.auth)
      .send({});
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      resModel: 'lead',
      resId: leadId,
      partnerId: salesmanPartnerId,
      userId: salesman.userId,
    });
    const again = await context.request
      .post(`/api/v1/leads/${leadId}/followers`)
      .set(salesman.auth);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const list = await context.request.get(`/api/v1/leads/${leadId}/followers`).set(salesman.auth);
    expect(list.body.items).toHaveLength(1);

    await context.request
      .delete(`/api/v1/leads/${leadId}/followers/${salesmanPartnerId}`)
      .set(salesman.auth)
      .expect(204);
    await context.request
      .delete(`/api/v1/leads/${leadId}/followers/${salesmanPartnerId}`)
      .set(salesman.auth)
      .expect(404);
    expect(await FollowerModel.countDocuments({ resModel: 'lead' })).toBe(0);
  });

  it('subscribes another partner only with write access', async () => {
    const partnerId = await createTestPartner('Customer Contact', 'contact@customer.example');
    const ownLead = await insertTestLead({ name: 'Mine', userId: salesman.userId });
    const subscribed = await context.request
      .post(`/api/v1/leads/${ownLead}/followers`)
      .set(salesman.auth)
      .send({ partnerId });
    expect(subscribed.status).toBe(201);
    await context.request
      .post(`/api/v1/leads/${ownLead}/followers`)
      .set(salesman.auth)
      .send({ partnerId: '64b000000000000000000001' })
      .expect(400);

    // Readable through an activity, not writable: following oneself is fine, others are not.
    const othersLead = await insertTestLead({ name: 'Theirs', userId: otherSalesman.userId });
    await context.request
      .post(`/api/v1/leads/${othersLead}/followers`)
      .set(salesman.auth)
      .expect(404);
    const { default: mongoose } = await import('mongoose');
    await mongoose.connection.collection('activities').insertOne({
      resModel: 'lead',
      resId: new mongoose.Types.ObjectId(othersLead),
      userId: new mongoose.Types.ObjectId(salesman.userId),
      dateDeadline: '2030-01-01',
      active: true,
    });
    await context.request
      .post(`/api/v1/leads/${othersLead}/followers`)
      .set(salesman.auth)
      .expect(201);
    await context.request
      .post(`/api/v1/leads/${othersLead}/followers`)
      .set(salesman.auth)
      .send({ partnerId })
      .expect(403);
    await context.request
      .delete(`/api/v1/leads/${ownLead}/followers/${partnerId}`)
      .set(otherSalesman.auth)
      .expect(404);
  });

  it('follows partners too, and explains a user without a partner', async () => {
    const partnerId = await createTestPartner('Followed Co');
    await context.request
      .post(`/api/v1/partners/${partnerId}/followers`)
      .set(salesman.auth)
      .expect(201);
    const refused = await context.request
      .post(`/api/v1/partners/${partnerId}/followers`)
      .set(noPartnerUser.auth);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0]).toEqual({
      field: 'userId',
      message: 'the user has no partner to follow with',
    });
  });

  it('rejects malformed ids and unknown fields', async () => {
    const leadId = await insertTestLead({ name: 'Bad', userId: salesman.userId });
    await context.request.post(`/api/v1/leads/nope/followers`).set(salesman.auth).expect(400);
    await context.request
      .post(`/api/v1/leads/${leadId}/followers`)
      .set(salesman.auth)
      .send({ partner: 'x' })
      .expect(400);
    await context.request
      .delete(`/api/v1/leads/${leadId}/followers/zzz`)
      .set(salesman.auth)
      .expect(400);
    expect(await FollowerModel.countDocuments({ resId: leadId })).toBe(0);
  });
});

describe('follower service (contract)', () => {
  it("follows by user id through the user's partner, idempotently", async () => {
    const leadId = await insertTestLead({ name: 'Service', userId: null });
    const first = await followRecord({ resModel: 'lead', resId: leadId, userId: salesman.userId });
    const second = await followRecord({
      resModel: 'lead',
      resId: leadId,
      partnerId: salesmanPartnerId,
    });
    expect(second.id).toBe(first.id);
    expect(second.userId).toBe(salesman.userId);
    expect(await unfollowRecord({ resModel: 'lead', resId: leadId, userId: salesman.userId })).toBe(
      true,
    );
    expect(await unfollowRecord({ resModel: 'lead', resId: leadId, userId: salesman.userId })).toBe(
      false,
    );
  });
});

import mongoose from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { seedDefaultActivityTypes } from '../activity-types/activity-type.service';
import { ActivityTypeModel } from '../activity-types/activity-type.model';
import { FollowerModel } from '../followers/follower.model';
import { givePartnerToUser, insertTestLead } from '../messages/chatter-test-support';
import { MessageModel } from '../messages/message.model';
import { addDelay, todayUtc } from './activity-dates';
import { ActivityModel } from './activity.model';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let colleague: TestUser;
let manager: TestUser;
let todoTypeId: string;
let callTypeId: string;

beforeAll(async () => {
  context = createTestContext();
  salesman = await context.createUser({ accessLevel: 'own', name: 'Sam Sales' });
  colleague = await context.createUser({ accessLevel: 'own', name: 'Cole League' });
  manager = await context.createUser({ accessLevel: 'manager' });
  await givePartnerToUser(colleague.userId, 'Cole League');
  expect(await seedDefaultActivityTypes()).toBe(6);
  expect(await seedDefaultActivityTypes()).toBe(0);
  todoTypeId = String((await ActivityTypeModel.findOne({ key: 'todo' }).lean())!._id);
  callTypeId = String((await ActivityTypeModel.findOne({ key: 'call' }).lean())!._id);
});

describe('activities over HTTP', () => {
  it('schedules with the type defaults: To-Do, the caller, today + 5 days', async () => {
    const leadId = await insertTestLead({ name: 'Deal', userId: salesman.userId });
    const response = await context.request
      .post('/api/v1/activities')
      .set(salesman.auth)
      .send({ resModel: 'lead', resId: leadId, summary: 'Send the offer' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      resModel: 'lead',
      resId: leadId,
      resName: 'Deal',
      activityTypeId: todoTypeId,
      activityTypeName: 'To-Do',
      userId: salesman.userId,
      summary: 'Send the offer',
      dateDeadline: addDelay(todayUtc(), 5, 'days'),
      state: 'planned',
    });
    const call = await context.request
      .post('/api/v1/activities')
      .set(salesman.auth)
      .send({ resModel: 'lead', resId: leadId, activityTypeId: callTypeId });
    expect(call.body.dateDeadline).toBe(addDelay(todayUtc(), 2, 'days'));
  });

  it('lists my activities by state, due date first', async () => {
    const leadId = await insertTestLead({ name: 'States', userId: manager.userId });
    const today = '2030-06-15';
    for (const dateDeadline of ['2030-06-20', '2030-06-14', '2030-06-15', '2030-06-01']) {
      await context.request
        .post('/api/v1/activities')
        .set(manager.auth)
        .send({ resModel: 'lead', resId: leadId, dateDeadline, summary: dateDeadline })
        .expect(201);
    }
    const overdue = await context.request
      .get(`/api/v1/activities?mine=1&state=overdue&today=${today}`)
      .set(manager.auth)
      .expect(200);
    expect(overdue.body.items.map((a: { summary: string }) => a.summary)).toEqual([
      '2030-06-01',
      '2030-06-14',
    ]);
    expect(overdue.body.items[0].state).toBe('overdue');
    const dueToday = await context.request
      .get(`/api/v1/activities?mine=1&state=today&today=${today}`)
      .set(manager.auth);
    expect(dueToday.body.items.map((a: { state: string }) => a.state)).toEqual(['today']);
    const planned = await context.request
      .get(`/api/v1/activities?mine=1&state=planned&today=${today}`)
      .set(manager.auth);
    expect(planned.body.total).toBe(1);
    const counts = await context.request
      .get(`/api/v1/activities/counts?today=${today}`)
      .set(manager.auth);
    expect(counts.body).toEqual({ overdue: 2, today: 1, planned: 1 });
    const ofRecord = await context.request
      .get(`/api/v1/activities?resModel=lead&resId=${leadId}&limit=2`)
      .set(manager.auth);
    expect(ofRecord.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
  });

  it("shows the earliest open activity as the lead's next activity", async () => {
    const lead = await context.request
      .post('/api/v1/leads')
      .set(salesman.auth)
      .send({ type: 'opportunity', name: 'Next activity' });
    expect(lead.status).toBe(201);
    expect(lead.body.nextActivity).toBeNull();
    for (const [summary, dateDeadline] of [
      ['later', '2031-05-01'],
      ['sooner', '2031-04-01'],
    ]) {
      await context.request
        .post('/api/v1/activities')
        .set(salesman.auth)
        .send({
          resModel: 'lead',
          resId: lead.body.id,
          summary,
          dateDeadline,
          activityTypeId: callTypeId,
        })
        .expect(201);
    }
    const withNext = await context.request.get(`/api/v1/leads/${lead.body.id}`).set(salesman.auth);
    expect(withNext.body.nextActivity).toMatchObject({
      summary: 'sooner',
      dateDeadline: '2031-04-01',
      typeId: callTypeId,
    });
    await context.request
      .post(`/api/v1/activities/${withNext.body.nextActivity.id}/done`)
      .set(salesman.auth)
      .send({})
      .expect(200);
    const afterDone = await context.request.get(`/api/v1/leads/${lead.body.id}`).set(salesman.auth);
    expect(afterDone.body.nextActivity).toMatchObject({ summary: 'later' });
  });

  it('assigning someone else subscribes them as follower', async () => {
    const leadId = await insertTestLead({ name: 'Assign', userId: null });
    const response = await context.request
      .post('/api/v1/activities')
      .set(salesman.auth)
      .send({ resModel: 'lead', resId: leadId, userId: colleague.userId, summary: 'Call back' });
    expect(response.status).toBe(201);
    expect(
      await FollowerModel.countDocuments({
        resModel: 'lead',
        resId: new mongoose.Types.ObjectId(leadId),
      }),
    ).toBe(1);
  });

  it('marking done logs the activity in the chatter and removes it', async () => {
    const leadId = await insertTestLead({ name: 'Done', userId: salesman.userId });
    const created = await context.request.post('/api/v1/activities').set(salesman.auth).send({
      resModel: 'lead',
      resId: leadId,
      activityTypeId: callTypeId,
      summary: 'Discuss <price>',
      note: '<p>Ask about volume</p>',
    });
    const done = await context.request
      .post(`/api/v1/activities/${created.body.id}/done`)
      .set(salesman.auth)
      .send({ feedback: 'They want 20 seats' });
    expect(done.status).toBe(200);
    expect(done.body.activity).toMatchObject({
      state: 'done',
      active: false,
      feedback: 'They want 20 seats',
    });
    expect(await ActivityModel.exists({ _id: created.body.id })).toBeNull();
    const chatter = await context.request
      .get(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth);
    expect(chatter.body.items[0]).toMatchObject({
      id: done.body.messageId,
      kind: 'notification',
      activityTypeId: callTypeId,
      authorUserId: salesman.userId,
    });
    expect(chatter.body.items[0].bodyHtml).toBe(
      '<p><b>Call: Discuss &lt;price&gt;</b> done</p><div><p>Ask about volume</p></div><p>Feedback: They want 20 seats</p>',
    );
    await context.request
      .post(`/api/v1/activities/${created.body.id}/done`)
      .set(salesman.auth)
      .send({})
      .expect(404);
  });

  it('keeps done activities of a keepDone type and schedules the triggered next one', async () => {
    const followUp = await context.request
      .post('/api/v1/activity-types')
      .set(manager.auth)
      .send({ name: 'Follow-up Quote', delayCount: 30, delayFrom: 'previous_activity' });
    expect(followUp.status).toBe(201);
    const makeQuote = await context.request.post('/api/v1/activity-types').set(manager.auth).send({
      name: 'Make Quote',
      keepDone: true,
      chainingType: 'trigger',
      triggeredNextTypeId: followUp.body.id,
    });
    expect(makeQuote.status).toBe(201);
    const leadId = await insertTestLead({ name: 'Chain', userId: salesman.userId });
    const activity = await context.request.post('/api/v1/activities').set(salesman.auth).send({
      resModel: 'lead',
      resId: leadId,
      activityTypeId: makeQuote.body.id,
      dateDeadline: '2030-01-31',
    });
    const done = await context.request
      .post(`/api/v1/activities/${activity.body.id}/done`)
      .set(salesman.auth)
      .send({});
    expect(done.status).toBe(200);
    expect(done.body.nextActivity).toMatchObject({
      activityTypeId: followUp.body.id,
      dateDeadline: '2030-03-02',
      userId: salesman.userId,
    });
    const kept = await ActivityModel.findById(activity.body.id).lean();
    expect(kept).toMatchObject({ active: false });
    expect(kept!.dateDone).toBeInstanceOf(Date);
  });

  it('lets the assignee see and complete an activity on a lead they may not change', async () => {
    const leadId = await insertTestLead({ name: 'Managed', userId: manager.userId });
    const created = await context.request
      .post('/api/v1/activities')
      .set(manager.auth)
      .send({ resModel: 'lead', resId: leadId, userId: salesman.userId, summary: 'Help out' });
    expect(created.status).toBe(201);
    // Reading the lead's chatter is allowed through the activity; changing the activity is not.
    await context.request
      .get(`/api/v1/activities/${created.body.id}`)
      .set(salesman.auth)
      .expect(200);
    await context.request
      .patch(`/api/v1/activities/${created.body.id}`)
      .set(salesman.auth)
      .send({ summary: 'x' })
      .expect(403);
    await context.request
      .post(`/api/v1/activities/${created.body.id}/done`)
      .set(salesman.auth)
      .send({})
      .expect(200);
    // A colleague with no link to the lead sees nothing.
    const other = await context.request
      .post('/api/v1/activities')
      .set(manager.auth)
      .send({ resModel: 'lead', resId: leadId, summary: 'Private' });
    await context.request
      .get(`/api/v1/activities/${other.body.id}`)
      .set(colleague.auth)
      .expect(404);
    await context.request
      .post(`/api/v1/activities/${other.body.id}/done`)
      .set(colleague.auth)
      .send({})
      .expect(404);
    await context.request
      .get(`/api/v1/activities?resModel=lead&resId=${leadId}`)
      .set(colleague.auth)
      .expect(404);
    await context.request
      .post('/api/v1/activities')
      .set(colleague.auth)
      .send({ resModel: 'lead', resId: leadId, summary: 'x' })
      .expect(404);
  });

  it('reschedules and reassigns with PATCH, deletes with DELETE', async () => {
    const leadId = await insertTestLead({ name: 'Patch', userId: salesman.userId });
    const created = await context.request
      .post('/api/v1/activities')
      .set(salesman.auth)
      .send({ resModel: 'lead', resId: leadId, summary: 'Old' });
    const patched = await context.request
      .patch(`/api/v1/activities/${created.body.id}`)
      .set(salesman.auth)
      .send({ summary: 'New', dateDeadline: '2031-01-01', userId: colleague.userId });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      summary: 'New',
      dateDeadline: '2031-01-01',
      userId: colleague.userId,
    });
    await context.request
      .delete(`/api/v1/activities/${created.body.id}`)
      .set(salesman.auth)
      .expect(204);
    expect(await ActivityModel.exists({ _id: created.body.id })).toBeNull();
    expect(await MessageModel.countDocuments({ resId: new mongoose.Types.ObjectId(leadId) })).toBe(
      0,
    );
  });

  it.each([
    [{ resId: '64b000000000000000000001' }, 'body.resModel'],
    [{ resModel: 'lead', resId: 'x' }, 'body.resId'],
    [{ resModel: 'lead', dateDeadline: '2030-02-30' }, 'body.dateDeadline'],
    [{ resModel: 'lead', userId: '64b000000000000000000001' }, 'body.userId'],
    [{ resModel: 'lead', activityTypeId: '64b000000000000000000001' }, 'body.activityTypeId'],
    [{ resModel: 'lead', bogus: true }, 'body'],
  ])('refuses %j with a 400 naming %s and writes nothing', async (body, field) => {
    const leadId = await insertTestLead({ name: 'Bad', userId: salesman.userId });
    const response = await context.request
      .post('/api/v1/activities')
      .set(salesman.auth)
      .send({ resId: leadId, ...body });
    expect(response.status).toBe(400);
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields.some((name: string) => name.startsWith(field))).toBe(true);
    expect(await ActivityModel.countDocuments({ resId: new mongoose.Types.ObjectId(leadId) })).toBe(
      0,
    );
  });

  it('refuses a list filtered by resModel without resId', async () => {
    await context.request.get('/api/v1/activities?resModel=lead').set(salesman.auth).expect(400);
    await context.request.get('/api/v1/activities?state=soon').set(salesman.auth).expect(400);
  });
});

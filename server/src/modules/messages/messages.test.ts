import mongoose from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { insertTestLead, createTestPartner } from './chatter-test-support';
import { MessageModel } from './message.model';
import { findRecordsByMessageIds, postMessage } from './message.service';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let otherSalesman: TestUser;
let manager: TestUser;

beforeAll(async () => {
  context = createTestContext();
  salesman = await context.createUser({ accessLevel: 'own', name: 'Sam Sales' });
  otherSalesman = await context.createUser({ accessLevel: 'own' });
  manager = await context.createUser({ accessLevel: 'manager' });
});

const mail = (messageId: string) => ({
  kind: 'email',
  messageId,
  subject: 'Offer',
  bodyHtml:
    '<p onclick="x()">Hello <img src="https://tracker.example/p.gif"></p><script>alert(1)</script>',
  emailFrom: 'Ana Buyer <ana@buyer.example>',
  emailTo: ['sales@crm.example'],
  date: '2026-11-02T10:15:00+01:00',
  references: ['<root@buyer.example>'],
});

describe('chatter messages over HTTP', () => {
  it('logs a sanitized note by the caller and lists it newest first', async () => {
    const leadId = await insertTestLead({ name: 'Deal', userId: salesman.userId });
    const first = await context.request
      .post(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth)
      .send({ kind: 'note', bodyHtml: '<p>Called <b>Ana</b></p><img src=x onerror=alert(1)>' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      resModel: 'lead',
      resId: leadId,
      kind: 'note',
      bodyHtml: '<p>Called <b>Ana</b></p><img />',
      authorUserId: salesman.userId,
      authorName: 'Sam Sales',
    });
    await context.request
      .post(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth)
      .send({ kind: 'note', bodyHtml: 'second' })
      .expect(201);

    const list = await context.request
      .get(`/api/v1/leads/${leadId}/messages?limit=1`)
      .set(salesman.auth);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((message: { bodyHtml: string }) => message.bodyHtml)).toEqual([
      'second',
    ]);
    const page2 = await context.request
      .get(`/api/v1/leads/${leadId}/messages?limit=1&offset=1`)
      .set(salesman.auth);
    expect(page2.body.items[0].id).toBe(first.body.id);
  });

  it('stores a pushed mail once per record and again on another record', async () => {
    const leadId = await insertTestLead({ name: 'Mail deal', userId: salesman.userId });
    const partnerId = await createTestPartner('Ana Buyer', 'ana@buyer.example');
    const first = await context.request
      .post(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth)
      .send(mail('abc-1@buyer.example'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'email',
      messageId: '<abc-1@buyer.example>',
      authorPartnerId: partnerId,
      emailFrom: 'Ana Buyer <ana@buyer.example>',
      date: '2026-11-02T09:15:00.000Z',
      references: ['<root@buyer.example>'],
    });
    expect(first.body.bodyHtml).toBe(
      '<p>Hello <img data-blocked-src="https://tracker.example/p.gif" /></p>',
    );

    const again = await context.request
      .post(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth)
      .send(mail('<abc-1@buyer.example>'));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await MessageModel.countDocuments({ resId: new mongoose.Types.ObjectId(leadId) })).toBe(
      1,
    );

    const onPartner = await context.request
      .post(`/api/v1/partners/${partnerId}/messages`)
      .set(salesman.auth)
      .send(mail('abc-1@buyer.example'));
    expect(onPartner.status).toBe(201);

    const found = await findRecordsByMessageIds(['abc-1@buyer.example', '<unknown@x.example>']);
    expect(found.map(({ resModel, resId }) => `${resModel}:${resId}`).sort()).toEqual(
      [`lead:${leadId}`, `partner:${partnerId}`].sort(),
    );
  });

  it('answers concurrent pushes of one mail with one stored message', async () => {
    const leadId = await insertTestLead({ name: 'Race', userId: null });
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        postMessage({
          resModel: 'lead',
          resId: leadId,
          kind: 'email',
          messageId: '<race@x.example>',
          bodyHtml: 'x',
        }),
      ),
    );
    expect(new Set(results.map((message) => message.id)).size).toBe(1);
    expect(results.filter((message) => message.created)).toHaveLength(1);
  });

  it.each([
    [{}, 'body.kind'],
    [{ kind: 'note', bodyHtml: '   ' }, 'body.bodyHtml'],
    [{ kind: 'note', bodyHtml: 'x', attachmentIds: ['nope'] }, 'body.attachmentIds.0'],
    [{ kind: 'note', bodyHtml: 'x', extra: 1 }, 'body'],
    [{ kind: 'email', bodyHtml: 'x', emailFrom: 'a@b.example' }, 'body.messageId'],
    [{ kind: 'email', messageId: 'not a message id', emailFrom: 'a@b.example' }, 'body.messageId'],
    [
      { kind: 'email', messageId: '<a@b>', emailFrom: 'a@b.example', date: 'yesterday' },
      'body.date',
    ],
  ])('refuses %j with a 400 naming %s and writes nothing', async (body, field) => {
    const leadId = await insertTestLead({ name: 'Bad input', userId: salesman.userId });
    const response = await context.request
      .post(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth)
      .send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields.some((name: string) => name.startsWith(field))).toBe(true);
    expect(await MessageModel.countDocuments({ resId: new mongoose.Types.ObjectId(leadId) })).toBe(
      0,
    );
  });

  it('refuses attachments of another record', async () => {
    const leadId = await insertTestLead({ name: 'A', userId: salesman.userId });
    const otherLead = await insertTestLead({ name: 'B', userId: salesman.userId });
    const upload = await context.request
      .post(`/api/v1/leads/${otherLead}/attachments`)
      .set(salesman.auth)
      .attach('file', Buffer.from('hello'), 'hello.txt');
    expect(upload.status).toBe(201);
    const response = await context.request
      .post(`/api/v1/leads/${leadId}/messages`)
      .set(salesman.auth)
      .send({ kind: 'note', bodyHtml: 'x', attachmentIds: [upload.body.id] });
    expect(response.status).toBe(400);
    expect(response.body.error.details.issues[0].field).toBe('attachmentIds.0');
  });

  it('hides the chatter of a lead the caller may not read (404) and refuses posting on a read-only one (403)', async () => {
    const othersLead = await insertTestLead({ name: 'Not yours', userId: otherSalesman.userId });
    await context.request
      .get(`/api/v1/leads/${othersLead}/messages`)
      .set(salesman.auth)
      .expect(404);
    await context.request
      .post(`/api/v1/leads/${othersLead}/messages`)
      .set(salesman.auth)
      .send({ kind: 'note', bodyHtml: 'sneaky' })
      .expect(404);
    await context.request.get(`/api/v1/leads/${othersLead}/messages`).set(manager.auth).expect(200);
    await context.request
      .get(`/api/v1/leads/000000000000000000000000/messages`)
      .set(manager.auth)
      .expect(404);

    // An activity assigned to the salesman lets them read the lead, not write it.
    await mongoose.connection.collection('activities').insertOne({
      resModel: 'lead',
      resId: new mongoose.Types.ObjectId(othersLead),
      userId: new mongoose.Types.ObjectId(salesman.userId),
      dateDeadline: '2026-12-01',
      active: true,
    });
    await context.request
      .get(`/api/v1/leads/${othersLead}/messages`)
      .set(salesman.auth)
      .expect(200);
    await context.request
      .post(`/api/v1/leads/${othersLead}/messages`)
      .set(salesman.auth)
      .send({ kind: 'note', bodyHtml: 'x' })
      .expect(403);
    expect(
      await MessageModel.countDocuments({ resId: new mongoose.Types.ObjectId(othersLead) }),
    ).toBe(0);
  });

  it('requires authentication', async () => {
    const leadId = await insertTestLead({ name: 'Anon', userId: null });
    await context.request.get(`/api/v1/leads/${leadId}/messages`).expect(401);
  });
});

import { randomUUID } from 'node:crypto';
import type { ContactSyncResult } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { MessageModel } from '../messages/message.model';
import { PartnerModel } from '../partners/partner.model';
import { archivePartner, updatePartner } from '../partners/partner.service';
import { ContactChangeModel } from './contact-change.model';
import { pruneContactChanges } from './contact-change-log';
import { ContactConflictModel } from './contact-sync.model';
import { actorOf, contactSyncRequests } from './contact-sync.test-support';

useTestDatabase();
jest.setTimeout(60_000);
const context = createTestContext();
const { push, feed } = contactSyncRequests(context);

function createChange(name: string, extra: Record<string, unknown> = {}) {
  return {
    changeId: randomUUID(),
    op: 'create',
    localRef: `card-${name}`,
    fields: { name: { value: name }, ...extra },
  };
}

async function fullSync(
  user: TestUser,
  limit: number,
): Promise<{ ids: string[]; pages: number; token: string }> {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await feed(user, token, limit);
    pages += 1;
    for (const change of page.changes) if (!change.deleted) ids.push(change.id);
    token = page.nextToken;
    if (!page.hasMore) break;
  }
  return { ids, pages, token: token! };
}

describe('GET /api/v1/sync/contacts', () => {
  it('pages a first sync through every contact of the user, then serves only changes and tombstones', async () => {
    const user = await context.createUser({ accessLevel: 'own' });
    const created = await push(
      user,
      Array.from({ length: 25 }, (_, index) => createChange(`Contact ${index}`)),
    );
    expect(created.results.every((result) => result.status === 'applied')).toBe(true);

    const first = await fullSync(user, 10);
    expect(first.pages).toBe(3);
    expect(new Set(first.ids).size).toBe(25);
    expect(first.ids.sort()).toEqual(created.results.map((result) => result.id!).sort());

    expect((await feed(user, first.token)).changes).toEqual([]);

    const actor = await actorOf(user);
    const [edited, removed] = [created.results[3]!.id!, created.results[7]!.id!];
    await updatePartner(actor, edited, { jobPosition: 'Buyer' });
    await archivePartner(actor, removed);
    const next = await feed(user, first.token);
    expect(next.hasMore).toBe(false);
    const byId = new Map(next.changes.map((change) => [change.id, change]));
    expect(byId.size).toBe(2);
    expect(byId.get(edited)?.contact?.jobPosition).toBe('Buyer');
    expect(byId.get(removed)).toMatchObject({ deleted: true });
    expect(byId.get(removed)!.version).toBeGreaterThan(byId.get(edited)!.version);
  });

  it('answers 410 to a token older than the tombstone retention, and a full resync creates no duplicates', async () => {
    const user = await context.createUser({ accessLevel: 'own' });
    const created = await push(user, [
      createChange('Ana'),
      createChange('Bogdan'),
      createChange('Carmen'),
    ]);
    const { token: oldToken } = await fullSync(user, 2);
    const actor = await actorOf(user);
    await archivePartner(actor, created.results[0]!.id!);
    // Everything recorded so far is "old": the tombstone goes, the horizon moves past the old token.
    await pruneContactChanges(0, new Date(Date.now() + 1000));

    const expired = await context.request
      .get('/api/v1/sync/contacts')
      .query({ token: oldToken })
      .set(user.auth);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({
      code: 'gone',
      details: { reason: 'SYNC_TOKEN_EXPIRED' },
    });

    const resync = await fullSync(user, 1);
    expect(resync.ids.sort()).toEqual([created.results[1]!.id!, created.results[2]!.id!].sort());
    expect(
      await PartnerModel.countDocuments({ createdBy: user.userId, _id: { $ne: user.partnerId } }),
    ).toBe(3);
  });

  it('refuses forged tokens and tokens of another user with 410', async () => {
    const user = await context.createUser();
    const other = await context.createUser();
    const { token } = await fullSync(other, 5);
    const forged = await context.request
      .get('/api/v1/sync/contacts')
      .query({ token: 'abc.def' })
      .set(user.auth);
    expect(forged.status).toBe(410);
    const foreign = await context.request
      .get('/api/v1/sync/contacts')
      .query({ token })
      .set(user.auth);
    expect(foreign.status).toBe(410);
  });

  it('validates the query and requires authentication', async () => {
    const user = await context.createUser();
    const bad = await context.request
      .get('/api/v1/sync/contacts')
      .query({ limit: 0 })
      .set(user.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([
      expect.objectContaining({ field: 'query.limit' }),
    ]);
    expect((await context.request.get('/api/v1/sync/contacts')).status).toBe(401);
  });

  it('keeps each user to their own contacts in the "own" scope, and widens to their opportunities or team', async () => {
    const alice = await context.createUser({ accessLevel: 'own' });
    const bob = await context.createUser({ accessLevel: 'own' });
    await push(alice, [createChange('Alice customer')]);
    const bobs = await push(bob, [createChange('Bob customer')]);
    await context.request
      .put('/api/v1/sync/contacts/settings')
      .set(alice.auth)
      .send({ scope: 'own' })
      .expect(200);
    const aliceIds = (await fullSync(alice, 50)).ids;
    expect(aliceIds).not.toContain(bobs.results[0]!.id);
    expect(aliceIds).toHaveLength(1);
  });

  it('stops a changed scope token with 410 so the book is rebuilt for the new set', async () => {
    const user = await context.createUser();
    const { token } = await fullSync(user, 5);
    await context.request
      .put('/api/v1/sync/contacts/settings')
      .set(user.auth)
      .send({ scope: 'team' })
      .expect(200);
    expect(
      (await context.request.get('/api/v1/sync/contacts').query({ token }).set(user.auth)).status,
    ).toBe(410);
    const settings = await context.request.get('/api/v1/sync/contacts/settings').set(user.auth);
    expect(settings.body).toEqual({ scope: 'team' });
  });
});

describe('POST /api/v1/sync/contacts', () => {
  it('rejects a malformed batch with the fields named and writes nothing', async () => {
    const user = await context.createUser();
    const before = await PartnerModel.countDocuments();
    const response = await context.request
      .post('/api/v1/sync/contacts')
      .set(user.auth)
      .send({ clientId: 'x', changes: [{ changeId: 'short', op: 'update', fields: {} }] });
    expect(response.status).toBe(400);
    const fields = (response.body.error.details.issues as Array<{ field: string }>).map(
      (issue) => issue.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.changes.0.changeId',
        'body.changes.0.id',
        'body.changes.0.baseVersion',
      ]),
    );
    expect(await PartnerModel.countDocuments()).toBe(before);
  });

  it('reports an invalid value as a rejected item and applies the rest', async () => {
    const user = await context.createUser();
    const response = await push(user, [
      createChange('Good'),
      createChange('Bad', { countryCode: { value: 'Romania' } }),
    ]);
    expect(response.results.map((result) => result.status)).toEqual(['applied', 'rejected']);
    expect(response.results[1]!.error?.message).toMatch(/countryCode/);
    expect(await PartnerModel.countDocuments({ name: 'Bad' })).toBe(0);
  });

  it('replays a batch without changing anything and returns the same results', async () => {
    const user = await context.createUser();
    const batch = [createChange('Replay Person', { email: { value: 'replay@person.example' } })];
    const first = await push(user, batch);
    const partnerCount = await PartnerModel.countDocuments();
    const changeCount = await ContactChangeModel.countDocuments();
    const second = await push(user, batch);
    expect(second.results).toEqual(first.results);
    expect(second.replayed).toBe(1);
    expect(first.replayed).toBe(0);
    expect(await PartnerModel.countDocuments()).toBe(partnerCount);
    expect(await ContactChangeModel.countDocuments()).toBe(changeCount);
  });

  it('merges field by field; a field changed on both sides keeps the server value and records a conflict on the chatter', async () => {
    const user = await context.createUser();
    const [created] = (
      await push(user, [
        createChange('Margaret Lindqvist', {
          jobPosition: { value: 'Procurement Manager' },
          city: { value: 'Leeds' },
        }),
      ])
    ).results as [ContactSyncResult];
    const actor = await actorOf(user);
    await updatePartner(actor, created.id!, { jobPosition: 'Head of Procurement' });

    const [result] = (
      await push(user, [
        {
          changeId: randomUUID(),
          op: 'update',
          id: created.id,
          baseVersion: created.version,
          fields: {
            jobPosition: { value: 'Purchasing Lead', base: 'Procurement Manager' },
            city: { value: 'York', base: 'Leeds' },
          },
        },
      ])
    ).results as [ContactSyncResult];
    expect(result.status).toBe('conflict');
    expect(result.contact).toMatchObject({ jobPosition: 'Head of Procurement', city: 'York' });
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        kind: 'field',
        path: 'jobPosition',
        server: 'Head of Procurement',
        client: 'Purchasing Lead',
      }),
    ]);
    expect(await ContactConflictModel.countDocuments({ contactId: created.id })).toBe(1);
    const notes = await MessageModel.find({
      resModel: 'partner',
      resId: created.id,
      kind: 'note',
    }).lean();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.bodyHtml).toContain('Purchasing Lead');

    const listed = await context.request
      .get(`/api/v1/sync/contacts/${created.id}/conflicts`)
      .set(user.auth);
    expect(listed.body.items).toHaveLength(1);
  });

  it('merges against the server snapshot of the base version when the client sends no base values', async () => {
    const user = await context.createUser();
    const [created] = (
      await push(user, [createChange('Snapshot Person', { city: { value: 'Cluj' } })])
    ).results as [ContactSyncResult];
    await updatePartner(await actorOf(user), created.id!, { jobPosition: 'CFO' });
    const [result] = (
      await push(user, [
        {
          changeId: randomUUID(),
          op: 'update',
          id: created.id,
          baseVersion: created.version,
          fields: { city: { value: 'Iași' } },
        },
      ])
    ).results as [ContactSyncResult];
    expect(result.status).toBe('merged');
    expect(result.contact).toMatchObject({ city: 'Iași', jobPosition: 'CFO' });
  });

  it('does not delete a contact edited since the client’s version', async () => {
    const user = await context.createUser();
    const [created] = (await push(user, [createChange('Keep Me')])).results as [ContactSyncResult];
    await updatePartner(await actorOf(user), created.id!, { phone: '+40 721 000 000' });
    const [result] = (
      await push(user, [
        { changeId: randomUUID(), op: 'delete', id: created.id, baseVersion: created.version },
      ])
    ).results as [ContactSyncResult];
    expect(result.status).toBe('conflict');
    expect(result.conflicts?.[0]?.kind).toBe('delete-vs-edit');
    expect((await PartnerModel.findById(created.id).lean())?.active).toBe(true);

    const [deleted] = (
      await push(user, [
        { changeId: randomUUID(), op: 'delete', id: created.id, baseVersion: result.version },
      ])
    ).results as [ContactSyncResult];
    expect(deleted).toMatchObject({ status: 'applied', deleted: true });
    expect((await PartnerModel.findById(created.id).lean())?.active).toBe(false);
  });

  it('keeps nothing of a change it rejects, even after part of it ran', async () => {
    const user = await context.createUser();
    const [created] = (await push(user, [createChange('Stay Archived')])).results as [
      ContactSyncResult,
    ];
    await archivePartner(await actorOf(user), created.id!);
    const [result] = (
      await push(user, [
        {
          changeId: randomUUID(),
          op: 'update',
          id: created.id,
          baseVersion: created.version,
          fields: { countryCode: { value: 'Romania', base: null } },
        },
      ])
    ).results as [ContactSyncResult];
    expect(result).toMatchObject({ status: 'rejected', error: { code: 'validation_failed' } });
    expect((await PartnerModel.findById(created.id).lean())?.active).toBe(false);
    expect(await ContactConflictModel.countDocuments({ contactId: created.id })).toBe(0);
  });

  it('brings back a contact archived on the server when the client edits it', async () => {
    const user = await context.createUser();
    const [created] = (await push(user, [createChange('Back Again')])).results as [
      ContactSyncResult,
    ];
    await archivePartner(await actorOf(user), created.id!);
    const [result] = (
      await push(user, [
        {
          changeId: randomUUID(),
          op: 'update',
          id: created.id,
          baseVersion: created.version,
          fields: { city: { value: 'Brașov', base: null } },
        },
      ])
    ).results as [ContactSyncResult];
    expect(result.status).toBe('conflict');
    expect(result.conflicts?.[0]?.kind).toBe('edit-vs-delete');
    expect(result.contact?.city).toBe('Brașov');
  });
});

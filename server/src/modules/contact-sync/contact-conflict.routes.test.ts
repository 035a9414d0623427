import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type {
  ContactConflictPage,
  ContactConflictResolveResponse,
  ContactSyncResult,
} from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { MessageModel } from '../messages/message.model';
import { PartnerModel } from '../partners/partner.model';
import { archivePartner, updatePartner } from '../partners/partner.service';
import { ContactConflictModel } from './contact-sync.model';
import { actorOf, contactSyncRequests } from './contact-sync.test-support';

useTestDatabase();
jest.setTimeout(60_000);
const context = createTestContext();
const { push, feed } = contactSyncRequests(context);

async function syncedToken(user: TestUser): Promise<string> {
  let page = await feed(user);
  while (page.hasMore) page = await feed(user, page.nextToken);
  return page.nextToken;
}

function resolve(user: TestUser, conflictId: string, resolution: unknown) {
  return context.request
    .post(`/api/v1/sync/conflicts/${conflictId}/resolve`)
    .set(user.auth)
    .send({ resolution });
}

async function created(user: TestUser, name: string, fields: Record<string, unknown> = {}) {
  const [result] = (
    await push(user, [
      { changeId: randomUUID(), op: 'create', fields: { name: { value: name }, ...fields } },
    ])
  ).results as [ContactSyncResult];
  return result;
}

/**
 * The CRM changes `field` to `crmValue` while the user's address book changes it from `base`
 * to `deviceValue`: a field conflict, the CRM value kept.
 */
async function fieldConflict(
  user: TestUser,
  options: { field?: string; base?: string; crmValue?: string; deviceValue?: string } = {},
) {
  const field = options.field ?? 'jobPosition';
  const base = options.base ?? 'Procurement Manager';
  const contact = await created(user, `Margaret ${randomUUID().slice(0, 6)}`, {
    [field]: { value: base },
  });
  await updatePartner(await actorOf(user), contact.id!, {
    [field]: options.crmValue ?? 'Head of Procurement',
  });
  const update = {
    changeId: randomUUID(),
    op: 'update',
    id: contact.id,
    baseVersion: contact.version,
    fields: { [field]: { value: options.deviceValue ?? 'Purchasing Lead', base } },
  };
  const [result] = (await push(user, [update])).results as [ContactSyncResult];
  expect(result.status).toBe('conflict');
  return {
    contactId: contact.id!,
    conflict: result.conflicts![0]!,
    version: result.version!,
    update,
  };
}

async function notesOf(contactId: string): Promise<string[]> {
  const notes = await MessageModel.find({ resModel: 'partner', resId: contactId, kind: 'note' })
    .sort({ _id: 1 })
    .lean();
  return notes.map((note) => note.bodyHtml ?? '');
}

describe('POST /api/v1/sync/conflicts/:id/resolve', () => {
  it('keep-crm marks the conflict resolved and leaves the contact and its version alone', async () => {
    const user = await context.createUser({ name: 'Sofia Keeper' });
    const { contactId, conflict, version } = await fieldConflict(user);

    const response = await resolve(user, conflict.id, 'keep-crm');
    expect(response.status).toBe(200);
    const body = response.body as ContactConflictResolveResponse;
    expect(body.conflict).toMatchObject({
      id: conflict.id,
      path: 'jobPosition',
      resolution: 'keep-crm',
      resolvedBy: user.userId,
    });
    expect(Date.parse(body.conflict.resolvedAt)).not.toBeNaN();
    expect(body.version).toBe(version);
    expect(body.contact?.jobPosition).toBe('Head of Procurement');
    expect((await PartnerModel.findById(contactId).lean())?.jobPosition).toBe(
      'Head of Procurement',
    );
    const stored = await ContactConflictModel.findById(conflict.id).lean();
    expect(stored).toMatchObject({ resolution: 'keep-crm' });
    expect(stored?.resolvedAt).toBeInstanceOf(Date);
    expect((await notesOf(contactId)).at(-1)).toContain('Sofia Keeper');
    expect((await notesOf(contactId)).at(-1)).toContain('kept the CRM value');
  });

  it('use-device writes the device value as a CRM edit that reaches every address book', async () => {
    const raiser = await context.createUser({ name: 'Sofia Device' });
    const manager = await context.createUser({ accessLevel: 'manager', name: 'Mara Manager' });
    const salesperson = await context.createUser({ accessLevel: 'own' });
    const { contactId, conflict, version } = await fieldConflict(raiser);
    // The contact is also in the salesperson's book ("own" scope: contacts they are salesperson of).
    await updatePartner(await actorOf(raiser), contactId, { userId: salesperson.userId });
    const raiserToken = await syncedToken(raiser);
    const salespersonToken = await syncedToken(salesperson);

    const response = await resolve(manager, conflict.id, 'use-device');
    expect(response.status).toBe(200);
    const body = response.body as ContactConflictResolveResponse;
    expect(body.conflict).toMatchObject({ resolution: 'use-device', resolvedBy: manager.userId });
    expect(body.contact?.jobPosition).toBe('Purchasing Lead');
    expect(body.version).toBeGreaterThan(version);
    expect((await PartnerModel.findById(contactId).lean())?.jobPosition).toBe('Purchasing Lead');

    for (const [user, token] of [
      [raiser, raiserToken],
      [salesperson, salespersonToken],
    ] as const) {
      const changes = (await feed(user, token)).changes;
      expect(changes).toEqual([
        expect.objectContaining({
          id: contactId,
          version: body.version,
          contact: expect.objectContaining({ jobPosition: 'Purchasing Lead' }),
        }),
      ]);
    }
    const note = (await notesOf(contactId)).at(-1);
    expect(note).toContain('Mara Manager');
    expect(note).toContain('Purchasing Lead');
    expect(note).toContain("thunderbird (Sofia's laptop)");
  });

  it('use-device on a delete-vs-edit conflict archives the contact (a tombstone in the feed); keep-crm keeps it', async () => {
    const user = await context.createUser();
    const conflictOf = async (name: string) => {
      const contact = await created(user, name);
      await updatePartner(await actorOf(user), contact.id!, { phone: '+40 721 000 000' });
      const [result] = (
        await push(user, [
          { changeId: randomUUID(), op: 'delete', id: contact.id, baseVersion: contact.version },
        ])
      ).results as [ContactSyncResult];
      expect(result.conflicts?.[0]?.kind).toBe('delete-vs-edit');
      return { contactId: contact.id!, conflictId: result.conflicts![0]!.id };
    };
    const deleted = await conflictOf('Delete Me');
    const kept = await conflictOf('Keep Me');
    const token = await syncedToken(user);

    const useDevice = await resolve(user, deleted.conflictId, 'use-device');
    expect(useDevice.status).toBe(200);
    expect(useDevice.body).toMatchObject({ deleted: true });
    expect(useDevice.body.contact).toBeUndefined();
    expect((await PartnerModel.findById(deleted.contactId).lean())?.active).toBe(false);

    const keepCrm = await resolve(user, kept.conflictId, 'keep-crm');
    expect(keepCrm.status).toBe(200);
    expect(keepCrm.body.contact?.name).toBe('Keep Me');
    expect((await PartnerModel.findById(kept.contactId).lean())?.active).toBe(true);

    expect((await feed(user, token)).changes).toEqual([
      { id: deleted.contactId, version: useDevice.body.version, deleted: true },
    ]);
  });

  it('an edit-vs-delete conflict: keep-crm archives the contact again, use-device keeps it restored', async () => {
    const user = await context.createUser();
    const conflictOf = async (name: string) => {
      const contact = await created(user, name);
      await archivePartner(await actorOf(user), contact.id!);
      const [result] = (
        await push(user, [
          {
            changeId: randomUUID(),
            op: 'update',
            id: contact.id,
            baseVersion: contact.version,
            fields: { city: { value: 'Brașov', base: null } },
          },
        ])
      ).results as [ContactSyncResult];
      expect(result.conflicts?.[0]?.kind).toBe('edit-vs-delete');
      return { contactId: contact.id!, conflictId: result.conflicts![0]!.id };
    };
    const archivedAgain = await conflictOf('Archive Again');
    const restored = await conflictOf('Stay Restored');

    const keepCrm = await resolve(user, archivedAgain.conflictId, 'keep-crm');
    expect(keepCrm.status).toBe(200);
    expect(keepCrm.body.deleted).toBe(true);
    expect((await PartnerModel.findById(archivedAgain.contactId).lean())?.active).toBe(false);

    const useDevice = await resolve(user, restored.conflictId, 'use-device');
    expect(useDevice.status).toBe(200);
    expect(useDevice.body.contact).toMatchObject({ name: 'Stay Restored', city: 'Brașov' });
    expect((await PartnerModel.findById(restored.contactId).lean())?.active).toBe(true);
  });

  it('use-device on an emails[<address>] conflict adds or removes that address', async () => {
    const user = await context.createUser();
    const contact = await created(user, 'Two Addresses', {
      email: { value: 'margaret@bluefin.example' },
      emails: { value: ['m.lindqvist@bluefin.example'] },
    });
    // Conflict records as the merge keeps them for one address of the set.
    const conflictFor = async (address: string, client: string | null) =>
      String(
        (
          await ContactConflictModel.create({
            contactId: new Types.ObjectId(contact.id!),
            kind: 'field',
            path: `emails[${address}]`,
            base: null,
            server: client === null ? address : null,
            client,
            changeId: randomUUID(),
            userId: new Types.ObjectId(user.userId),
            source: { clientId: 'tb-laptop', host: 'thunderbird' },
            detectedAt: new Date(),
          })
        )._id,
      );
    const addConflictId = await conflictFor('sales@bluefin.example', 'sales@bluefin.example');
    const listed = await context.request
      .get('/api/v1/sync/conflicts')
      .query({ contactId: contact.id })
      .set(user.auth);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ path: 'emails[sales@bluefin.example]', current: null }),
    ]);
    const added = await resolve(user, addConflictId, 'use-device');
    expect(added.status).toBe(200);
    expect(added.body.contact).toMatchObject({
      email: 'margaret@bluefin.example',
      emails: ['m.lindqvist@bluefin.example', 'sales@bluefin.example'],
    });

    const removed = await resolve(
      user,
      await conflictFor('M.Lindqvist@bluefin.example', null),
      'use-device',
    );
    expect(removed.status).toBe(200);
    expect(removed.body.contact).toMatchObject({
      email: 'margaret@bluefin.example',
      emails: ['sales@bluefin.example'],
    });
    expect(removed.body.version).toBeGreaterThan(added.body.version);

    const primaryRemoved = await resolve(
      user,
      await conflictFor('margaret@bluefin.example', null),
      'use-device',
    );
    expect(primaryRemoved.status).toBe(200);
    expect(primaryRemoved.body.contact).toMatchObject({
      email: 'sales@bluefin.example',
      emails: [],
    });
  });

  it('answers 400 naming resolution when the device value is not valid, and writes nothing', async () => {
    const user = await context.createUser();
    const { contactId, conflict, version } = await fieldConflict(user, {
      field: 'countryCode',
      base: 'RO',
      crmValue: 'DE',
      deviceValue: 'Romania',
    });
    const response = await resolve(user, conflict.id, 'use-device');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.issues).toEqual([
      { field: 'resolution', message: expect.stringContaining('countryCode') },
    ]);
    expect((await ContactConflictModel.findById(conflict.id).lean())?.resolvedAt).toBeNull();
    expect((await PartnerModel.findById(contactId).lean())?.countryCode).toBe('DE');
    const state = await resolve(user, conflict.id, 'keep-crm');
    expect(state.status).toBe(200);
    expect(state.body.version).toBe(version);
  });

  it('validates the body and the id, answers 404 to an unknown conflict and 401 without credentials', async () => {
    const user = await context.createUser();
    const { conflict } = await fieldConflict(user);
    const bad = await resolve(user, conflict.id, 'take-both');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('body.resolution');
    const missing = await context.request
      .post(`/api/v1/sync/conflicts/${conflict.id}/resolve`)
      .set(user.auth)
      .send({});
    expect(missing.status).toBe(400);
    expect((await resolve(user, 'not-an-id', 'keep-crm')).status).toBe(400);
    const unknown = await resolve(user, new Types.ObjectId().toString(), 'keep-crm');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const anonymous = await context.request
      .post(`/api/v1/sync/conflicts/${conflict.id}/resolve`)
      .send({ resolution: 'keep-crm' });
    expect(anonymous.status).toBe(401);
    expect((await ContactConflictModel.findById(conflict.id).lean())?.resolvedAt).toBeNull();
  });

  it('answers 409 to a second resolve, with the stored resolution, and changes nothing more', async () => {
    const user = await context.createUser();
    const other = await context.createUser({ accessLevel: 'all' });
    const { contactId, conflict } = await fieldConflict(user);
    const first = await resolve(user, conflict.id, 'use-device');
    expect(first.status).toBe(200);
    const notesAfterFirst = (await notesOf(contactId)).length;

    const again = await resolve(other, conflict.id, 'keep-crm');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'conflict',
      details: {
        resolution: 'use-device',
        resolvedBy: user.userId,
        resolvedAt: first.body.conflict.resolvedAt,
      },
    });
    expect((await ContactConflictModel.findById(conflict.id).lean())?.resolution).toBe(
      'use-device',
    );
    expect((await notesOf(contactId)).length).toBe(notesAfterFirst);
  });

  it('lets exactly one of two concurrent resolves win', async () => {
    const user = await context.createUser();
    const colleague = await context.createUser({ accessLevel: 'manager' });
    const { contactId, conflict, version } = await fieldConflict(user);
    const answers = await Promise.all([
      resolve(user, conflict.id, 'use-device'),
      resolve(colleague, conflict.id, 'keep-crm'),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!;
    const stored = await ContactConflictModel.findById(conflict.id).lean();
    expect(stored?.resolution).toBe(winner.body.conflict.resolution);
    const resolvedNotes = (await notesOf(contactId)).filter((note) => note.includes('resolved'));
    expect(resolvedNotes).toHaveLength(1);
    const jobPosition = (await PartnerModel.findById(contactId).lean())?.jobPosition;
    expect(jobPosition).toBe(
      winner.body.conflict.resolution === 'use-device' ? 'Purchasing Lead' : 'Head of Procurement',
    );
    if (winner.body.conflict.resolution === 'use-device')
      expect(winner.body.version).toBeGreaterThan(version);
    else expect(winner.body.version).toBe(version);
  });

  it('a replayed sync push after the resolution returns the stored result and reopens nothing', async () => {
    const user = await context.createUser();
    const { contactId, conflict, update } = await fieldConflict(user);
    expect((await resolve(user, conflict.id, 'use-device')).status).toBe(200);
    const replay = await push(user, [update]);
    expect(replay.replayed).toBe(1);
    expect(replay.results[0]!.conflicts?.[0]?.id).toBe(conflict.id);
    expect(await ContactConflictModel.countDocuments({ contactId, resolvedAt: null })).toBe(0);
    expect((await PartnerModel.findById(contactId).lean())?.jobPosition).toBe('Purchasing Lead');
  });

  it('an own salesperson resolves conflicts of their own book or contacts, not a colleague’s over a colleague’s contact', async () => {
    const own = await context.createUser({ accessLevel: 'own' });
    const colleague = await context.createUser({ accessLevel: 'own' });
    const theirs = await fieldConflict(colleague);
    await updatePartner(await actorOf(colleague), theirs.contactId, { userId: colleague.userId });
    const forbidden = await resolve(own, theirs.conflict.id, 'keep-crm');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    expect((await ContactConflictModel.findById(theirs.conflict.id).lean())?.resolvedAt).toBeNull();

    // Unassigned contact (no salesperson): the own-documents rule lets them decide.
    const unassigned = await fieldConflict(colleague);
    expect((await resolve(own, unassigned.conflict.id, 'keep-crm')).status).toBe(200);
    // Their own address book's conflict, on the colleague's contact.
    const mine = await fieldConflict(own);
    await updatePartner(await actorOf(own), mine.contactId, { userId: colleague.userId });
    expect((await resolve(own, mine.conflict.id, 'keep-crm')).status).toBe(200);
  });
});

describe('GET /api/v1/sync/conflicts', () => {
  it('lists open conflicts newest first with the contact name, pages, filters by contact and drops resolved ones', async () => {
    const own = await context.createUser({ accessLevel: 'own' });
    const colleague = await context.createUser({ accessLevel: 'own' });
    const older = await fieldConflict(colleague);
    await updatePartner(await actorOf(colleague), older.contactId, { userId: colleague.userId });
    const newer = await fieldConflict(own);

    const list = async (query: Record<string, string | number>) => {
      const response = await context.request
        .get('/api/v1/sync/conflicts')
        .query(query)
        .set(own.auth);
      expect(response.status).toBe(200);
      return response.body as ContactConflictPage;
    };
    const everything = await list({ limit: 200 });
    const ours = everything.items.filter((item) =>
      [older.conflict.id, newer.conflict.id].includes(item.id),
    );
    expect(ours.map((item) => item.id)).toEqual([newer.conflict.id, older.conflict.id]);
    expect(ours[0]).toMatchObject({
      contactId: newer.contactId,
      contactName: expect.stringMatching(/^Margaret /),
      path: 'jobPosition',
      server: 'Head of Procurement',
      client: 'Purchasing Lead',
      source: { clientId: 'tb-laptop', host: 'thunderbird', device: "Sofia's laptop" },
      canResolve: true,
    });
    expect(ours[1]!.canResolve).toBe(false);
    expect(ours[0]!.current).toBe('Head of Procurement');

    // The CRM changed the field again since: `server` stays the value of the conflict, `current`
    // is what keep-crm keeps.
    await updatePartner(await actorOf(own), newer.contactId, { jobPosition: 'Chief Buyer' });
    const changed = (await list({ contactId: newer.contactId })).items[0]!;
    expect(changed).toMatchObject({ server: 'Head of Procurement', current: 'Chief Buyer' });
    expect(everything.total).toBe(everything.items.length);

    const firstPage = await list({ limit: 1, offset: 0 });
    expect(firstPage).toMatchObject({ limit: 1, offset: 0, total: everything.total });
    expect(firstPage.items).toHaveLength(1);
    expect((await list({ limit: 1, offset: 1 })).items[0]!.id).toBe(everything.items[1]!.id);

    const ofContact = await list({ contactId: older.contactId });
    expect(ofContact.items.map((item) => item.id)).toEqual([older.conflict.id]);

    expect((await resolve(own, newer.conflict.id, 'keep-crm')).status).toBe(200);
    const after = await list({ limit: 200 });
    expect(after.items.map((item) => item.id)).not.toContain(newer.conflict.id);
    expect(after.total).toBe(everything.total - 1);

    const perContact = await context.request
      .get(`/api/v1/sync/contacts/${newer.contactId}/conflicts`)
      .set(own.auth);
    expect(perContact.body.items).toEqual([]);
  });

  it('rejects a bad query with the field named', async () => {
    const user = await context.createUser();
    const response = await context.request
      .get('/api/v1/sync/conflicts')
      .query({ contactId: 'nope', limit: 0 })
      .set(user.auth);
    expect(response.status).toBe(400);
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields).toEqual(expect.arrayContaining(['query.contactId', 'query.limit']));
  });
});

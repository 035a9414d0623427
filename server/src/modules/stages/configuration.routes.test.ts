import mongoose from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { AuditEventModel } from '../audit/audit-event.model';
import { ContactChangeModel } from '../contact-sync/contact-change.model';
import { StageModel } from './stage.model';
import { TeamModel } from '../teams/team.model';
import { TagModel } from '../tags/tag.model';
import { LostReasonModel } from '../lost-reasons/lost-reason.model';

useTestDatabase();
// Each case drives several transactional requests; the shared 2-core machine is slow at times.
jest.setTimeout(30_000);
const context = createTestContext();
let manager: TestUser;
let salesperson: TestUser;
let admin: TestUser;

beforeAll(async () => {
  manager = await context.createUser({ accessLevel: 'manager' });
  salesperson = await context.createUser({ accessLevel: 'own' });
  admin = await context.createUser({ accessLevel: 'all', isAdmin: true });
});

describe('stages', () => {
  it('creates, orders, filters by team, updates and deletes stages (managers only), audited', async () => {
    const team = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({ name: 'Stage Team', leaderId: manager.userId });
    expect(team.status).toBe(201);
    const shared = await context.request
      .post('/api/v1/stages')
      .set(manager.auth)
      .send({ name: 'Qualified', sequence: 2, probability: 20, autoProbability: true });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({
      name: 'Qualified',
      sequence: 2,
      probability: 20,
      autoProbability: true,
      isWon: false,
      fold: false,
      teamIds: [],
    });
    const first = await context.request
      .post('/api/v1/stages')
      .set(manager.auth)
      .send({ name: 'New', sequence: 1 });
    const own = await context.request
      .post('/api/v1/stages')
      .set(manager.auth)
      .send({ name: 'Team only', sequence: 3, teamIds: [team.body.id] });
    expect(own.status).toBe(201);

    const all = await context.request.get('/api/v1/stages').set(salesperson.auth);
    expect(all.status).toBe(200);
    expect(all.body.items.map((stage: { name: string }) => stage.name)).toEqual([
      'New',
      'Qualified',
      'Team only',
    ]);

    const otherTeam = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({ name: 'Other' });
    const forOther = await context.request
      .get(`/api/v1/stages?teamId=${otherTeam.body.id}`)
      .set(salesperson.auth);
    expect(forOther.body.items.map((stage: { name: string }) => stage.name)).toEqual([
      'New',
      'Qualified',
    ]);
    const teamView = await context.request
      .get(`/api/v1/teams/${team.body.id}`)
      .set(salesperson.auth);
    expect(teamView.body.stageIds).toEqual([first.body.id, shared.body.id, own.body.id]);

    const denied = await context.request
      .post('/api/v1/stages')
      .set(salesperson.auth)
      .send({ name: 'Nope' });
    expect(denied.status).toBe(403);
    expect(await StageModel.countDocuments({ name: 'Nope' })).toBe(0);

    const patched = await context.request
      .patch(`/api/v1/stages/${shared.body.id}`)
      .set(manager.auth)
      .send({ fold: true, requirements: 'Budget known' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ fold: true, requirements: 'Budget known' });

    const removed = await context.request.delete(`/api/v1/stages/${own.body.id}`).set(manager.auth);
    expect(removed.status).toBe(204);
    expect(await StageModel.exists({ _id: own.body.id })).toBeNull();
    const audited = await AuditEventModel.find({
      action: { $in: ['stage.create', 'stage.update', 'stage.delete'] },
    }).lean();
    expect(audited.length).toBe(5);
  });

  it('rejects bad stage input naming each field, writing nothing', async () => {
    const before = await StageModel.countDocuments();
    const response = await context.request
      .post('/api/v1/stages')
      .set(manager.auth)
      .send({ name: '', probability: 150, sequence: 'first', teamIds: ['nope'], colour: 1 });
    expect(response.status).toBe(400);
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.probability',
        'body.sequence',
        'body.teamIds.0',
        'body',
      ]),
    );
    const unknownTeam = await context.request
      .post('/api/v1/stages')
      .set(manager.auth)
      .send({ name: 'X', teamIds: [new mongoose.Types.ObjectId().toHexString()] });
    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.error.details.issues[0].field).toBe('body.teamIds');
    expect(await StageModel.countDocuments()).toBe(before);
  });

  it('answers 404 for unknown stages and validates pagination bounds', async () => {
    const missing = await context.request
      .get(`/api/v1/stages/${new mongoose.Types.ObjectId().toHexString()}`)
      .set(salesperson.auth);
    expect(missing.status).toBe(404);
    for (const query of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc']) {
      const response = await context.request.get(`/api/v1/stages?${query}`).set(salesperson.auth);
      expect(response.status).toBe(400);
    }
    const beyond = await context.request.get('/api/v1/stages?offset=1000').set(salesperson.auth);
    expect(beyond.status).toBe(200);
    expect(beyond.body.items).toEqual([]);
    expect(beyond.body.total).toBeGreaterThan(0);
    const page = await context.request.get('/api/v1/stages?limit=1&offset=1').set(salesperson.auth);
    expect(page.body.items).toHaveLength(1);
    expect(page.body).toMatchObject({ limit: 1, offset: 1 });
  });
});

describe('teams', () => {
  it('creates a team with members, alias and target; alias is unique; findTeamIds covers leader and active members', async () => {
    const member = await context.createUser({ accessLevel: 'own' });
    const created = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({
        name: 'Europe',
        leaderId: manager.userId,
        members: [{ userId: member.userId }, { userId: salesperson.userId, active: false }],
        useLeads: true,
        alias: { name: 'Europe-Sales', contact: 'partners' },
        invoicedTarget: 25000.456,
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Europe',
      leaderId: manager.userId,
      memberUserIds: [member.userId],
      useLeads: true,
      useOpportunities: true,
      alias: { name: 'europe-sales', domain: '', contact: 'partners', defaultType: 'lead' },
      invoicedTarget: 25000.46,
      active: true,
    });
    const clash = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({ name: 'Copy', alias: { name: 'europe-sales' } });
    expect(clash.status).toBe(409);
    expect(await TeamModel.countDocuments({ name: 'Copy' })).toBe(0);

    const { findTeamIdsForUser } = await import('../teams/team.service');
    expect(await findTeamIdsForUser(member.userId)).toEqual([created.body.id]);
    expect(await findTeamIdsForUser(salesperson.userId)).not.toContain(created.body.id);
    expect(await findTeamIdsForUser(manager.userId)).toContain(created.body.id);
  });

  it('lets only the leading manager or an admin change a team; archive hides it from the default list', async () => {
    const otherManager = await context.createUser({ accessLevel: 'manager' });
    const team = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({ name: 'Led', leaderId: manager.userId });
    const denied = await context.request
      .patch(`/api/v1/teams/${team.body.id}`)
      .set(otherManager.auth)
      .send({ invoicedTarget: 5 });
    expect(denied.status).toBe(403);
    const bySalesperson = await context.request
      .patch(`/api/v1/teams/${team.body.id}`)
      .set(salesperson.auth)
      .send({ invoicedTarget: 5 });
    expect(bySalesperson.status).toBe(403);
    const byLeader = await context.request
      .patch(`/api/v1/teams/${team.body.id}`)
      .set(manager.auth)
      .send({ invoicedTarget: 5000, members: [{ userId: salesperson.userId }] });
    expect(byLeader.status).toBe(200);
    expect(byLeader.body).toMatchObject({
      invoicedTarget: 5000,
      memberUserIds: [salesperson.userId],
    });
    const byAdmin = await context.request.delete(`/api/v1/teams/${team.body.id}`).set(admin.auth);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.active).toBe(false);
    const list = await context.request.get('/api/v1/teams?limit=200').set(salesperson.auth);
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(team.body.id);
    const archived = await context.request
      .get('/api/v1/teams?includeArchived=1&limit=200')
      .set(salesperson.auth);
    expect(archived.body.items.map((item: { id: string }) => item.id)).toContain(team.body.id);
    expect(
      await AuditEventModel.countDocuments({ action: 'team.archive', targetId: team.body.id }),
    ).toBe(1);
  });

  it('rejects bad team input naming each field', async () => {
    const before = await TeamModel.countDocuments();
    const response = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({
        name: ' ',
        invoicedTarget: -1,
        alias: { name: 'not an alias!' },
        members: [{ userId: 'x' }],
      });
    expect(response.status).toBe(400);
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.invoicedTarget',
        'body.alias.name',
        'body.members.0.userId',
      ]),
    );
    const ghost = await context.request
      .post('/api/v1/teams')
      .set(manager.auth)
      .send({ name: 'Ghost', leaderId: new mongoose.Types.ObjectId().toHexString() });
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.details.issues[0].field).toBe('body.leaderId');
    expect(await TeamModel.countDocuments()).toBe(before);
  });
});

describe('tags and lost reasons', () => {
  it('lets salespeople create tags, refuses duplicates per kind, and only managers delete', async () => {
    const created = await context.request
      .post('/api/v1/tags')
      .set(salesperson.auth)
      .send({ name: 'Énergie', color: 3 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'lead', name: 'Énergie', color: 3 });
    const duplicate = await context.request
      .post('/api/v1/tags')
      .set(salesperson.auth)
      .send({ name: 'energie' });
    expect(duplicate.status).toBe(409);
    const before = await TagModel.countDocuments();
    const bad = await context.request
      .post('/api/v1/tags')
      .set(salesperson.auth)
      .send({ name: '', kind: 'deal', color: 12, parentId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((issue: { field: string }) => issue.field)).toEqual(
      expect.arrayContaining(['body.name', 'body.kind', 'body.color', 'body.parentId']),
    );
    const nestedLeadTag = await context.request
      .post('/api/v1/tags')
      .set(salesperson.auth)
      .send({ name: 'Child', parentId: created.body.id });
    expect(nestedLeadTag.status).toBe(400);
    expect(nestedLeadTag.body.error.details.issues[0].field).toBe('body.parentId');
    expect(await TagModel.countDocuments()).toBe(before);
    const partnerKind = await context.request
      .post('/api/v1/tags')
      .set(salesperson.auth)
      .send({ name: 'energie', kind: 'partner' });
    expect(partnerKind.status).toBe(201);
    const search = await context.request
      .get('/api/v1/tags?search=ENER&kind=lead')
      .set(salesperson.auth);
    expect(search.body.items.map((tag: { id: string }) => tag.id)).toEqual([created.body.id]);
    const denied = await context.request
      .delete(`/api/v1/tags/${created.body.id}`)
      .set(salesperson.auth);
    expect(denied.status).toBe(403);
    const removed = await context.request
      .delete(`/api/v1/tags/${created.body.id}`)
      .set(manager.auth);
    expect(removed.status).toBe(204);
    expect(await TagModel.exists({ _id: created.body.id })).toBeNull();

    // A deleted partner tag leaves its partners, and each of them is a contact change for the sync.
    const tagged = await context.request
      .post('/api/v1/partners')
      .set(salesperson.auth)
      .send({ name: 'Tagged', tagIds: [partnerKind.body.id] });
    expect(tagged.status).toBe(201);
    const taggedId = new mongoose.Types.ObjectId(tagged.body.id);
    const changesBefore = await ContactChangeModel.countDocuments({ partnerId: taggedId });
    await context.request
      .delete(`/api/v1/tags/${partnerKind.body.id}`)
      .set(manager.auth)
      .expect(204);
    const partner = await context.request
      .get(`/api/v1/partners/${tagged.body.id}`)
      .set(salesperson.auth);
    expect(partner.body.tagIds).toEqual([]);
    expect(await ContactChangeModel.countDocuments({ partnerId: taggedId })).toBe(
      changesBefore + 1,
    );
  });

  it('manages lost reasons (managers), hides archived ones unless asked, refuses bad input', async () => {
    const denied = await context.request
      .post('/api/v1/lost-reasons')
      .set(salesperson.auth)
      .send({ name: 'Too expensive' });
    expect(denied.status).toBe(403);
    const created = await context.request
      .post('/api/v1/lost-reasons')
      .set(manager.auth)
      .send({ name: 'Too expensive', nameI18n: { ro: 'Prea scump' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Too expensive',
      active: true,
      leadCount: 0,
      nameI18n: { ro: 'Prea scump' },
    });
    const archived = await context.request
      .patch(`/api/v1/lost-reasons/${created.body.id}`)
      .set(manager.auth)
      .send({ active: false });
    expect(archived.body.active).toBe(false);
    const list = await context.request.get('/api/v1/lost-reasons').set(salesperson.auth);
    expect(list.body.items.map((reason: { id: string }) => reason.id)).not.toContain(
      created.body.id,
    );
    const withArchived = await context.request
      .get('/api/v1/lost-reasons?includeArchived=true')
      .set(salesperson.auth);
    expect(withArchived.body.items.map((reason: { id: string }) => reason.id)).toContain(
      created.body.id,
    );
    const bad = await context.request
      .post('/api/v1/lost-reasons')
      .set(manager.auth)
      .send({ name: '', active: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((issue: { field: string }) => issue.field)).toEqual(
      expect.arrayContaining(['body.name', 'body']),
    );
    expect(await LostReasonModel.countDocuments()).toBe(1);
    const removed = await context.request
      .delete(`/api/v1/lost-reasons/${created.body.id}`)
      .set(manager.auth);
    expect(removed.status).toBe(204);
  });
});

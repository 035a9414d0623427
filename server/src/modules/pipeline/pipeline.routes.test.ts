import { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { ActivityModel } from '../activities/activity.model';

useTestDatabase();
// Each case drives several transactional requests; the shared 2-core machine is slow at times.
jest.setTimeout(30_000);
const context = createTestContext();
const api = '/api/v1';

let manager: TestUser;
let seller: TestUser;
let colleague: TestUser;
let teamId: string;
let otherTeamId: string;
const stages: Record<string, string> = {};

async function post(user: TestUser, path: string, body: unknown) {
  const response = await context.request
    .post(`${api}${path}`)
    .set(user.auth)
    .send(body as object);
  if (response.status >= 300)
    throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string } & Record<string, unknown>;
}

function isoDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  manager = await context.createUser({ accessLevel: 'manager' });
  seller = await context.createUser({ accessLevel: 'own' });
  colleague = await context.createUser({ accessLevel: 'own' });
  teamId = (
    await post(manager, '/teams', {
      name: 'Pipeline team',
      leaderId: manager.userId,
      members: [{ userId: seller.userId }, { userId: colleague.userId }],
      invoicedTarget: 2000,
    })
  ).id;
  otherTeamId = (await post(manager, '/teams', { name: 'Other team' })).id;
  stages.new = (
    await post(manager, '/stages', {
      name: 'New',
      sequence: 1,
      probability: 10,
      autoProbability: true,
    })
  ).id;
  stages.proposal = (
    await post(manager, '/stages', {
      name: 'Proposal',
      sequence: 2,
      probability: 50,
      autoProbability: true,
      teamIds: [teamId],
    })
  ).id;
  stages.hidden = (
    await post(manager, '/stages', { name: 'Other only', sequence: 3, teamIds: [otherTeamId] })
  ).id;
  stages.parked = (await post(manager, '/stages', { name: 'Parked', sequence: 60, fold: true })).id;
  stages.won = (await post(manager, '/stages', { name: 'Won', sequence: 70, isWon: true })).id;
});

describe('team pipeline', () => {
  it('returns the team’s columns in order with counts, sums and cards (priority desc, newest first)', async () => {
    const company = await post(seller, '/partners', { name: 'Acme Europe', isCompany: true });
    const contact = await post(seller, '/partners', { name: 'Jo Buyer', parentId: company.id });
    const low = await post(seller, '/leads', {
      type: 'opportunity',
      name: 'Low',
      expectedRevenue: 100,
      priority: '0',
      partnerId: contact.id,
    });
    const high = await post(seller, '/leads', {
      type: 'opportunity',
      name: 'High',
      expectedRevenue: 300,
      priority: '3',
      partnerName: 'Typed Co',
    });
    const newer = await post(seller, '/leads', {
      type: 'opportunity',
      name: 'Newer low',
      expectedRevenue: 50,
      priority: '0',
    });
    const proposal = await post(seller, '/leads', {
      type: 'opportunity',
      name: 'In proposal',
      expectedRevenue: 1000,
      stageId: stages.proposal,
      dateDeadline: isoDate(-3),
    });
    await post(colleague, '/leads', {
      type: 'opportunity',
      name: 'Colleague deal',
      expectedRevenue: 999,
    });
    await post(seller, '/leads', { type: 'lead', name: 'Just a lead', expectedRevenue: 7 });
    await ActivityModel.create({
      resModel: 'lead',
      resId: new Types.ObjectId(low.id),
      dateDeadline: isoDate(-1),
      userId: new Types.ObjectId(seller.userId),
      summary: 'Send quote',
    });
    await ActivityModel.create({
      resModel: 'lead',
      resId: new Types.ObjectId(low.id),
      dateDeadline: isoDate(5),
      userId: new Types.ObjectId(seller.userId),
      summary: 'Later',
    });

    const response = await context.request.get(`${api}/teams/${teamId}/pipeline`).set(manager.auth);
    expect(response.status).toBe(200);
    const columns = response.body.columns as Array<
      Record<string, unknown> & { cards: Array<Record<string, unknown>> }
    >;
    expect(columns.map((column) => column.name)).toEqual(['New', 'Proposal', 'Parked', 'Won']);
    const [newColumn, proposalColumn, parked] = columns;
    expect(newColumn).toMatchObject({
      count: 4,
      expectedRevenue: 1449,
      proratedRevenue: 144.9,
      folded: false,
    });
    expect(newColumn?.cards.map((card) => card.name)).toEqual([
      'High',
      'Colleague deal',
      'Newer low',
      'Low',
    ]);
    expect(newColumn?.cards.find((card) => card.id === low.id)).toMatchObject({
      customerName: 'Acme Europe, Jo Buyer',
      nextActivity: expect.objectContaining({ summary: 'Send quote' }),
      activityState: 'overdue',
    });
    expect(newColumn?.cards.find((card) => card.id === high.id)).toMatchObject({
      customerName: 'Typed Co',
      activityState: 'none',
      priority: '3',
    });
    expect(newColumn?.cards.find((card) => card.id === newer.id)).toBeDefined();
    expect(proposalColumn).toMatchObject({ count: 1, expectedRevenue: 1000, proratedRevenue: 500 });
    expect(proposalColumn?.cards[0]).toMatchObject({ id: proposal.id, probability: 50 });
    expect(parked).toMatchObject({ count: 0, fold: true, folded: true, cards: [] });

    // "Own" salespeople see only their own and unassigned records, counts included.
    const mine = await context.request.get(`${api}/teams/${teamId}/pipeline`).set(seller.auth);
    expect(mine.body.columns[0]).toMatchObject({ count: 3, expectedRevenue: 450 });
    const limited = await context.request
      .get(`${api}/teams/${teamId}/pipeline?limitPerStage=1&includeLeads=1`)
      .set(seller.auth);
    expect(limited.body.columns[0]).toMatchObject({ count: 4, expectedRevenue: 457 });
    expect(limited.body.columns[0].cards).toHaveLength(1);
    const byUser = await context.request
      .get(`${api}/teams/${teamId}/pipeline?userId=${colleague.userId}`)
      .set(manager.auth);
    expect(byUser.body.columns[0].cards.map((card: { name: string }) => card.name)).toEqual([
      'Colleague deal',
    ]);
  });

  it('moves a record to the new team’s stages when its team changes, and still shows a stage that left the team while holding records', async () => {
    const stray = await post(manager, '/leads', {
      type: 'opportunity',
      name: 'Stray',
      teamId: otherTeamId,
      stageId: stages.hidden,
      userId: null,
    });
    const moved = await context.request
      .patch(`${api}/leads/${stray.id}`)
      .set(manager.auth)
      .send({ teamId })
      .expect(200);
    expect(moved.body.stageId).toBe(stages.new);

    const temporary = await post(manager, '/stages', {
      name: 'Temporary',
      sequence: 5,
      teamIds: [teamId],
    });
    const parkedThere = await post(manager, '/leads', {
      type: 'opportunity',
      name: 'Parked there',
      teamId,
      stageId: temporary.id,
      userId: null,
    });
    await context.request
      .patch(`${api}/stages/${temporary.id}`)
      .set(manager.auth)
      .send({ teamIds: [otherTeamId] })
      .expect(200);
    const response = await context.request.get(`${api}/teams/${teamId}/pipeline`).set(manager.auth);
    const names = response.body.columns.map((column: { name: string }) => column.name);
    expect(names).toEqual(['New', 'Proposal', 'Temporary', 'Parked', 'Won']);
    expect(names).not.toContain('Other only');
    await post(manager, `/leads/${parkedThere.id}/lost`, {});
    const after = await context.request.get(`${api}/teams/${teamId}/pipeline`).set(manager.auth);
    expect(after.body.columns.map((column: { name: string }) => column.name)).not.toContain(
      'Temporary',
    );
  });

  it('answers 404 for unknown teams and 400 for bad queries', async () => {
    expect(
      (
        await context.request
          .get(`${api}/teams/${new Types.ObjectId().toHexString()}/pipeline`)
          .set(seller.auth)
      ).status,
    ).toBe(404);
    expect(
      (await context.request.get(`${api}/teams/not-an-id/pipeline`).set(seller.auth)).status,
    ).toBe(400);
    const bad = await context.request
      .get(`${api}/teams/${teamId}/pipeline?limitPerStage=0`)
      .set(seller.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('query.limitPerStage');
    expect(
      (
        await context.request
          .get(`${api}/teams/${teamId}/pipeline-summary?month=2026-13`)
          .set(seller.auth)
      ).status,
    ).toBe(400);
  });
});

describe('pipeline summary', () => {
  it('sums count, expected and prorated revenue per stage and measures the month’s won revenue against the target', async () => {
    const winner = await post(seller, '/leads', {
      type: 'opportunity',
      name: 'Won this month',
      expectedRevenue: 500,
    });
    await post(seller, `/leads/${winner.id}/won`, {});
    const loser = await post(seller, '/leads', {
      type: 'opportunity',
      name: 'Lost one',
      expectedRevenue: 10_000,
    });
    await post(seller, `/leads/${loser.id}/lost`, {});

    const summary = await context.request
      .get(`${api}/teams/${teamId}/pipeline-summary`)
      .set(manager.auth);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      teamId,
      month: new Date().toISOString().slice(0, 7),
      invoicedTarget: 2000,
      wonThisMonth: { count: 1, expectedRevenue: 500 },
      targetRatio: 0.25,
    });
    const byName = Object.fromEntries(
      summary.body.stages.map((stage: { name: string }) => [stage.name, stage]),
    );
    expect(byName.New).toMatchObject({ count: 5, expectedRevenue: 1449, proratedRevenue: 144.9 });
    expect(byName.Proposal).toMatchObject({
      count: 1,
      expectedRevenue: 1000,
      proratedRevenue: 500,
    });
    expect(byName.Won).toMatchObject({ count: 1, expectedRevenue: 500, proratedRevenue: 500 });
    expect(summary.body.open).toMatchObject({
      count: 6,
      expectedRevenue: 2449,
      proratedRevenue: 644.9,
      overdue: 1,
    });

    const lastYear = await context.request
      .get(`${api}/teams/${teamId}/pipeline-summary?month=2020-01`)
      .set(manager.auth);
    expect(lastYear.body.wonThisMonth).toEqual({ count: 0, expectedRevenue: 0 });
    const own = await context.request
      .get(`${api}/teams/${teamId}/pipeline-summary`)
      .set(colleague.auth);
    expect(own.body.wonThisMonth.count).toBe(0);
  });
});

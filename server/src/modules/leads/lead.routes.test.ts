import { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { ActivityModel } from '../activities/activity.model';
import { ContactChangeModel } from '../contact-sync/contact-change.model';
import { FollowerModel } from '../followers/follower.model';
import { MessageModel } from '../messages/message.model';
import { PartnerModel } from '../partners/partner.model';
import { LeadModel } from './lead.model';

useTestDatabase();
// Each case drives several transactional requests; the shared 2-core machine is slow at times.
jest.setTimeout(30_000);
const context = createTestContext();
const api = '/api/v1';

let manager: TestUser;
let seller: TestUser;
let colleague: TestUser;
let allLeads: TestUser;
let teamId: string;
const stage: Record<'new' | 'qualified' | 'proposition' | 'won', string> = {
  new: '',
  qualified: '',
  proposition: '',
  won: '',
};
let lostReasonId: string;

async function post(user: TestUser, path: string, body: unknown) {
  return context.request
    .post(`${api}${path}`)
    .set(user.auth)
    .send(body as object);
}

async function createLead(user: TestUser, body: Record<string, unknown>) {
  const response = await post(user, '/leads', body);
  if (response.status !== 201)
    throw new Error(`lead creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string } & Record<string, unknown>;
}

beforeAll(async () => {
  manager = await context.createUser({ accessLevel: 'manager', name: 'Mara Manager' });
  seller = await context.createUser({ accessLevel: 'own', name: 'Sam Seller' });
  colleague = await context.createUser({ accessLevel: 'own', name: 'Cora Colleague' });
  allLeads = await context.createUser({ accessLevel: 'all', name: 'Alex All' });
  const team = await post(manager, '/teams', {
    name: 'Sales',
    leaderId: manager.userId,
    members: [{ userId: seller.userId }, { userId: colleague.userId }, { userId: allLeads.userId }],
    useLeads: true,
    invoicedTarget: 10000,
  });
  teamId = team.body.id;
  stage.new = (
    await post(manager, '/stages', {
      name: 'New',
      sequence: 1,
      probability: 10,
      autoProbability: true,
    })
  ).body.id;
  stage.qualified = (
    await post(manager, '/stages', {
      name: 'Qualified',
      sequence: 2,
      probability: 30,
      autoProbability: true,
    })
  ).body.id;
  stage.proposition = (
    await post(manager, '/stages', { name: 'Proposition', sequence: 3, probability: 60 })
  ).body.id;
  stage.won = (
    await post(manager, '/stages', { name: 'Won', sequence: 70, isWon: true, probability: 100 })
  ).body.id;
  lostReasonId = (await post(manager, '/lost-reasons', { name: 'Too expensive' })).body.id;
});

describe('creating and editing', () => {
  it('fills salesperson, team, first stage, probability and every derived field; chatter and follower', async () => {
    const lead = await createLead(seller, {
      type: 'opportunity',
      name: 'Ștefan Mobilă — 40 desks',
      emailFrom: '"Ana Pop" <Ana.Pop@Mobila-Example.RO>',
      phone: '0721 234 567',
      countryCode: 'ro',
      expectedRevenue: 12000.555,
    });
    expect(lead).toMatchObject({
      type: 'opportunity',
      userId: seller.userId,
      teamId,
      stageId: stage.new,
      probability: 10,
      automatedProbability: 10,
      expectedRevenue: 12000.56,
      proratedRevenue: 1200.06,
      emailNormalized: 'ana.pop@mobila-example.ro',
      emailDomainCriterion: '@mobila-example.ro',
      phoneSanitized: '+40721234567',
      countryCode: 'RO',
      wonStatus: 'pending',
      active: true,
      priority: '0',
      nextActivity: null,
    });
    expect(lead.dateOpen).toEqual(expect.any(String));
    expect(lead.dateConversion).toEqual(expect.any(String));
    const stored = await LeadModel.findById(lead.id).lean();
    expect(stored?.nameNormalized).toBe('stefan mobila — 40 desks');
    const messages = await MessageModel.find({
      resModel: 'lead',
      resId: new Types.ObjectId(lead.id),
    }).lean();
    expect(messages.map((message) => message.bodyHtml)).toEqual(['<p>Opportunity created</p>']);
    // The salesperson follows the record once users carry a partner (identity links them).
    const followers = await FollowerModel.countDocuments({
      resModel: 'lead',
      resId: new Types.ObjectId(lead.id),
      userId: new Types.ObjectId(seller.userId),
    });
    expect(followers).toBe(seller.partnerId ? 1 : 0);
  });

  it('rejects bad input naming each field, derived fields included, and writes nothing', async () => {
    const before = await LeadModel.countDocuments();
    const response = await post(seller, '/leads', {
      name: 'x'.repeat(501),
      emailFrom: 'not-an-address',
      probability: 101,
      expectedRevenue: -5,
      priority: '5',
      dateDeadline: '2026-02-30',
      stageId: 'abc',
      emailNormalized: 'forged@example.com',
    });
    expect(response.status).toBe(400);
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.emailFrom',
        'body.probability',
        'body.expectedRevenue',
        'body.priority',
        'body.dateDeadline',
        'body.stageId',
        'body',
      ]),
    );
    const unknownRefs = await post(seller, '/leads', {
      name: 'Refs',
      stageId: new Types.ObjectId().toHexString(),
      tagIds: [new Types.ObjectId().toHexString()],
    });
    expect(unknownRefs.status).toBe(400);
    expect(
      unknownRefs.body.error.details.issues.map((issue: { field: string }) => issue.field),
    ).toEqual(expect.arrayContaining(['body.stageId', 'body.tagIds']));
    const nameless = await post(seller, '/leads', {});
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.details.issues[0].field).toBe('body.name');
    expect(await LeadModel.countDocuments()).toBe(before);
    expect(
      await MessageModel.countDocuments({
        bodyHtml: '<p>Opportunity created</p>',
        resId: { $nin: (await LeadModel.find().lean()).map((lead) => lead._id) },
      }),
    ).toBe(0);
  });

  it('names an opportunity after its partner when no name is given and copies the partner details', async () => {
    const company = await post(seller, '/partners', {
      name: 'Bluefin Logistics',
      isCompany: true,
      city: 'Gothenburg',
      countryCode: 'SE',
      street: 'Hamngatan 1',
    });
    const person = await post(seller, '/partners', {
      name: 'Margaret Lindqvist',
      parentId: company.body.id,
      email: 'm.lindqvist@bluefin.example.se',
      jobPosition: 'Head of Procurement',
    });
    const lead = await createLead(seller, { type: 'opportunity', partnerId: person.body.id });
    expect(lead).toMatchObject({
      name: "Margaret Lindqvist's opportunity",
      partnerName: 'Bluefin Logistics',
      contactName: 'Margaret Lindqvist',
      jobPosition: 'Head of Procurement',
      emailFrom: 'm.lindqvist@bluefin.example.se',
      city: 'Gothenburg',
      countryCode: 'SE',
      commercialPartnerId: company.body.id,
    });
  });

  it('writes a changed e-mail back to the partner (two-way) and tracks it', async () => {
    const partner = await post(seller, '/partners', {
      name: 'Two Way',
      email: 'old@twoway.example',
    });
    const lead = await createLead(seller, {
      type: 'opportunity',
      name: 'Two-way',
      partnerId: partner.body.id,
    });
    const changesBefore = await ContactChangeModel.countDocuments({
      partnerId: new Types.ObjectId(partner.body.id),
    });
    const updated = await context.request
      .patch(`${api}/leads/${lead.id}`)
      .set(seller.auth)
      .send({ emailFrom: 'New@TwoWay.example' });
    expect(updated.status).toBe(200);
    const storedPartner = await PartnerModel.findById(partner.body.id).lean();
    expect(storedPartner?.emailNormalized).toBe('new@twoway.example');
    expect(
      await ContactChangeModel.countDocuments({ partnerId: new Types.ObjectId(partner.body.id) }),
    ).toBe(changesBefore + 1);
    const tracking = await MessageModel.findOne({
      resId: new Types.ObjectId(lead.id),
      'tracking.field': 'emailFrom',
    }).lean();
    expect(tracking?.tracking).toEqual([
      expect.objectContaining({
        field: 'emailFrom',
        oldValue: 'old@twoway.example',
        newValue: 'New@TwoWay.example',
      }),
    ]);
  });
});

describe('stage moves, won, lost, restore', () => {
  it('follows the stage probability when the stage says so, tracks old → new in the chatter', async () => {
    const lead = await createLead(seller, {
      type: 'opportunity',
      name: 'Stage walk',
      expectedRevenue: 1000,
    });
    const before = await LeadModel.findById(lead.id).lean();
    const moved = await post(seller, `/leads/${lead.id}/stage`, { stageId: stage.qualified });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      stageId: stage.qualified,
      probability: 30,
      proratedRevenue: 300,
    });
    expect(new Date(moved.body.dateLastStageUpdate).getTime()).toBeGreaterThanOrEqual(
      before?.dateLastStageUpdate.getTime() ?? 0,
    );
    const tracked = await MessageModel.findOne({
      resId: new Types.ObjectId(lead.id),
      'tracking.field': 'stageId',
    }).lean();
    expect(tracked?.kind).toBe('notification');
    expect(tracked?.tracking).toEqual([
      expect.objectContaining({
        field: 'stageId',
        fieldLabel: 'Stage',
        oldValue: 'New',
        newValue: 'Qualified',
      }),
    ]);

    // Proposition does not drive the probability; an explicit one always wins.
    const manual = await context.request
      .patch(`${api}/leads/${lead.id}`)
      .set(seller.auth)
      .send({ stageId: stage.proposition });
    expect(manual.body.probability).toBe(30);
    const explicit = await post(seller, `/leads/${lead.id}/stage`, {
      stageId: stage.new,
      probability: 45,
    });
    expect(explicit.body).toMatchObject({
      stageId: stage.new,
      probability: 45,
      proratedRevenue: 450,
      automatedProbability: 10,
    });

    const otherTeam = await post(manager, '/teams', { name: 'Elsewhere' });
    const foreignStage = await post(manager, '/stages', {
      name: 'Foreign',
      sequence: 5,
      teamIds: [otherTeam.body.id],
    });
    const refused = await post(seller, `/leads/${lead.id}/stage`, {
      stageId: foreignStage.body.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0].field).toBe('body.stageId');
  });

  it('marks won (won stage, 100 %, closing date), keeps the date between won stages, clears it when reopened', async () => {
    const lead = await createLead(seller, {
      type: 'opportunity',
      name: 'Winner',
      expectedRevenue: 500,
    });
    const won = await post(seller, `/leads/${lead.id}/won`, {});
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({
      stageId: stage.won,
      probability: 100,
      proratedRevenue: 500,
      wonStatus: 'won',
      active: true,
    });
    expect(won.body.dateClosed).toEqual(expect.any(String));
    const secondWon = await post(manager, '/stages', {
      name: 'Won (signed)',
      sequence: 80,
      isWon: true,
    });
    const moved = await post(seller, `/leads/${lead.id}/stage`, { stageId: secondWon.body.id });
    expect(moved.body.dateClosed).toBe(won.body.dateClosed);
    const reopened = await post(seller, `/leads/${lead.id}/stage`, { stageId: stage.qualified });
    expect(reopened.body).toMatchObject({
      probability: 30,
      dateClosed: null,
      wonStatus: 'pending',
    });
    await context.request.delete(`${api}/stages/${secondWon.body.id}`).set(manager.auth);
  });

  it('marks lost (archived, 0 %, reason, note) and restores (reason and closing date cleared)', async () => {
    const lead = await createLead(seller, {
      type: 'opportunity',
      name: 'Loser',
      expectedRevenue: 800,
    });
    await post(seller, `/leads/${lead.id}/stage`, { stageId: stage.qualified });
    const badReason = await post(seller, `/leads/${lead.id}/lost`, {
      lostReasonId: new Types.ObjectId().toHexString(),
    });
    expect(badReason.status).toBe(400);
    expect((await LeadModel.findById(lead.id).lean())?.active).toBe(true);

    const lost = await post(seller, `/leads/${lead.id}/lost`, {
      lostReasonId,
      closingNote: '<p>Chose a <b>cheaper</b> vendor<script>x()</script></p>',
    });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({
      active: false,
      probability: 0,
      proratedRevenue: 0,
      lostReasonId,
      wonStatus: 'lost',
      stageId: stage.qualified,
    });
    expect(lost.body.dateClosed).toEqual(expect.any(String));
    const note = await MessageModel.findOne({
      resId: new Types.ObjectId(lead.id),
      kind: 'note',
    }).lean();
    expect(note?.bodyHtml).toContain('<b>cheaper</b>');
    expect(note?.bodyHtml).not.toContain('script');

    const list = await context.request.get(`${api}/leads?limit=200`).set(seller.auth);
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(lead.id);
    const archived = await context.request
      .get(`${api}/leads?limit=200&includeArchived=1&wonStatus=lost`)
      .set(seller.auth);
    expect(archived.body.items.map((item: { id: string }) => item.id)).toContain(lead.id);
    const movingLost = await post(seller, `/leads/${lead.id}/stage`, { stageId: stage.new });
    expect(movingLost.status).toBe(409);

    const restored = await post(seller, `/leads/${lead.id}/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      active: true,
      lostReasonId: null,
      dateClosed: null,
      probability: 30,
      wonStatus: 'pending',
    });
    const again = await post(seller, `/leads/${lead.id}/restore`, {});
    expect(again.status).toBe(409);
    const reasons = await context.request.get(`${api}/lost-reasons`).set(seller.auth);
    expect(reasons.body.items[0]).toMatchObject({ id: lostReasonId });
  });
});

describe('access', () => {
  it('hides a colleague’s leads from an "own" salesperson (404 everywhere), shows unassigned ones, and forbids handing leads to others', async () => {
    const theirs = await createLead(colleague, { type: 'opportunity', name: 'Colleague deal' });
    const unassigned = await createLead(manager, {
      type: 'opportunity',
      name: 'Nobody’s deal',
      userId: null,
    });
    expect(unassigned.userId).toBeNull();
    for (const request of [
      context.request.get(`${api}/leads/${theirs.id}`).set(seller.auth),
      context.request.patch(`${api}/leads/${theirs.id}`).set(seller.auth).send({ priority: '3' }),
      context.request.post(`${api}/leads/${theirs.id}/won`).set(seller.auth).send({}),
      context.request.post(`${api}/leads/${theirs.id}/lost`).set(seller.auth).send({}),
      context.request.get(`${api}/leads/${theirs.id}/duplicates`).set(seller.auth),
    ]) {
      expect((await request).status).toBe(404);
    }
    expect(
      (await context.request.get(`${api}/leads/${unassigned.id}`).set(seller.auth)).status,
    ).toBe(200);
    const visible = await context.request.get(`${api}/leads?limit=200`).set(seller.auth);
    const ids = visible.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(unassigned.id);
    expect(ids).not.toContain(theirs.id);
    expect(
      visible.body.items.every(
        (item: { userId: string | null }) => item.userId === null || item.userId === seller.userId,
      ),
    ).toBe(true);

    const handOver = await context.request
      .patch(`${api}/leads/${unassigned.id}`)
      .set(seller.auth)
      .send({ userId: colleague.userId, priority: '2' });
    expect(handOver.status).toBe(403);
    expect((await LeadModel.findById(unassigned.id).lean())?.priority).toBe('0');
    const forOther = await post(seller, '/leads', { name: 'For Cora', userId: colleague.userId });
    expect(forOther.status).toBe(403);
    expect(await LeadModel.countDocuments({ name: 'For Cora' })).toBe(0);

    const seen = await context.request.get(`${api}/leads/${theirs.id}`).set(allLeads.auth);
    expect(seen.status).toBe(200);
    const reassigned = await context.request
      .patch(`${api}/leads/${theirs.id}`)
      .set(allLeads.auth)
      .send({ userId: seller.userId });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.teamId).toBe(teamId);
    expect((await context.request.get(`${api}/leads/${theirs.id}`).set(seller.auth)).status).toBe(
      200,
    );
  });
});

describe('lists', () => {
  it('filters, searches (accent- and case-insensitive prefix), sorts and paginates', async () => {
    const owner = await context.createUser({ accessLevel: 'own' });
    await post(manager, '/teams', { name: 'List team', members: [{ userId: owner.userId }] });
    const names = ['Ærø Ferries', 'Aero Parts', 'Beta Build', 'Café Crème', 'Delta Docks'];
    for (const [index, name] of names.entries()) {
      await createLead(owner, {
        type: index % 2 === 0 ? 'opportunity' : 'lead',
        name,
        expectedRevenue: (index + 1) * 100,
        priority: String(index % 4),
      });
    }
    const mine = (query: string) =>
      context.request.get(`${api}/leads?userId=${owner.userId}&${query}`).set(owner.auth);
    const byRevenue = await mine('sort=-expectedRevenue&limit=2');
    expect(byRevenue.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(byRevenue.body.items.map((item: { name: string }) => item.name)).toEqual([
      'Delta Docks',
      'Café Crème',
    ]);
    const secondPage = await mine('sort=-expectedRevenue&limit=2&offset=2');
    expect(secondPage.body.items.map((item: { name: string }) => item.name)).toEqual([
      'Beta Build',
      'Aero Parts',
    ]);
    const beyond = await mine('offset=50');
    expect(beyond.body).toMatchObject({ items: [], total: 5, offset: 50 });
    expect(
      (await mine('type=lead')).body.items.map((item: { name: string }) => item.name).sort(),
    ).toEqual(['Aero Parts', 'Café Crème']);
    expect(
      (await mine('search=cafe')).body.items.map((item: { name: string }) => item.name),
    ).toEqual(['Café Crème']);
    expect(
      (await mine('search=AER&sort=name')).body.items.map((item: { name: string }) => item.name),
    ).toEqual(['Aero Parts']);
    expect(
      (await mine('priority=2')).body.items.map((item: { name: string }) => item.name),
    ).toEqual(['Beta Build']);
    for (const query of [
      'limit=0',
      'limit=201',
      'offset=-1',
      'sort=password',
      'type=deal',
      'userId=me',
      'includeArchived=maybe',
    ]) {
      const response = await mine(query);
      expect(response.status).toBe(400);
      expect(response.body.error.details.issues[0].field).toMatch(/^query\./);
    }
  });
});

describe('conversion', () => {
  it('matches an existing partner by normalized e-mail and records the conversion', async () => {
    const existing = await post(seller, '/partners', {
      name: 'Ion Popescu',
      email: 'ion.popescu@constructii.example.ro',
    });
    const lead = await createLead(seller, {
      type: 'lead',
      name: 'Scaffolding',
      emailFrom: 'Ion <ION.Popescu@Constructii.example.ro>',
    });
    expect(lead.type).toBe('lead');
    expect(lead.dateConversion).toBeNull();
    const converted = await post(seller, `/leads/${lead.id}/convert`, {});
    expect(converted.status).toBe(200);
    expect(converted.body).toMatchObject({
      type: 'opportunity',
      partnerId: existing.body.id,
      contactName: 'Ion Popescu',
      stageId: stage.new,
    });
    expect(converted.body.dateConversion).toEqual(expect.any(String));
    const tracked = await MessageModel.findOne({
      resId: new Types.ObjectId(lead.id),
      bodyHtml: '<p>Converted to opportunity</p>',
    }).lean();
    expect(tracked?.tracking.map((value) => value.field)).toEqual(
      expect.arrayContaining(['partnerId', 'type']),
    );
    const again = await post(seller, `/leads/${lead.id}/convert`, {});
    expect(again.status).toBe(409);
  });

  it('attaches a new contact to a company found by its exact name', async () => {
    const company = await post(seller, '/partners', { name: 'Nordic Timber AB', isCompany: true });
    const lead = await createLead(seller, {
      type: 'lead',
      name: 'Pallets',
      partnerName: 'nordic timber ab',
      contactName: 'Lars Berg',
      emailFrom: 'lars@nordic-timber.example',
    });
    const converted = await post(seller, `/leads/${lead.id}/convert`, {});
    const person = await PartnerModel.findById(converted.body.partnerId).lean();
    expect(person).toMatchObject({
      name: 'Lars Berg',
      isCompany: false,
      emailNormalized: 'lars@nordic-timber.example',
    });
    expect(String(person?.parentId)).toBe(company.body.id);
    expect(converted.body.commercialPartnerId).toBe(company.body.id);
  });

  it('creates company and contact when nothing matches, in one transaction with their contact changes', async () => {
    const lead = await createLead(seller, {
      type: 'lead',
      name: 'Fleet renewal',
      partnerName: 'Zeta Transport SRL',
      contactName: 'Elena Zeta',
      emailFrom: 'elena@zeta-transport.example',
      phone: '+40 21 555 0101',
      city: 'Cluj-Napoca',
      countryCode: 'RO',
    });
    const changesBefore = await ContactChangeModel.countDocuments();
    const converted = await post(seller, `/leads/${lead.id}/convert`, { userId: seller.userId });
    expect(converted.status).toBe(200);
    const person = await PartnerModel.findById(converted.body.partnerId).lean();
    const company = await PartnerModel.findById(person?.parentId).lean();
    expect(company).toMatchObject({
      name: 'Zeta Transport SRL',
      isCompany: true,
      city: 'Cluj-Napoca',
      domain: null,
    });
    expect(person).toMatchObject({
      name: 'Elena Zeta',
      phoneSanitized: '+40215550101',
      city: 'Cluj-Napoca',
    });
    expect(String(person?.userId)).toBe(seller.userId);
    expect(await ContactChangeModel.countDocuments()).toBeGreaterThanOrEqual(changesBefore + 2);
  });

  it('refuses won and lost leads, and rolls back everything when a step fails', async () => {
    const won = await createLead(seller, {
      type: 'lead',
      name: 'Already won',
      contactName: 'Won Person',
    });
    await post(seller, `/leads/${won.id}/won`, {});
    expect((await post(seller, `/leads/${won.id}/convert`, {})).status).toBe(409);
    const lost = await createLead(seller, { type: 'lead', name: 'Already lost' });
    await post(seller, `/leads/${lost.id}/lost`, {});
    expect((await post(seller, `/leads/${lost.id}/convert`, {})).status).toBe(409);

    // The contact is created, then assigning a salesperson who does not exist fails: nothing stays.
    const lead = await createLead(seller, {
      type: 'lead',
      name: 'Rollback',
      partnerName: 'Rollback Company',
      contactName: 'Rolf Back',
    });
    const partnersBefore = await PartnerModel.countDocuments();
    const changesBefore = await ContactChangeModel.countDocuments();
    const failed = await post(manager, `/leads/${lead.id}/convert`, {
      userId: new Types.ObjectId().toHexString(),
    });
    expect(failed.status).toBe(400);
    expect(await PartnerModel.countDocuments()).toBe(partnersBefore);
    expect(await ContactChangeModel.countDocuments()).toBe(changesBefore);
    expect((await LeadModel.findById(lead.id).lean())?.type).toBe('lead');
  });
  it('merges with the opportunity of the same sender first, then converts the result', async () => {
    const opportunity = await createLead(seller, {
      type: 'opportunity',
      name: 'Existing deal',
      emailFrom: 'buyer@merge-first.example',
      expectedRevenue: 900,
    });
    await post(seller, `/leads/${opportunity.id}/stage`, { stageId: stage.qualified });
    const lead = await createLead(seller, {
      type: 'lead',
      name: 'Follow-up mail',
      emailFrom: 'Buyer <BUYER@merge-first.example>',
      contactName: 'Bo Buyer',
    });
    const converted = await post(seller, `/leads/${lead.id}/convert`, { action: 'merge' });
    expect(converted.status).toBe(200);
    expect(converted.body).toMatchObject({
      id: opportunity.id,
      type: 'opportunity',
      stageId: stage.qualified,
      expectedRevenue: 900,
      contactName: 'Bo Buyer',
    });
    expect(converted.body.partnerId).toEqual(expect.any(String));
    expect(await LeadModel.exists({ _id: lead.id })).toBeNull();
  });
});

describe('merge', () => {
  it('merges into the most advanced record, moving chatter and activities, in one go', async () => {
    const tagA = (await post(seller, '/tags', { name: 'merge-a' })).body.id;
    const tagB = (await post(seller, '/tags', { name: 'merge-b' })).body.id;
    const oldest = await createLead(seller, {
      type: 'lead',
      name: 'Desk order (lead)',
      description: '<p>first note</p>',
      tagIds: [tagA],
      priority: '3',
      city: 'Iași',
    });
    const advanced = await createLead(seller, {
      type: 'opportunity',
      name: 'Desk order',
      expectedRevenue: 0,
      tagIds: [tagB],
    });
    await post(seller, `/leads/${advanced.id}/stage`, { stageId: stage.proposition });
    const third = await createLead(seller, {
      type: 'opportunity',
      name: 'Desk order 2',
      expectedRevenue: 4000,
      description: '<p>second note</p>',
      street: 'Str. Lungă 1',
      city: 'Brașov',
      zip: '500000',
    });
    await ActivityModel.create({
      resModel: 'lead',
      resId: new Types.ObjectId(third.id),
      dateDeadline: '2030-01-01',
      userId: new Types.ObjectId(seller.userId),
      summary: 'Call back',
    });
    const thirdMessages = await MessageModel.countDocuments({
      resId: new Types.ObjectId(third.id),
    });

    const merged = await post(seller, `/leads/${oldest.id}/merge`, {
      ids: [advanced.id, third.id],
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      id: advanced.id,
      type: 'opportunity',
      name: 'Desk order',
      stageId: stage.proposition,
      priority: '3',
      expectedRevenue: 4000,
      street: 'Str. Lungă 1',
      city: 'Brașov',
      description: '<p>second note</p><br/><br/><p>first note</p>',
    });
    expect(merged.body.tagIds.sort()).toEqual([tagA, tagB].sort());
    expect(merged.body.nextActivity).toMatchObject({
      summary: 'Call back',
      dateDeadline: '2030-01-01',
    });
    expect(await LeadModel.countDocuments({ _id: { $in: [oldest.id, third.id] } })).toBe(0);
    expect(await ActivityModel.countDocuments({ resId: new Types.ObjectId(advanced.id) })).toBe(1);
    expect(await MessageModel.countDocuments({ resId: new Types.ObjectId(third.id) })).toBe(0);
    expect(
      await MessageModel.countDocuments({ resId: new Types.ObjectId(advanced.id) }),
    ).toBeGreaterThanOrEqual(thirdMessages + 2);
  });

  it('breaks ties in favour of the oldest record and refuses won records or bad id lists', async () => {
    const first = await createLead(seller, { type: 'opportunity', name: 'Tie one' });
    const second = await createLead(seller, { type: 'opportunity', name: 'Tie two' });
    const merged = await post(seller, `/leads/${second.id}/merge`, { ids: [first.id] });
    expect(merged.body.id).toBe(first.id);

    const won = await createLead(seller, { type: 'opportunity', name: 'Won one' });
    await post(seller, `/leads/${won.id}/won`, {});
    const open = await createLead(seller, { type: 'opportunity', name: 'Open one' });
    const refused = await post(seller, `/leads/${open.id}/merge`, { ids: [won.id] });
    expect(refused.status).toBe(409);
    expect(await LeadModel.countDocuments({ _id: { $in: [won.id, open.id] } })).toBe(2);
    const tooMany = await post(seller, `/leads/${open.id}/merge`, {
      ids: Array.from({ length: 5 }, () => new Types.ObjectId().toHexString()),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.issues[0].field).toBe('body.ids');
    const invisible = await createLead(colleague, { type: 'opportunity', name: 'Not yours' });
    expect((await post(seller, `/leads/${open.id}/merge`, { ids: [invisible.id] })).status).toBe(
      404,
    );
  });
});

describe('duplicates', () => {
  it('finds leads of the same company domain and phone, but not two free-mail users', async () => {
    const one = await createLead(allLeads, {
      type: 'opportunity',
      name: 'Dup 1',
      emailFrom: 'a@dupco.example',
      phone: '+44 7700 900274',
    });
    const two = await createLead(allLeads, {
      type: 'opportunity',
      name: 'Dup 2',
      emailFrom: 'b@dupco.example',
    });
    const three = await createLead(allLeads, {
      type: 'lead',
      name: 'Dup 3',
      mobile: '07700 900274',
      countryCode: 'GB',
    });
    const gmailOne = await createLead(allLeads, {
      type: 'opportunity',
      name: 'Free 1',
      emailFrom: 'x.person@gmail.com',
    });
    await createLead(allLeads, {
      type: 'opportunity',
      name: 'Free 2',
      emailFrom: 'y.person@gmail.com',
    });
    const found = await context.request.get(`${api}/leads/${one.id}/duplicates`).set(allLeads.auth);
    expect(found.body.byEmailDomain.map((lead: { id: string }) => lead.id)).toEqual([two.id]);
    expect(found.body.byPhone.map((lead: { id: string }) => lead.id)).toEqual([three.id]);
    const free = await context.request
      .get(`${api}/leads/${gmailOne.id}/duplicates`)
      .set(allLeads.auth);
    expect(free.body.byEmailDomain).toEqual([]);
  });
});

import { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { buildActor } from '../auth/actor-factory';
import { ContactChangeModel } from '../contact-sync/contact-change.model';
import { UserModel } from '../users/user.model';
import { PartnerModel } from './partner.model';
import { findOrCreateCompanyForDomain, findPartnerByEmail } from './partner.service';

useTestDatabase();
// Each case drives several transactional requests; the shared 2-core machine is slow at times.
jest.setTimeout(30_000);
const context = createTestContext();
const api = '/api/v1';
let seller: TestUser;

beforeAll(async () => {
  seller = await context.createUser({ accessLevel: 'own' });
});

const changesOf = (partnerId: string) =>
  ContactChangeModel.find({ partnerId: new Types.ObjectId(partnerId) })
    .sort({ seq: 1 })
    .lean();

describe('partners', () => {
  it('creates a company and its contact: commercial partner, inherited address, display name, normalized keys, change log', async () => {
    const company = await context.request.post(`${api}/partners`).set(seller.auth).send({
      name: 'Mobila Expert SRL',
      isCompany: true,
      website: 'mobila-expert.example.ro',
      street: 'Bd. Unirii 1',
      city: 'București',
      countryCode: 'ro',
      vat: 'RO123',
    });
    expect(company.status).toBe(201);
    expect(company.body).toMatchObject({
      isCompany: true,
      commercialPartnerId: company.body.id,
      website: 'http://mobila-expert.example.ro',
      countryCode: 'RO',
    });

    const person = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({
        name: 'Ana Pop',
        parentId: company.body.id,
        email: '"Ana Pop" <Ana.Pop@Mobila-Expert.example.ro>',
        emails: [{ email: 'ana.personal@gmail.com' }],
        phone: '021 312 0000',
        mobile: '0721 234 567',
        jobPosition: 'Buyer',
      });
    expect(person.status).toBe(201);
    expect(person.body).toMatchObject({
      displayName: 'Mobila Expert SRL, Ana Pop',
      commercialPartnerId: company.body.id,
      emailNormalized: 'ana.pop@mobila-expert.example.ro',
      phoneSanitized: '+40721234567',
      street: 'Bd. Unirii 1',
      city: 'București',
      countryCode: 'RO',
      vat: 'RO123',
    });
    expect(person.body.emails).toEqual([
      {
        email: '"Ana Pop" <Ana.Pop@Mobila-Expert.example.ro>',
        normalized: 'ana.pop@mobila-expert.example.ro',
        primary: true,
      },
      { email: 'ana.personal@gmail.com', normalized: 'ana.personal@gmail.com', primary: false },
    ]);
    expect(
      person.body.phones.map((phone: { sanitized: string }) => phone.sanitized).sort(),
    ).toEqual(['+40213120000', '+40721234567']);
    expect(await changesOf(company.body.id)).toHaveLength(1);
    expect(await changesOf(person.body.id)).toHaveLength(1);

    // Lookup by any address, case-insensitively.
    expect(String((await findPartnerByEmail('ANA.PERSONAL@gmail.com'))?._id)).toBe(person.body.id);
    const byEmail = await context.request
      .get(`${api}/partners?email=${encodeURIComponent('Ana.Pop@MOBILA-expert.example.ro')}`)
      .set(seller.auth);
    expect(byEmail.body.items.map((item: { id: string }) => item.id)).toEqual([person.body.id]);

    // The company's address flows to its contacts, each change logged for the sync.
    const moved = await context.request
      .patch(`${api}/partners/${company.body.id}`)
      .set(seller.auth)
      .send({ street: 'Calea Victoriei 10' });
    expect(moved.status).toBe(200);
    expect((await PartnerModel.findById(person.body.id).lean())?.street).toBe('Calea Victoriei 10');
    expect(await changesOf(person.body.id)).toHaveLength(2);

    // A company that moves country re-keys its contacts' national numbers.
    await context.request
      .patch(`${api}/partners/${company.body.id}`)
      .set(seller.auth)
      .send({ countryCode: 'GB' })
      .expect(200);
    const rekeyed = await PartnerModel.findById(person.body.id).lean();
    expect(rekeyed).toMatchObject({ countryCode: 'GB', phoneSanitized: '+44721234567' });
  });

  it('changes the primary address, searches by name prefix, archives and restores', async () => {
    const created = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({ name: 'Ștefan Ionescu', email: 's.ionescu@firma.example' });
    const changed = await context.request
      .patch(`${api}/partners/${created.body.id}`)
      .set(seller.auth)
      .send({ email: 'stefan@firma.example' });
    expect(changed.body.emails).toEqual([
      { email: 'stefan@firma.example', normalized: 'stefan@firma.example', primary: true },
    ]);
    const search = await context.request.get(`${api}/partners?search=stef`).set(seller.auth);
    expect(search.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);

    const archived = await context.request
      .delete(`${api}/partners/${created.body.id}`)
      .set(seller.auth);
    expect(archived.status).toBe(200);
    expect(archived.body.active).toBe(false);
    const [last] = (await changesOf(created.body.id)).slice(-1);
    expect(last?.deleted).toBe(true);
    const hidden = await context.request.get(`${api}/partners?search=stef`).set(seller.auth);
    expect(hidden.body.items.map((item: { id: string }) => item.id)).not.toContain(created.body.id);
    const shown = await context.request
      .get(`${api}/partners?search=stef&includeArchived=1`)
      .set(seller.auth);
    expect(shown.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
    const restored = await context.request
      .post(`${api}/partners/${created.body.id}/restore`)
      .set(seller.auth);
    expect(restored.body.active).toBe(true);
  });

  it('rejects bad input naming each field, writing nothing; refuses cycles and taken address-book ids', async () => {
    const before = await PartnerModel.countDocuments();
    const changesBefore = await ContactChangeModel.countDocuments();
    const bad = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({
        name: '',
        email: 'nope',
        countryCode: 'Romania',
        parentId: '123',
        tagIds: ['x'],
        isCompany: 'yes',
        emailNormalized: 'x@y.z',
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((issue: { field: string }) => issue.field)).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.email',
        'body.countryCode',
        'body.parentId',
        'body.tagIds.0',
        'body.isCompany',
        'body',
      ]),
    );
    const ghostParent = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({ name: 'Orphan', parentId: new Types.ObjectId().toHexString() });
    expect(ghostParent.status).toBe(400);
    expect(ghostParent.body.error.details.issues[0].field).toBe('body.parentId');
    expect(await PartnerModel.countDocuments()).toBe(before);
    expect(await ContactChangeModel.countDocuments()).toBe(changesBefore);

    const company = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({ name: 'Loop Co', isCompany: true });
    const child = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({ name: 'Loop Child', parentId: company.body.id });
    const cycle = await context.request
      .patch(`${api}/partners/${company.body.id}`)
      .set(seller.auth)
      .send({ parentId: child.body.id });
    expect(cycle.status).toBe(400);

    const ref = { provider: 'thunderbird', uid: 'vcard-uid-1' };
    const first = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({ name: 'Synced', externalRefs: [ref] });
    expect(first.status).toBe(201);
    const second = await context.request
      .post(`${api}/partners`)
      .set(seller.auth)
      .send({ name: 'Synced twice', externalRefs: [ref] });
    expect(second.status).toBe(409);
    expect(await PartnerModel.countDocuments({ name: 'Synced twice' })).toBe(0);
    const missing = await context.request
      .get(`${api}/partners/${new Types.ObjectId().toHexString()}`)
      .set(seller.auth);
    expect(missing.status).toBe(404);
  });

  it('finds or creates the company of a mail domain, never for free-mail providers', async () => {
    const user = await UserModel.findById(seller.userId).lean();
    if (!user) throw new Error('user missing');
    const actor = await buildActor(user, 'api-token');
    const created = await findOrCreateCompanyForDomain(
      actor,
      'procurement@Bluefin-Logistics.example',
    );
    expect(created).toMatchObject({
      name: 'Bluefin Logistics',
      isCompany: true,
      domain: 'bluefin-logistics.example',
    });
    const again = await findOrCreateCompanyForDomain(actor, 'bluefin-logistics.example');
    expect(String(again?._id)).toBe(String(created?._id));
    expect(await findOrCreateCompanyForDomain(actor, 'someone@gmail.com')).toBeNull();
    expect(
      await findOrCreateCompanyForDomain(actor, 'unknown.example', { create: false }),
    ).toBeNull();
  });

  it('paginates with exact totals and refuses out-of-range pages', async () => {
    const all = await context.request.get(`${api}/partners?limit=200`).set(seller.auth);
    const page = await context.request
      .get(`${api}/partners?limit=2&offset=1&sort=-name`)
      .set(seller.auth);
    expect(page.body).toMatchObject({ total: all.body.total, limit: 2, offset: 1 });
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual(
      [...all.body.items]
        .reverse()
        .slice(1, 3)
        .map((item: { id: string }) => item.id),
    );
    for (const query of ['limit=0', 'limit=201', 'offset=-5', 'sort=email', 'isCompany=2']) {
      expect((await context.request.get(`${api}/partners?${query}`).set(seller.auth)).status).toBe(
        400,
      );
    }
  });
});

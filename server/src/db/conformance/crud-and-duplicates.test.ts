import mongoose from 'mongoose';
import { useTestDatabase } from '../test-database';
import { database, rejectionOf } from './conformance-helpers';

const Company = mongoose.model(
  'ConformanceCompany',
  new mongoose.Schema(
    {
      domain: { type: String, required: true, unique: [true, 'That domain is already in the CRM'] },
      name: String,
      size: { type: Number, default: 1 },
      tags: [String],
      vat: { type: String, unique: true, sparse: true },
    },
    { timestamps: true },
  ),
);
const Membership = mongoose.model(
  'ConformanceMembership',
  new mongoose.Schema({ team: String, user: String, role: String }).index(
    { team: 1, user: 1 },
    { unique: true },
  ),
);

describe('CRUD matrix', () => {
  useTestDatabase();

  beforeEach(async () => {
    await Company.deleteMany({});
    await Membership.deleteMany({});
  });

  it('reports matched, modified, upserted and deleted counts', async () => {
    await Company.insertMany([
      { domain: 'a.test', name: 'A', size: 5 },
      { domain: 'b.test', name: 'B', size: 5 },
      { domain: 'c.test', name: 'C', size: 50 },
    ]);
    expect(await Company.updateMany({ size: 5 }, { $inc: { size: 1 } })).toMatchObject({
      matchedCount: 2,
      modifiedCount: 2,
      upsertedCount: 0,
    });
    expect(
      await Company.updateOne({ domain: 'a.test' }, { $set: { name: 'A' } }, { timestamps: false }),
    ).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect(
      await Company.updateOne({ domain: 'nobody.test' }, { $set: { name: 'N' } }),
    ).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
    const upsert = await Company.updateOne(
      { domain: 'new.test' },
      { $set: { name: 'New' }, $setOnInsert: { size: 7 } },
      { upsert: true },
    );
    expect(upsert).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    const inserted = await Company.findById(upsert.upsertedId).lean();
    expect(inserted).toMatchObject({ domain: 'new.test', name: 'New', size: 7 });
    expect(inserted?.createdAt).toBeInstanceOf(Date);
    const again = await Company.updateOne(
      { domain: 'new.test' },
      { $set: { name: 'Newer' }, $setOnInsert: { size: 99 } },
      { upsert: true },
    );
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect((await Company.findOne({ domain: 'new.test' }).lean())?.size).toBe(7);
    const replaced = await Company.replaceOne(
      { domain: 'c.test' },
      { domain: 'c.test', name: 'C2' },
    );
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await Company.findOne({ domain: 'c.test' }).lean()).toMatchObject({ name: 'C2' });
    expect(await Company.deleteMany({ size: { $gte: 6 } })).toMatchObject({ deletedCount: 3 });
    expect(await Company.deleteOne({ domain: 'nobody.test' })).toMatchObject({ deletedCount: 0 });
    expect(await Company.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate / Replace / Delete return the right document', async () => {
    await Company.create({ domain: 'f.test', name: 'F', size: 1 });
    const before = await Company.findOneAndUpdate(
      { domain: 'f.test' },
      { $inc: { size: 1 } },
    ).lean();
    expect(before?.size).toBe(1);
    const after = await Company.findOneAndUpdate(
      { domain: 'f.test' },
      { $inc: { size: 1 } },
      { returnDocument: 'after', projection: { size: 1 } },
    ).lean();
    expect(after).toEqual({ _id: expect.anything(), size: 3 });
    const upserted = await Company.findOneAndUpdate(
      { domain: 'g.test' },
      { $set: { name: 'G' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(upserted).toMatchObject({ domain: 'g.test', name: 'G', size: 1 });
    const none = await Company.findOneAndUpdate(
      { domain: 'none.test' },
      { $set: { name: 'x' } },
    ).lean();
    expect(none).toBeNull();
    const replaced = await Company.findOneAndReplace(
      { domain: 'g.test' },
      { domain: 'g.test', name: 'G2' },
      { returnDocument: 'after' },
    ).lean();
    expect(replaced).toMatchObject({ domain: 'g.test', name: 'G2' });
    const removed = await Company.findOneAndDelete({ domain: 'f.test' }).lean();
    expect(removed?.size).toBe(3);
    expect(await Company.exists({ domain: 'f.test' })).toBeNull();
    const sorted = await Company.insertMany([
      { domain: 's1.test', size: 10 },
      { domain: 's2.test', size: 20 },
    ]);
    expect(sorted).toHaveLength(2);
    const largest = await Company.findOneAndDelete(
      { domain: /^s\d/ },
      { sort: { size: -1 } },
    ).lean();
    expect(largest?.domain).toBe('s2.test');
  });

  it('a versioned save of an edited array ($push + $inc __v) and a VersionError on a stale copy', async () => {
    const company = await Company.create({ domain: 'v.test', tags: ['a'] });
    const stale = await Company.findById(company._id);
    company.tags.push('b');
    await company.save();
    expect((await Company.findById(company._id).lean())?.tags).toEqual(['a', 'b']);
    stale?.tags.splice(0, 1);
    expect(await rejectionOf(stale!.save())).toMatchObject({ name: 'VersionError' });
  });

  it('bulkWrite groups inserts, updates and deletes', async () => {
    const result = await Company.bulkWrite([
      { insertOne: { document: { domain: 'bw1.test' } } },
      { insertOne: { document: { domain: 'bw2.test' } } },
      { updateOne: { filter: { domain: 'bw1.test' }, update: { $set: { name: 'one' } } } },
      { updateMany: { filter: { domain: /^bw/ }, update: { $set: { size: 9 } } } },
      { deleteOne: { filter: { domain: 'bw2.test' } } },
      {
        updateOne: {
          filter: { domain: 'bw3.test' },
          update: { $set: { name: 'three' } },
          upsert: true,
        },
      },
    ]);
    expect(result).toMatchObject({
      insertedCount: 2,
      matchedCount: 3,
      modifiedCount: 3,
      deletedCount: 1,
      upsertedCount: 1,
    });
    expect(
      (await Company.find({}, { domain: 1 }).sort({ domain: 1 }).lean()).map(
        (company) => company.domain,
      ),
    ).toEqual(['bw1.test', 'bw3.test']);
  });
});

describe('duplicate keys', () => {
  useTestDatabase();

  beforeEach(async () => {
    await Company.deleteMany({});
    await Membership.deleteMany({});
  });

  it('create: code, keyValue, keyPattern and the custom unique message', async () => {
    await Company.create({ domain: 'dup.test' });
    const error = await rejectionOf(Company.create({ domain: 'dup.test' }));
    expect(error.message).toBe('That domain is already in the CRM');
    const raw = await rejectionOf(Company.collection.insertOne({ domain: 'dup.test' }));
    expect(raw).toMatchObject({
      code: 11000,
      keyPattern: { domain: 1 },
      keyValue: { domain: 'dup.test' },
    });
    expect(raw.message).toMatch(
      /^E11000 duplicate key error collection: \S+\.conformancecompanies index: domain_1 dup key: \{ domain: "dup\.test" \}/,
    );
    const sameId = await rejectionOf(
      Company.collection.insertOne({
        _id: (await Company.findOne().lean())!._id,
        domain: 'other.test',
      }),
    );
    expect(sameId).toMatchObject({ code: 11000, keyPattern: { _id: 1 } });
    expect(sameId.message).toMatch(/index: _id_ dup key: \{ _id: ObjectId\('[0-9a-f]{24}'\) \}/);
  });

  it('ordered insertMany stops at the first duplicate; unordered inserts all others', async () => {
    const ordered = await rejectionOf(
      Company.insertMany([{ domain: 'o1.test' }, { domain: 'o1.test' }, { domain: 'o2.test' }], {
        ordered: true,
      }),
    );
    expect(ordered).toMatchObject({ name: 'MongoBulkWriteError', code: 11000 });
    expect(await Company.countDocuments()).toBe(1);
    await Company.deleteMany({});
    const unordered = await rejectionOf(
      Company.insertMany(
        [
          { domain: 'u1.test' },
          { domain: 'u1.test' },
          { domain: 'u2.test' },
          { domain: 'u2.test' },
        ],
        { ordered: false },
      ),
    );
    expect(unordered).toMatchObject({ code: 11000 });
    expect((unordered as { writeErrors?: unknown[] }).writeErrors).toHaveLength(2);
    expect(await Company.countDocuments()).toBe(2);
  });

  it('updateOne and findOneAndUpdate upsert into a duplicate', async () => {
    await Company.insertMany([{ domain: 'x.test' }, { domain: 'y.test' }]);
    const update = await rejectionOf(
      Company.updateOne({ domain: 'y.test' }, { $set: { domain: 'x.test' } }),
    );
    expect(update.message).toBe('That domain is already in the CRM');
    const rawUpdate = await rejectionOf(
      Company.collection.updateOne({ domain: 'y.test' }, { $set: { domain: 'x.test' } }),
    );
    expect(rawUpdate).toMatchObject({
      code: 11000,
      keyPattern: { domain: 1 },
      keyValue: { domain: 'x.test' },
    });
    const upsert = await rejectionOf(
      Company.findOneAndUpdate(
        { name: 'absent' },
        { $set: { domain: 'x.test' } },
        { upsert: true },
      ),
    );
    expect(upsert.message).toBe('That domain is already in the CRM');
    const rawUpsert = await rejectionOf(
      Company.collection.findOneAndUpdate(
        { name: 'absent' },
        { $set: { domain: 'x.test' } },
        { upsert: true },
      ),
    );
    expect(rawUpsert).toMatchObject({
      code: 11000,
      codeName: 'DuplicateKey',
      keyPattern: { domain: 1 },
      keyValue: { domain: 'x.test' },
    });
    expect(await Company.countDocuments()).toBe(2);
  });

  it('compound keys collide only on the full tuple; missing fields key as null', async () => {
    await Membership.create({ team: 't1', user: 'u1' });
    await Membership.create({ team: 't1', user: 'u2' });
    await Membership.create({ team: 't2', user: 'u1' });
    const error = await rejectionOf(Membership.collection.insertOne({ team: 't1', user: 'u1' }));
    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { team: 1, user: 1 },
      keyValue: { team: 't1', user: 'u1' },
    });
    await Membership.collection.insertOne({ team: 't3' });
    const nullKey = await rejectionOf(Membership.collection.insertOne({ team: 't3', user: null }));
    expect(nullKey).toMatchObject({ code: 11000, keyValue: { team: 't3', user: null } });
    expect(nullKey.message).toMatch(/dup key: \{ team: "t3", user: null \}/);
  });

  it('sparse unique index exempts documents without the field; partial index only covers matches', async () => {
    await Company.create({ domain: 's1.test' });
    await Company.create({ domain: 's2.test' });
    await Company.create({ domain: 's3.test', vat: 'FR1' });
    expect(await rejectionOf(Company.create({ domain: 's4.test', vat: 'FR1' }))).toMatchObject({
      code: 11000,
    });
    const leads = database().collection('partial_leads');
    await leads.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { active: true } },
    );
    await leads.insertMany([
      { email: 'p@x', active: false },
      { email: 'p@x', active: false },
      { email: 'p@x', active: true },
    ]);
    expect(await rejectionOf(leads.insertOne({ email: 'p@x', active: true }))).toMatchObject({
      code: 11000,
    });
    // Leaving the partial filter frees the key.
    await leads.updateOne({ active: true }, { $set: { active: false } });
    await leads.insertOne({ email: 'p@x', active: true });
    expect(await leads.countDocuments({ email: 'p@x' })).toBe(4);
  });

  it('array values create one key per element', async () => {
    const tags = database().collection('unique_tags');
    await tags.createIndex({ tags: 1 }, { unique: true });
    await tags.insertOne({ tags: ['a', 'b'] });
    expect(await rejectionOf(tags.insertOne({ tags: ['c', 'b'] }))).toMatchObject({
      code: 11000,
      keyValue: { tags: 'b' },
    });
    await tags.insertOne({ tags: ['c', 'c'] });
    expect(await tags.countDocuments()).toBe(2);
  });
});

import { ObjectId } from 'bson';
import type { Collection, Document } from 'mongodb';
import { useTestDatabase } from '../test-database';
import { database } from './conformance-helpers';

describe('query semantics', () => {
  useTestDatabase();
  let people: Collection<Document>;
  const ids = [new ObjectId(), new ObjectId(), new ObjectId(), new ObjectId(), new ObjectId()];

  beforeAll(async () => {
    people = database().collection('people');
    await people.insertMany([
      {
        _id: ids[0],
        name: 'Ada',
        email: 'ada@acme.test',
        score: 10,
        tags: ['vip', 'lead'],
        address: { city: 'Paris' },
        seen: new Date('2024-01-10'),
        phones: [
          { kind: 'work', number: '1' },
          { kind: 'home', number: '2' },
        ],
      },
      {
        _id: ids[1],
        name: 'bob',
        email: 'BOB@acme.test',
        score: 5,
        tags: ['lead'],
        address: { city: 'Berlin' },
        seen: new Date('2024-02-10'),
        phones: [{ kind: 'home', number: '3' }],
      },
      { _id: ids[2], name: 'Cy', email: null, score: 5, tags: [], seen: new Date('2024-03-10') },
      {
        _id: ids[3],
        name: 'Di',
        score: 7.5,
        tags: ['vip'],
        address: { city: 'Paris', zip: '75001' },
      },
      { _id: ids[4], name: 'Ed', email: 'ed@other.test', score: null, tags: 'solo' },
    ]);
  });

  const names = async (filter: Document, sort: Document = { name: 1 }): Promise<string[]> =>
    (await people.find(filter).sort(sort).toArray()).map((person) => String(person.name));

  it('ObjectId equality and $in (fresh instances), and no match against the hex string', async () => {
    expect(await names({ _id: new ObjectId(ids[1]!.toHexString()) })).toEqual(['bob']);
    expect(await names({ _id: { $in: [new ObjectId(ids[0]!.toHexString()), ids[3]] } })).toEqual([
      'Ada',
      'Di',
    ]);
    expect(await names({ _id: ids[0]!.toHexString() })).toEqual([]);
    expect(await names({ _id: { $gt: ids[2] } })).toEqual(['Di', 'Ed']);
  });

  it('null, missing and $exists', async () => {
    expect(await names({ email: null })).toEqual(['Cy', 'Di']);
    expect(await names({ email: { $exists: false } })).toEqual(['Di']);
    expect(await names({ email: { $exists: true } })).toEqual(['Ada', 'Cy', 'Ed', 'bob']);
    expect(await names({ email: { $ne: null } })).toEqual(['Ada', 'Ed', 'bob']);
    expect(await names({ email: { $in: [null, 'ed@other.test'] } })).toEqual(['Cy', 'Di', 'Ed']);
  });

  it('dotted paths, arrays, $elemMatch, $all and $size', async () => {
    expect(await names({ 'address.city': 'Paris' })).toEqual(['Ada', 'Di']);
    expect(await names({ tags: 'lead' })).toEqual(['Ada', 'bob']);
    expect(await names({ tags: ['vip'] })).toEqual(['Di']);
    expect(await names({ tags: { $all: ['lead', 'vip'] } })).toEqual(['Ada']);
    expect(await names({ tags: { $size: 0 } })).toEqual(['Cy']);
    expect(await names({ 'phones.kind': 'home' })).toEqual(['Ada', 'bob']);
    expect(await names({ phones: { $elemMatch: { kind: 'home', number: '3' } } })).toEqual(['bob']);
    expect(await names({ 'phones.0.kind': 'work' })).toEqual(['Ada']);
  });

  it('regular expressions with options, and $regex/$options', async () => {
    expect(await names({ email: /@ACME\.test$/i })).toEqual(['Ada', 'bob']);
    expect(await names({ email: { $regex: '^bob', $options: 'i' } })).toEqual(['bob']);
    expect(await names({ name: { $in: [/^a/i, 'Ed'] } })).toEqual(['Ada', 'Ed']);
    expect(await names({ name: { $not: /^[A-Z]/ } })).toEqual(['bob']);
  });

  it('comparison operators and Date ranges', async () => {
    expect(await names({ score: { $gte: 7 } })).toEqual(['Ada', 'Di']);
    expect(await names({ score: { $lt: 7, $gt: 0 } })).toEqual(['Cy', 'bob']);
    expect(
      await names({ seen: { $gte: new Date('2024-02-01'), $lt: new Date('2024-03-31') } }),
    ).toEqual(['Cy', 'bob']);
    expect(await names({ $or: [{ score: 10 }, { name: 'Ed' }] })).toEqual(['Ada', 'Ed']);
    expect(await names({ $nor: [{ score: 5 }, { score: null }] })).toEqual(['Ada', 'Di']);
    expect(await names({ $expr: { $gt: ['$score', 6] } })).toEqual(['Ada', 'Di']);
  });

  it('sorts across types with nulls first and ties broken stably by a second key', async () => {
    expect(await names({}, { score: 1, name: 1 })).toEqual(['Ed', 'Cy', 'bob', 'Di', 'Ada']);
    expect(await names({}, { score: -1, name: -1 })).toEqual(['Ada', 'Di', 'bob', 'Cy', 'Ed']);
    // Strings compare by code point: upper case before lower case.
    expect(await names({}, { name: 1 })).toEqual(['Ada', 'Cy', 'Di', 'Ed', 'bob']);
    // An array sorts by its smallest element ascending and its largest descending.
    const sortedByTags = (
      await people
        .find({ tags: { $type: 'array', $ne: [] } })
        .sort({ tags: -1, name: 1 })
        .toArray()
    ).map((person) => person.name);
    expect(sortedByTags).toEqual(['Ada', 'Di', 'bob']);
  });

  it('projection: inclusion, exclusion, _id first, $slice, $elemMatch and positional', async () => {
    const included = await people.findOne({ name: 'Ada' }, { projection: { email: 1, name: 1 } });
    expect(Object.keys(included ?? {})).toEqual(['_id', 'name', 'email']);
    const excluded = await people.findOne(
      { name: 'Ada' },
      { projection: { phones: 0, tags: 0, _id: 0 } },
    );
    expect(Object.keys(excluded ?? {}).sort()).toEqual([
      'address',
      'email',
      'name',
      'score',
      'seen',
    ]);
    expect(
      (await people.findOne({ name: 'Ada' }, { projection: { tags: { $slice: 1 } } }))?.tags,
    ).toEqual(['vip']);
    expect(
      (
        await people.findOne(
          { name: 'Ada' },
          { projection: { phones: { $elemMatch: { kind: 'home' } } } },
        )
      )?.phones,
    ).toEqual([{ kind: 'home', number: '2' }]);
    expect(
      (
        await people.findOne(
          { 'phones.kind': 'home', name: 'Ada' },
          { projection: { 'phones.$': 1 } },
        )
      )?.phones,
    ).toEqual([{ kind: 'home', number: '2' }]);
  });

  it('skip and limit after sorting; count and distinct', async () => {
    expect(
      (await people.find({}).sort({ name: 1 }).skip(1).limit(2).toArray()).map(
        (person) => person.name,
      ),
    ).toEqual(['Cy', 'Di']);
    expect(await people.countDocuments({ score: 5 })).toBe(2);
    expect(await people.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await people.estimatedDocumentCount()).toBe(5);
    expect((await people.distinct('tags')).sort()).toEqual(['lead', 'solo', 'vip']);
    expect((await people.distinct('address.city', { score: { $gt: 6 } })).sort()).toEqual([
      'Paris',
    ]);
  });
});

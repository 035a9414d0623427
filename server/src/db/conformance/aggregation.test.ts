import type { Collection, Document } from 'mongodb';
import { ObjectId } from 'bson';
import { useTestDatabase } from '../test-database';
import { database } from './conformance-helpers';

describe('aggregation used by the CRM', () => {
  useTestDatabase();
  let leads: Collection<Document>;
  const teamA = new ObjectId();
  const teamB = new ObjectId();

  beforeAll(async () => {
    leads = database().collection('leads');
    await database()
      .collection('teams')
      .insertMany([
        { _id: teamA, name: 'Alpha' },
        { _id: teamB, name: 'Beta' },
      ]);
    await leads.insertMany([
      {
        name: 'l1',
        team: teamA,
        stage: 'new',
        amount: 100,
        tags: ['a', 'b'],
        createdAt: new Date('2024-01-05T10:00:00Z'),
      },
      {
        name: 'l2',
        team: teamA,
        stage: 'won',
        amount: 300,
        tags: ['b'],
        createdAt: new Date('2024-01-20T10:00:00Z'),
      },
      {
        name: 'l3',
        team: teamB,
        stage: 'new',
        amount: 50,
        tags: [],
        createdAt: new Date('2024-02-02T10:00:00Z'),
      },
      {
        name: 'l4',
        team: teamB,
        stage: 'lost',
        amount: 0,
        tags: ['a'],
        createdAt: new Date('2024-02-10T10:00:00Z'),
      },
    ]);
  });

  const run = (
    pipeline: Document[],
    collection: Collection<Document> = leads,
  ): Promise<Document[]> => collection.aggregate(pipeline).toArray();

  it('$match $group $sort with accumulators', async () => {
    const totals = await run([
      { $match: { stage: { $ne: 'lost' } } },
      {
        $group: {
          _id: '$team',
          total: { $sum: '$amount' },
          count: { $sum: 1 },
          names: { $push: '$name' },
        },
      },
      { $sort: { total: -1 } },
    ]);
    expect(totals).toEqual([
      { _id: teamA, total: 400, count: 2, names: ['l1', 'l2'] },
      { _id: teamB, total: 50, count: 1, names: ['l3'] },
    ]);
  });

  it('$project $addFields $skip $limit and date operators', async () => {
    const rows = await run([
      { $sort: { createdAt: 1 } },
      { $addFields: { month: { $dateToString: { format: '%Y-%m', date: '$createdAt' } } } },
      { $project: { _id: 0, name: 1, month: 1, big: { $gte: ['$amount', 100] } } },
      { $skip: 1 },
      { $limit: 2 },
    ]);
    expect(rows).toEqual([
      { name: 'l2', month: '2024-01', big: true },
      { name: 'l3', month: '2024-02', big: false },
    ]);
  });

  it('$unwind $sortByCount $count', async () => {
    const byTag = await run([{ $unwind: '$tags' }, { $sortByCount: '$tags' }]);
    // Equal counts: the order between them is unspecified on a real server too.
    expect(byTag.sort((left, right) => String(left._id).localeCompare(String(right._id)))).toEqual([
      { _id: 'a', count: 2 },
      { _id: 'b', count: 2 },
    ]);
    expect(await run([{ $match: { amount: { $gt: 0 } } }, { $count: 'paying' }])).toEqual([
      { paying: 3 },
    ]);
  });

  it('$lookup (localField/foreignField and let/pipeline) by ObjectId', async () => {
    const joined = await run([
      { $match: { name: 'l3' } },
      { $lookup: { from: 'teams', localField: 'team', foreignField: '_id', as: 'teamInfo' } },
      { $project: { _id: 0, name: 1, teamName: { $first: '$teamInfo.name' } } },
    ]);
    expect(joined).toEqual([{ name: 'l3', teamName: 'Beta' }]);
    const viaPipeline = await run(
      [
        {
          $lookup: {
            from: 'leads',
            let: { teamId: '$_id' },
            pipeline: [
              { $match: { $expr: { $eq: ['$team', '$$teamId'] } } },
              { $project: { _id: 0, name: 1 } },
            ],
            as: 'leads',
          },
        },
        { $sort: { name: 1 } },
        { $project: { _id: 0, name: 1, leads: 1 } },
      ],
      database().collection('teams'),
    );
    expect(viaPipeline).toEqual([
      { name: 'Alpha', leads: [{ name: 'l1' }, { name: 'l2' }] },
      { name: 'Beta', leads: [{ name: 'l3' }, { name: 'l4' }] },
    ]);
  });

  it('$facet with a count and a page', async () => {
    const [page] = await run([
      { $match: { team: teamA } },
      {
        $facet: {
          total: [{ $count: 'n' }],
          rows: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 0, name: 1 } }],
        },
      },
    ]);
    expect(page).toEqual({ total: [{ n: 2 }], rows: [{ name: 'l2' }] });
  });

  it('countDocuments on a missing collection and on an empty filter result is 0', async () => {
    expect(await database().collection('nothing_here').countDocuments({})).toBe(0);
    expect(await leads.countDocuments({ stage: 'none' })).toBe(0);
  });

  it('aggregation never changes stored documents', async () => {
    await run([{ $set: { amount: 0, 'extra.flag': true } }, { $unset: 'name' }]);
    expect(
      (
        await leads
          .find({}, { projection: { _id: 0, name: 1, amount: 1 } })
          .sort({ name: 1 })
          .toArray()
      ).map((lead) => lead.amount),
    ).toEqual([100, 300, 50, 0]);
    expect(await leads.countDocuments({ extra: { $exists: true } })).toBe(0);
  });
});

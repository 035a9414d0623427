import { ObjectId } from 'bson';
import type { Collection, Document } from 'mongodb';
import { useTestDatabase } from '../test-database';
import { database } from './conformance-helpers';

/**
 * The same data in a collection with indexes and in one without: every query must answer the
 * same (the in-process server plans index lookups, bounded sorts and one-pass counts/groups; a
 * real server uses its own plans). Results are compared in full, in order where a sort is given.
 */
describe('index-served queries answer like full scans', () => {
  useTestDatabase();
  let indexed: Collection<Document>;
  let plain: Collection<Document>;
  const teams = [new ObjectId(), new ObjectId()];
  const users = [new ObjectId(), new ObjectId()];

  const rows: Document[] = [
    { n: 1, teamId: teams[0], userId: users[0], active: true, stage: 'new', tags: ['a', 'b'] },
    { n: 2, teamId: teams[0], userId: null, active: true, stage: 'won', tags: [] },
    { n: 3, teamId: teams[0], active: false, stage: 'new', tags: ['b'] },
    { n: 4, teamId: teams[1], userId: users[1], active: true, stage: 'Won', tags: [null] },
    { n: 5, teamId: teams[1], userId: users[0], active: true, stage: null, tags: 'a' },
    { n: 6, userId: users[1], active: true, stage: 5, tags: ['a', null] },
    { n: 7, teamId: teams[0], userId: [users[0], users[1]], active: true, stage: 'b' },
    { n: 8, teamId: teams[1], active: true, stage: 'ä', tags: [['a']] },
    { n: 9, teamId: teams[0], userId: users[1], active: true, stage: 'B', priority: '2' },
    { n: 10, teamId: teams[0], userId: users[1], active: true, stage: 'new', priority: '2' },
  ];

  // Shaped like the pipeline's queries on leads: teamId, active and type pinned together, with
  // arrays on one indexed field at a time (MongoDB cannot index parallel arrays), nulls, missing
  // fields and look-alike values of other types.
  let indexedPipeline: Collection<Document>;
  let plainPipeline: Collection<Document>;
  const pipelineRows: Document[] = [
    { n: 1, teamId: teams[0], active: true, type: 'opportunity', stageId: 's1', priority: '1' },
    { n: 2, teamId: teams[0], active: true, type: 'lead', stageId: 's1' },
    { n: 3, teamId: teams[0], active: false, type: 'opportunity', stageId: 's2' },
    { n: 4, teamId: teams[0], active: true, type: ['lead', 'opportunity'], stageId: 's2' },
    { n: 5, teamId: teams[0], active: true, type: null },
    { n: 6, teamId: teams[0], active: true },
    { n: 7, teamId: teams[0], active: 1, type: 'opportunity' },
    { n: 8, teamId: [teams[0], teams[1]], active: true, type: 'opportunity' },
    { n: 9, teamId: teams[1], active: true, type: 'opportunity', userId: users[0] },
    { n: 10, active: true, type: 'opportunity' },
    { n: 11, teamId: null, active: null, type: 'opportunity' },
    { n: 12, teamId: teams[0], active: [true, false], type: 'opportunity' },
    { n: 13, teamId: teams[0], active: true, type: 'Opportunity' },
    { n: 14, teamId: teams[0], type: 'opportunity' },
  ];
  const pipelineBoth = (filter: Document): Promise<number[]> =>
    answersAlike([indexedPipeline, plainPipeline], filter, { n: 1 }, 0);

  beforeAll(async () => {
    indexedPipeline = database().collection('indexed_pipeline');
    plainPipeline = database().collection('plain_pipeline');
    await indexedPipeline.createIndexes([
      { key: { teamId: 1, active: 1, type: 1, stageId: 1, priority: -1, _id: -1 } },
      { key: { userId: 1, active: 1, type: 1 } },
      { key: { teamId: 1, type: 1 }, partialFilterExpression: { active: true } },
      { key: { type: 1, stageId: 1 }, sparse: true },
    ]);
    await indexedPipeline.insertMany(pipelineRows.map((row) => ({ ...row })));
    await plainPipeline.insertMany(pipelineRows.map((row) => ({ ...row })));
  });

  beforeAll(async () => {
    indexed = database().collection('indexed_leads');
    plain = database().collection('plain_leads');
    await indexed.createIndexes([
      { key: { teamId: 1, active: 1, stage: 1 } },
      { key: { userId: 1 } },
      { key: { stage: 1 } },
      { key: { tags: 1 } },
    ]);
    await indexed.insertMany(rows.map((row) => ({ ...row })));
    await plain.insertMany(rows.map((row) => ({ ...row })));
  });

  async function answersAlike(
    [withIndexes, withoutIndexes]: [Collection<Document>, Collection<Document>],
    filter: Document,
    sort: Document,
    limit: number,
  ): Promise<number[]> {
    const run = async (collection: Collection<Document>) =>
      (await collection.find(filter).sort(sort).limit(limit).toArray()).map((row) => Number(row.n));
    const [viaIndexes, viaScan] = await Promise.all([run(withIndexes), run(withoutIndexes)]);
    expect(viaIndexes).toEqual(viaScan);
    const [indexedCount, plainCount] = await Promise.all([
      withIndexes.countDocuments(filter),
      withoutIndexes.countDocuments(filter),
    ]);
    expect(indexedCount).toBe(plainCount);
    return viaIndexes;
  }

  const both = (filter: Document, sort: Document = { n: 1 }, limit = 0): Promise<number[]> =>
    answersAlike([indexed, plain], filter, sort, limit);

  it('equality inside $and (as services build filters), including on a compound prefix', async () => {
    expect(await both({ $and: [{}, { teamId: teams[0], active: true }] })).toEqual([
      1, 2, 7, 9, 10,
    ]);
    expect(
      await both({ $and: [{ $and: [{ teamId: teams[0] }] }, { active: true }, { stage: 'new' }] }),
    ).toEqual([1, 10]);
    expect(
      await both({ $and: [{ stage: { $in: ['new', 'won'] } }, { teamId: teams[0] }] }),
    ).toEqual([1, 2, 3, 10]);
  });

  it('compound prefixes: teamId, active and type pinned together (pipeline and summary)', async () => {
    expect(
      await pipelineBoth({ $and: [{}, { teamId: teams[0], type: 'opportunity', active: true }] }),
    ).toEqual([1, 4, 8, 12]);
    expect(
      await pipelineBoth({
        $and: [{ teamId: teams[0] }, { active: true, type: { $in: ['lead', null] } }],
      }),
    ).toEqual([2, 4, 5, 6]);
    expect(
      await pipelineBoth({ $and: [{ teamId: teams[0], active: true, userId: null }] }),
    ).toEqual([1, 2, 4, 5, 6, 8, 12, 13]);
    expect(
      await pipelineBoth({
        teamId: { $in: [teams[0], teams[1]] },
        active: true,
        type: 'opportunity',
        stageId: 's1',
      }),
    ).toEqual([1]);
    expect(await pipelineBoth({ teamId: teams[1], active: true })).toEqual([8, 9]);
    expect(
      await pipelineBoth({
        $and: [
          { teamId: teams[0], active: true },
          { $or: [{ type: 'lead' }, { type: 'opportunity', stageId: 's2' }] },
        ],
      }),
    ).toEqual([2, 4]);
  });

  it('compound prefixes: null and missing, mixed types, sparse and partial indexes', async () => {
    expect(await pipelineBoth({ teamId: null, active: null, type: 'opportunity' })).toEqual([11]);
    expect(await pipelineBoth({ teamId: null, type: 'opportunity' })).toEqual([10, 11]);
    expect(await pipelineBoth({ teamId: teams[0], active: 1 })).toEqual([7]);
    expect(
      await pipelineBoth({ teamId: teams[0], active: { $in: [true, 1] }, type: 'opportunity' }),
    ).toEqual([1, 4, 7, 8, 12]);
    expect(await pipelineBoth({ userId: null, active: true, type: 'opportunity' })).toEqual([
      1, 4, 8, 10, 12,
    ]);
    // The partial index holds active leads only, the sparse one skips documents with neither field.
    expect(await pipelineBoth({ teamId: teams[0], type: 'opportunity' })).toEqual([
      1, 3, 4, 7, 8, 12, 14,
    ]);
    expect(await pipelineBoth({ type: null, stageId: null })).toEqual([5, 6]);
  });

  it('null matches missing, null and arrays holding null, also through an index', async () => {
    expect(await both({ userId: null })).toEqual([2, 3, 8]);
    expect(await both({ $and: [{ userId: null }, { teamId: teams[0] }] })).toEqual([2, 3]);
    expect(await both({ tags: null })).toEqual([4, 6, 7, 9, 10]);
    expect(await both({ tags: { $in: [null, 'b'] } })).toEqual([1, 3, 4, 6, 7, 9, 10]);
    expect(await both({ userId: { $ne: null }, active: true })).toEqual([1, 4, 5, 6, 7, 9, 10]);
  });

  it('arrays: an element matches, an empty array is not null, nested arrays are not traversed', async () => {
    expect(await both({ userId: users[1] })).toEqual([4, 6, 7, 9, 10]);
    expect(await both({ tags: 'a' })).toEqual([1, 5, 6]);
    expect(await both({ tags: [] })).toEqual([2]);
  });

  it('$or whose clauses are each index-served (own-leads access filter)', async () => {
    expect(
      await both({ $and: [{ $or: [{ userId: users[0] }, { userId: null }] }, { active: true }] }),
    ).toEqual([1, 2, 5, 7, 8]);
    expect(await both({ $or: [{ stage: 'won' }, { n: { $gt: 8 } }] })).toEqual([2, 9, 10]);
  });

  it('mixed types and binary string order: ranges stay within a type, upper case sorts first', async () => {
    expect(await both({ stage: { $gte: 'a' } })).toEqual([1, 2, 3, 7, 8, 10]);
    expect(await both({}, { stage: 1, n: 1 })).toEqual([5, 6, 9, 4, 7, 1, 3, 10, 2, 8]);
    expect(await both({ stage: { $type: 'string' } }, { stage: -1, n: 1 }, 3)).toEqual([8, 2, 1]);
  });

  it('top-k sorts keep ties in a stable, complete order (sort key then _id)', async () => {
    const page = await both({ active: true }, { priority: -1, _id: 1 }, 4);
    expect(page.slice(0, 2)).toEqual([9, 10]);
    expect(page).toHaveLength(4);
    const all = await both({ active: true }, { priority: -1, _id: 1 });
    expect(all.slice(0, 4)).toEqual(page);
    expect(await both({ teamId: teams[0] }, { active: 1, n: -1 }, 2)).toEqual([3, 10]);
  });

  it('kanban totals: $group by a field with $sum, missing and null keys in one null group', async () => {
    const pipeline = [
      { $match: { active: true } },
      { $group: { _id: '$teamId', count: { $sum: 1 }, total: { $sum: '$n' } } },
      { $sort: { count: -1 } },
    ];
    const [viaIndexes, viaScan] = await Promise.all([
      indexed.aggregate(pipeline).toArray(),
      plain.aggregate(pipeline).toArray(),
    ]);
    expect(viaIndexes).toEqual(viaScan);
    expect(viaIndexes).toEqual([
      { _id: teams[0], count: 5, total: 29 },
      { _id: teams[1], count: 3, total: 17 },
      { _id: null, count: 1, total: 6 },
    ]);
  });
});

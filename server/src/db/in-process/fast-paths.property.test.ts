import fc from 'fast-check';
import { ObjectId } from 'bson';
import { aggregate } from 'mingo';
import type { Document } from './bson-values';
import { parseIndexSpec } from './collection-index';
import { Collection, type WriteJournal } from './collection';
import { runPipeline } from './pipeline';
import { baseMingoOptions, Filter, sortDocuments, type SortSpec } from './query';

/**
 * The in-process server's fast paths must never change an answer: index-served candidate sets,
 * the bounded-heap sort and the one-pass `$group` are compared with the plain way of computing
 * the same thing on random data (arrays, nulls, missing fields, mixed types, ties).
 */
const journal: WriteJournal = { beforeWrite: () => undefined };
const ids = [
  new ObjectId('65a000000000000000000001'),
  new ObjectId('65a000000000000000000002'),
  new ObjectId('65a0000000000000000000ff'),
];
const scalar = fc.oneof(
  fc.constant(null),
  fc.constantFrom(0, 1, 2, 2.5, -1),
  fc.constantFrom('a', 'B', 'b', 'ab', '', 'é'),
  fc.boolean(),
  fc.constantFrom(...ids).map((id) => new ObjectId(id.toHexString())),
  fc.constantFrom(new Date(0), new Date('2024-01-01')).map((date) => new Date(date.getTime())),
);
const stored = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ x: scalar }, { noNullPrototype: true }) },
);
const fields = ['a', 'b', 'c'] as const;
const documents = fc
  .array(
    fc.record(
      {
        a: stored,
        b: stored,
        c: stored,
        d: fc.record({ e: scalar }, { noNullPrototype: true }),
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    { maxLength: 25 },
  )
  .map((rows) => rows.map((row, position) => ({ _id: position, ...row }) as Document));

const equality = fc.oneof(
  scalar,
  scalar.map((value) => ({ $eq: value })),
  fc.array(scalar, { maxLength: 3 }).map((values) => ({ $in: values })),
  fc.array(scalar, { maxLength: 2 }).map((values) => ({ $in: values, $ne: 'a' })),
  scalar.map((value) => ({ $gte: value })),
);
const clause = fc.dictionary(fc.constantFrom<string>(...fields, 'd.e', '_id'), equality, {
  minKeys: 1,
  maxKeys: 2,
});
const filter: fc.Arbitrary<Document> = fc.oneof(
  clause,
  fc.array(clause, { minLength: 1, maxLength: 3 }).map((clauses) => ({ $and: clauses })),
  fc
    .tuple(clause, fc.array(clause, { minLength: 1, maxLength: 3 }))
    .map(([base, alternatives]) => ({ $and: [{ $and: [base] }, { $or: alternatives }] })),
);

// Few distinct values so that filters on several leading fields often match something.
const compoundScalar = fc.oneof(
  fc.constant(null),
  fc.constantFrom(0, 1, true, 'x', 'y'),
  fc.constantFrom(ids[0] as ObjectId).map((id) => new ObjectId(id.toHexString())),
);
const compoundRow = fc.record(
  {
    a: fc.oneof(
      { weight: 5, arbitrary: compoundScalar },
      { weight: 2, arbitrary: fc.array(compoundScalar, { maxLength: 3 }) },
    ),
    b: fc.oneof(
      { weight: 5, arbitrary: compoundScalar },
      { weight: 1, arbitrary: fc.array(compoundScalar, { maxLength: 2 }) },
    ),
    c: compoundScalar,
  },
  { requiredKeys: [], noNullPrototype: true },
);
const compoundRows = fc
  .array(compoundRow, { maxLength: 30 })
  .map((rows) => rows.map((row, position) => ({ _id: position, ...row }) as Document));
const compoundEquality = fc.oneof(
  compoundScalar,
  compoundScalar.map((value) => ({ $eq: value })),
  fc.array(compoundScalar, { maxLength: 3 }).map((values) => ({ $in: values })),
  compoundScalar.map((value) => ({ $ne: value })),
  fc.constant({ $exists: false }),
);
const compoundClause = fc.dictionary(fc.constantFrom('a', 'b', 'c'), compoundEquality, {
  minKeys: 1,
  maxKeys: 3,
});

function indexedCollection(rows: Document[]): Collection {
  const collection = new Collection('db', 'random');
  collection.createIndex(parseIndexSpec({ key: { a: 1 }, name: 'a_1' }));
  collection.createIndex(parseIndexSpec({ key: { b: 1, c: -1 }, name: 'b_1_c_-1' }));
  collection.createIndex(parseIndexSpec({ key: { 'd.e': 1 }, name: 'd.e_1' }));
  collection.createIndex(parseIndexSpec({ key: { c: 1, a: -1, b: 1 }, name: 'c_1_a_-1_b_1' }));
  collection.createIndex(
    parseIndexSpec({ key: { c: 1 }, name: 'c_1', partialFilterExpression: { c: { $gt: 0 } } }),
  );
  for (const row of rows) collection.insert(row, journal);
  return collection;
}

const idsOf = (rows: Document[]): unknown[] =>
  rows.map((row) => row._id).sort((left, right) => Number(left) - Number(right));

describe('in-process server fast paths give the plain answers', () => {
  it('index-served candidates hold every document a full scan matches', () => {
    fc.assert(
      fc.property(documents, filter, (rows, raw) => {
        const collection = indexedCollection(rows);
        const query = new Filter(raw);
        const viaPlanner = collection.candidates(query).filter((row) => query.test(row));
        const viaScan = collection.all().filter((row) => query.test(row));
        expect(idsOf(viaPlanner)).toEqual(idsOf(viaScan));
      }),
      { numRuns: 1500 },
    );
  });

  it('compound-index prefixes serve equality on leading fields, through updates and deletes', () => {
    // Only compound indexes (plus a sparse and a partial one, which must serve nothing): the
    // planner can narrow a filter only by the longest pinned run of leading fields.
    const prefixFilter = fc.oneof(
      compoundClause,
      fc.array(compoundClause, { minLength: 1, maxLength: 3 }).map((clauses) => ({
        $and: [{}, ...clauses],
      })),
      fc
        .tuple(compoundClause, fc.array(compoundClause, { minLength: 1, maxLength: 2 }))
        .map(([base, alternatives]) => ({ $and: [base, { $or: alternatives }] })),
    );
    const edits = fc.array(fc.tuple(fc.nat(30), fc.option(compoundRow, { nil: undefined })), {
      maxLength: 10,
    });
    fc.assert(
      fc.property(compoundRows, edits, prefixFilter, (rows, changes, raw) => {
        const collection = new Collection('db', 'compound');
        collection.createIndex(parseIndexSpec({ key: { a: 1, b: 1, c: 1 }, name: 'a_b_c' }));
        collection.createIndex(parseIndexSpec({ key: { c: -1, a: 1 }, name: 'c_a' }));
        collection.createIndex(
          parseIndexSpec({ key: { b: 1, c: 1, a: 1 }, name: 'b_c_a_sparse', sparse: true }),
        );
        collection.createIndex(
          parseIndexSpec({
            key: { c: 1, b: 1 },
            name: 'c_b_partial',
            partialFilterExpression: { b: { $exists: true } },
          }),
        );
        for (const row of rows) collection.insert(row, journal);
        for (const [position, replacement] of changes) {
          const id = `d${position}`;
          if (collection.getById(id) === undefined) continue;
          collection.write(id, replacement && { ...replacement, _id: position }, journal);
        }
        const query = new Filter(raw);
        const viaPlanner = collection.candidates(query).filter((row) => query.test(row));
        const viaScan = collection.all().filter((row) => query.test(row));
        expect(idsOf(viaPlanner)).toEqual(idsOf(viaScan));
      }),
      { numRuns: 1500 },
    );
  });

  it('the bounded-heap sort returns the same documents in the same order as a full sort', () => {
    const spec = fc.array(
      fc.tuple(fc.constantFrom<string>(...fields, 'd.e', '_id'), fc.constantFrom<1 | -1>(1, -1)),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(documents, spec, fc.integer({ min: 1, max: 6 }), (rows, sort, keep) => {
        const unique = [...new Map(sort.map(([path, direction]) => [path, direction])).entries()];
        const full = sortDocuments(rows, unique as SortSpec).slice(0, keep);
        expect(sortDocuments(rows, unique as SortSpec, keep).map((row) => row._id)).toEqual(
          full.map((row) => row._id),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('the one-pass $group agrees with mingo (groups in order of first appearance)', () => {
    const numbers = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, 'x', null));
    const rows = fc.array(
      fc.record(
        {
          _id: fc.nat(),
          stage: fc.constantFrom(null, 'new', 'won', 3, ids[0] as ObjectId),
          amount: numbers,
          other: numbers,
        },
        { noNullPrototype: true },
      ),
      { maxLength: 30 },
    );
    const group = fc.constantFrom<Document>(
      { _id: '$stage', count: { $sum: 1 }, amount: { $sum: '$amount' } },
      { _id: 1, n: { $sum: 1 } },
      { _id: null, total: { $sum: '$other' }, twice: { $sum: 2 } },
      { _id: 'all', amount: { $sum: '$amount' } },
    );
    fc.assert(
      fc.property(rows, group, (input, stage) => {
        const collection = new Collection('db', 'groups');
        const unique = [...new Map(input.map((row) => [row._id, row])).values()];
        for (const row of unique) collection.insert({ ...row }, journal);
        const ours = runPipeline(collection, [{ $match: {} }, { $group: stage }], () => undefined);
        const theirs = aggregate(collection.all(), [{ $group: stage }], baseMingoOptions);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 1000 },
    );
  });

  it('groups a missing key with null under _id: null, as MongoDB does', () => {
    const collection = new Collection('db', 'groups');
    collection.insert({ _id: 1, stage: null, amount: 5 }, journal);
    collection.insert({ _id: 2, amount: 7 }, journal);
    collection.insert({ _id: 3, stage: 'won', amount: 1 }, journal);
    expect(
      runPipeline(
        collection,
        [{ $group: { _id: '$stage', total: { $sum: '$amount' }, n: { $sum: 1 } } }],
        () => undefined,
      ),
    ).toEqual([
      { _id: null, total: 12, n: 2 },
      { _id: 'won', total: 1, n: 1 },
    ]);
  });
});

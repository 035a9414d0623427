import fc from 'fast-check';
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import type { Document } from './bson-values';
import { compileFilter } from './compiled-filter';
import { MongoCommandError } from './errors';
import { baseMingoOptions, Filter, validateFilter } from './query';

const ids = [
  new ObjectId('65a000000000000000000001'),
  new ObjectId('65a000000000000000000002'),
  new ObjectId('65a0000000000000000000ff'),
];
const dates = [new Date('2024-01-01'), new Date('2024-06-01'), new Date(0)];
const fields = ['a', 'b', 'c'];

/** Scalars as they come off the wire; fresh ObjectId/Date instances so equality is by value. */
const scalar = fc.oneof(
  fc.constant(null),
  fc.constantFrom(0, -0, 1, 2, 1.5, -3, 10, 9),
  fc.constantFrom('', 'a', 'b', 'B', 'ab', 'abc', 'é', '10', '9', 'A'),
  fc.boolean(),
  fc.constantFrom(...ids).map((id) => new ObjectId(id.toHexString())),
  fc.constantFrom(...dates).map((date) => new Date(date.getTime())),
);
/** Stored values add what filters here never hold: arrays (nested too), documents, NaN, RegExp. */
const storedValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 3, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, { x: 1 }, [{ x: 1 }], /a/) },
);
const storedDocument = fc
  .tuple(...fields.map(() => fc.option(storedValue, { nil: undefined, freq: 3 })))
  .map((values) => {
    const document: Document = { _id: 1 };
    values.forEach((value, index) => {
      if (value !== undefined) document[fields[index] as string] = value;
    });
    return document;
  });

const rangeBound = scalar.filter((value) => value !== null);
const fieldCondition: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  scalar.map((value) => ({ $eq: value })),
  scalar.map((value) => ({ $ne: value })),
  fc.array(scalar, { maxLength: 3 }).map((values) => ({ $in: values })),
  fc.array(scalar, { maxLength: 3 }).map((values) => ({ $nin: values })),
  fc
    .tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), rangeBound)
    .map(([operator, bound]) => ({ [operator]: bound })),
  fc.tuple(rangeBound, rangeBound).map(([low, high]) => ({ $gte: low, $lt: high })),
  fc.boolean().map((exists) => ({ $exists: exists })),
  fc.constantFrom('string', 'number', 'bool', 'date', 'null').map((alias) => ({ $type: alias })),
  fc.constantFrom('string', 'number').map((alias) => ({ $type: alias, $gte: 'a' })),
  fc.constantFrom(/^a/, /b$/, /^é/i, /1/).map((pattern) => pattern),
  fc.constantFrom('^a', 'b').map((source) => ({ $regex: source })),
);
const fieldFilter = fc.dictionary(fc.constantFrom(...fields), fieldCondition, {
  minKeys: 1,
  maxKeys: 2,
});
const filter: fc.Arbitrary<Document> = fc.oneof(
  { weight: 3, arbitrary: fieldFilter },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('$and', '$or'), fc.array(fieldFilter, { minLength: 1, maxLength: 3 }))
      .map(([operator, clauses]) => ({ [operator]: clauses })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fieldFilter, fc.array(fieldFilter, { minLength: 1, maxLength: 2 }))
      .map(([base, clauses]) => ({ ...base, $and: [{ $or: clauses }, base] })),
  },
);

describe('compileFilter (fast path for common filters)', () => {
  it('answers exactly like mingo on random documents and filters', () => {
    fc.assert(
      fc.property(filter, fc.array(storedDocument, { minLength: 1, maxLength: 8 }), (raw, docs) => {
        const source = validateFilter(raw);
        const compiled = compileFilter(source);
        expect(compiled).toBeDefined();
        const query = new Query(source, baseMingoOptions);
        for (const document of docs) {
          expect({ document, match: compiled?.(document) }).toEqual({
            document,
            match: query.test(document),
          });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves everything else to mingo', () => {
    const outside: Document[] = [
      { 'a.b': 1 },
      { a: { x: 1 } },
      { a: [1, 2] },
      { a: { $in: [[1]] } },
      { a: { $elemMatch: { x: 1 } } },
      { a: { $not: { $gt: 1 } } },
      { a: { $size: 1 } },
      { a: { $all: [1] } },
      { a: { $type: 'array' } },
      { a: { $regex: 'x', $options: 'i' } },
      { a: { $in: [/x/] } },
      { a: { $gt: null } },
      { $nor: [{ a: 1 }] },
      { $expr: { $eq: ['$a', 1] } },
      { constructor: 1 },
      { a: 1, b: { $mod: [2, 0] } },
    ];
    for (const source of outside) expect(compileFilter(validateFilter(source))).toBeUndefined();
  });

  it('matches null against missing, null and arrays holding null, as MongoDB does', () => {
    const isNull = compileFilter({ a: null });
    expect(
      [{}, { a: null }, { a: [1, null] }, { a: [] }, { a: 0 }].map((doc) => isNull?.(doc)),
    ).toEqual([true, true, true, false, false]);
  });

  it('compares ObjectIds by value and never with their hex string', () => {
    const byId = compileFilter({ a: new ObjectId(ids[0]!.toHexString()) });
    expect(byId?.({ a: ids[0] })).toBe(true);
    expect(byId?.({ a: [ids[1], ids[0]] })).toBe(true);
    expect(byId?.({ a: ids[0]!.toHexString() })).toBe(false);
  });

  it('keeps ranges within one type (no number matches a string bound)', () => {
    const range = compileFilter({ a: { $gte: 'a' } });
    expect(
      [{ a: 'b' }, { a: 5 }, { a: ['0', 'z'] }, { a: null }].map((doc) => range?.(doc)),
    ).toEqual([true, false, true, false]);
  });

  it('leaves an invalid $regex string to mingo, which fails with the server code 51091', () => {
    expect(compileFilter({ a: { $regex: '(' } })).toBeUndefined();
    let failure: unknown;
    try {
      new Filter({ a: { $regex: '(' } });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(MongoCommandError);
    expect((failure as MongoCommandError).code).toBe(51091);
  });
});

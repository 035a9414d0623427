import type { Collection, Document } from 'mongodb';
import { useTestDatabase } from '../test-database';
import { database, rejectionOf } from './conformance-helpers';

describe('update operators', () => {
  useTestDatabase();
  let deals: Collection<Document & { _id: number }>;

  beforeAll(() => {
    deals = database().collection<Document & { _id: number }>('deals');
  });

  beforeEach(async () => {
    await deals.deleteMany({});
    await deals.insertOne({
      _id: 1,
      title: 'Deal',
      amount: 100,
      stage: { name: 'new', order: 1 },
      tags: ['a', 'b'],
      lines: [
        { sku: 'x', qty: 1 },
        { sku: 'y', qty: 5 },
        { sku: 'z', qty: 9 },
      ],
      scores: [3, 8, 1],
      old: 'value',
    });
  });

  const update = async (
    modifier: Document | Document[],
    options: Document = {},
  ): Promise<Document | null> => {
    await deals.updateOne({ _id: 1 }, modifier, options);
    return deals.findOne({ _id: 1 });
  };

  it('$set, $unset, $inc, $mul, $min, $max, $rename, $currentDate', async () => {
    const after = await update({
      $set: { 'stage.name': 'won', 'new.nested': true },
      $unset: { title: '' },
      $inc: { amount: 5, counter: 2 },
      $mul: { 'stage.order': 3 },
      $min: { low: 4 },
      $max: { high: 9 },
      $rename: { old: 'renamed' },
      $currentDate: { touchedAt: true },
    });
    expect(after).toMatchObject({
      amount: 105,
      counter: 2,
      stage: { name: 'won', order: 3 },
      new: { nested: true },
      low: 4,
      high: 9,
      renamed: 'value',
    });
    expect(after).not.toHaveProperty('title');
    expect(after).not.toHaveProperty('old');
    expect(after?.touchedAt).toBeInstanceOf(Date);
    const bounded = await update({ $min: { amount: 50 }, $max: { high: 3 } });
    expect(bounded).toMatchObject({ amount: 50, high: 9 });
  });

  it('array operators: $push with modifiers, $addToSet, $pop, $pull, $pullAll', async () => {
    expect((await update({ $push: { tags: 'c' } }))?.tags).toEqual(['a', 'b', 'c']);
    expect(
      (await update({ $push: { scores: { $each: [7, 2], $sort: -1, $slice: 3 } } }))?.scores,
    ).toEqual([8, 7, 3]);
    expect((await update({ $push: { tags: { $each: ['first'], $position: 0 } } }))?.tags).toEqual([
      'first',
      'a',
      'b',
      'c',
    ]);
    expect((await update({ $addToSet: { tags: { $each: ['a', 'd'] } } }))?.tags).toEqual([
      'first',
      'a',
      'b',
      'c',
      'd',
    ]);
    expect((await update({ $pop: { tags: -1 } }))?.tags).toEqual(['a', 'b', 'c', 'd']);
    expect((await update({ $pull: { lines: { qty: { $gte: 5 } } } }))?.lines).toEqual([
      { sku: 'x', qty: 1 },
    ]);
    expect((await update({ $pullAll: { tags: ['a', 'c'] } }))?.tags).toEqual(['b', 'd']);
  });

  it('positional $, all-positional $[] and filtered $[id] with arrayFilters', async () => {
    await deals.updateOne({ _id: 1, 'lines.sku': 'y' }, { $inc: { 'lines.$.qty': 10 } });
    expect((await deals.findOne({ _id: 1 }))?.lines[1]).toEqual({ sku: 'y', qty: 15 });
    expect(
      (await update({ $set: { 'lines.$[].checked': true } }))?.lines.every(
        (line: Document) => line.checked === true,
      ),
    ).toBe(true);
    const filtered = await update(
      { $set: { 'lines.$[big].big': true } },
      { arrayFilters: [{ 'big.qty': { $gt: 8 } }] },
    );
    expect(filtered?.lines.map((line: Document) => line.big === true)).toEqual([false, true, true]);
  });

  it('replacement keeps _id; pipeline updates compute from the document', async () => {
    await deals.replaceOne({ _id: 1 }, { title: 'Replaced' });
    expect(await deals.findOne({ _id: 1 })).toEqual({ _id: 1, title: 'Replaced' });
    await deals.updateOne({ _id: 1 }, [
      { $set: { upper: { $toUpper: '$title' }, length: { $strLenCP: '$title' } } },
    ]);
    expect(await deals.findOne({ _id: 1 })).toEqual({
      _id: 1,
      title: 'Replaced',
      upper: 'REPLACED',
      length: 8,
    });
  });

  it('fails like the server: 14, 28, 2, 40, 66, 9', async () => {
    expect(await rejectionOf(update({ $inc: { title: 1 } }))).toMatchObject({
      code: 14,
      codeName: 'TypeMismatch',
    });
    expect(await rejectionOf(update({ $inc: { amount: 'one' } }))).toMatchObject({ code: 14 });
    expect(await rejectionOf(update({ $set: { 'amount.cents': 1 } }))).toMatchObject({
      code: 28,
      codeName: 'PathNotViable',
    });
    expect(await rejectionOf(update({ $set: { 'lines.$.qty': 1 } }))).toMatchObject({
      code: 2,
      codeName: 'BadValue',
    });
    expect(await rejectionOf(update({ $set: { 'lines.$[d].qty': 1 } }))).toMatchObject({ code: 2 });
    expect(await rejectionOf(update({ $push: { title: 'x' } }))).toMatchObject({ code: 2 });
    expect(await rejectionOf(update({ $set: { amount: 1 }, $inc: { amount: 1 } }))).toMatchObject({
      code: 40,
      codeName: 'ConflictingUpdateOperators',
    });
    expect(
      await rejectionOf(update({ $set: { stage: {} }, $unset: { 'stage.name': '' } })),
    ).toMatchObject({ code: 40 });
    expect(await rejectionOf(update({ $set: { _id: 2 } }))).toMatchObject({
      code: 66,
      codeName: 'ImmutableField',
    });
    expect(await rejectionOf(deals.replaceOne({ _id: 1 }, { _id: 2, title: 'x' }))).toMatchObject({
      code: 66,
    });
    expect(await rejectionOf(update({ $frobnicate: { amount: 1 } }))).toMatchObject({
      code: 9,
      codeName: 'FailedToParse',
    });
    // Nothing was changed by the failed updates.
    expect(await deals.findOne({ _id: 1 })).toMatchObject({ title: 'Deal', amount: 100 });
  });

  it('$set of the same _id value is allowed', async () => {
    expect(await update({ $set: { _id: 1, amount: 1 } })).toMatchObject({ _id: 1, amount: 1 });
  });

  it('upsert builds the document from the query equalities', async () => {
    await deals.updateOne(
      { code: 'Q-1', 'owner.id': 7, amount: { $gt: 5 } },
      { $set: { title: 'Upserted' } },
      { upsert: true },
    );
    const upserted = await deals.findOne({ code: 'Q-1' });
    expect(upserted).toMatchObject({ code: 'Q-1', owner: { id: 7 }, title: 'Upserted' });
    expect(upserted).not.toHaveProperty('amount');
    await deals.updateOne({ _id: 99 }, { $setOnInsert: { created: true } }, { upsert: true });
    expect(await deals.findOne({ _id: 99 })).toEqual({ _id: 99, created: true });
  });
});

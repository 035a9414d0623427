import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { useTestDatabase } from '../test-database';
import { commandError, database } from './conformance-helpers';

const Item = mongoose.model('ConformanceCursorItem', new mongoose.Schema({ position: Number }));

describe('cursors and batches', () => {
  useTestDatabase();
  const started: CommandStartedEvent[] = [];
  const record = (event: CommandStartedEvent): void => void started.push(event);

  beforeAll(async () => {
    await Item.insertMany(Array.from({ length: 250 }, (_, position) => ({ position })));
    mongoose.connection.getClient().on('commandStarted', record);
  });

  afterAll(() => {
    mongoose.connection.getClient().off('commandStarted', record);
  });

  beforeEach(() => {
    started.length = 0;
  });

  const sent = (name: string): CommandStartedEvent[] =>
    started.filter((event) => event.commandName === name);

  it('monitoring is on (the client reports the commands it sends)', async () => {
    await Item.findOne();
    expect(sent('find')).toHaveLength(1);
  });

  it('batchSize(50) over 250 documents: one find and four getMores, in order', async () => {
    const positions: number[] = [];
    for await (const item of Item.find().sort({ position: 1 }).batchSize(50).cursor())
      positions.push(item.position ?? -1);
    expect(positions).toEqual(Array.from({ length: 250 }, (_, position) => position));
    expect(sent('find')).toHaveLength(1);
    expect(sent('getMore')).toHaveLength(4);
    expect(sent('killCursors')).toHaveLength(0);
  });

  it('without batchSize the first batch holds 101 documents and one getMore brings the rest', async () => {
    const all = await database().collection('conformancecursoritems').find({}).toArray();
    expect(all).toHaveLength(250);
    expect(sent('getMore')).toHaveLength(1);
  });

  it('closing early sends killCursors; a killed cursor is gone (43)', async () => {
    const cursor = database().collection('conformancecursoritems').find({}, { batchSize: 10 });
    await cursor.next();
    const cursorId = cursor.id;
    await cursor.close();
    expect(sent('killCursors')).toHaveLength(1);
    expect(cursorId).toBeDefined();
    const error = await commandError({ getMore: cursorId!, collection: 'conformancecursoritems' });
    expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('limit counts across batches; negative limit and singleBatch close the cursor', async () => {
    const limited = await Item.find().sort({ position: -1 }).limit(120).batchSize(50).lean();
    expect(limited).toHaveLength(120);
    expect(limited[0]?.position).toBe(249);
    expect(sent('getMore').length).toBeGreaterThanOrEqual(2);
    const single = await database().command({
      find: 'conformancecursoritems',
      batchSize: 5,
      singleBatch: true,
    });
    expect(single.cursor.firstBatch).toHaveLength(5);
    expect(Number(single.cursor.id)).toBe(0);
    const negative = await database().command({ find: 'conformancecursoritems', limit: -3 });
    expect(negative.cursor.firstBatch).toHaveLength(3);
    expect(Number(negative.cursor.id)).toBe(0);
  });

  it('batchSize 0 returns an empty first batch and an open cursor', async () => {
    const reply = await database().command({ find: 'conformancecursoritems', batchSize: 0 });
    expect(reply.cursor.firstBatch).toHaveLength(0);
    expect(Number(reply.cursor.id)).not.toBe(0);
    expect(reply.cursor.ns).toBe(`${database().databaseName}.conformancecursoritems`);
    const more = await database().command({
      getMore: reply.cursor.id,
      collection: 'conformancecursoritems',
      batchSize: 7,
    });
    expect(more.cursor.nextBatch).toHaveLength(7);
    await database().command({ killCursors: 'conformancecursoritems', cursors: [reply.cursor.id] });
  });

  it('thirty cursors in parallel, their getMores spread over pooled connections', async () => {
    const counts = await Promise.all(
      Array.from({ length: 30 }, async () => {
        let count = 0;
        for await (const _item of Item.find().batchSize(40).lean().cursor()) count += 1;
        return count;
      }),
    );
    expect(counts).toEqual(Array.from({ length: 30 }, () => 250));
  }, 30_000);
});

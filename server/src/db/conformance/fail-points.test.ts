import mongoose from 'mongoose';
import type { MongoServerError } from 'mongodb';
import { useTestDatabase } from '../test-database';
import { database, rejectionOf } from './conformance-helpers';

const Note = mongoose.model('ConformanceFailPointNote', new mongoose.Schema({ text: String }));

/** failCommand exists on a real mongod only with enableTestCommands; skip the suite otherwise. */
async function failPointsAvailable(): Promise<boolean> {
  try {
    await database().admin().command({ configureFailPoint: 'failCommand', mode: 'off' });
    return true;
  } catch {
    return false;
  }
}

describe('fault injection with configureFailPoint failCommand', () => {
  useTestDatabase();
  let available = false;

  beforeAll(async () => {
    available = await failPointsAvailable();
  });

  afterEach(async () => {
    if (available)
      await database().admin().command({ configureFailPoint: 'failCommand', mode: 'off' });
  });

  const failNext = (data: Record<string, unknown>, times = 1) =>
    database().admin().command({ configureFailPoint: 'failCommand', mode: { times }, data });

  it('a deterministic error (code 2) fails at once, no retry', async () => {
    if (!available) return;
    await failNext({ failCommands: ['find'], errorCode: 2 });
    expect(await rejectionOf(Note.findOne())).toMatchObject({ code: 2 });
    expect(await Note.findOne()).toBeNull();
  });

  it('a retryable read error (10107 NotWritablePrimary) is retried once', async () => {
    if (!available) return;
    await failNext({ failCommands: ['find'], errorCode: 10107 });
    expect(await Note.find().lean()).toEqual([]);
  });

  it('a write with RetryableWriteError is retried and applied once', async () => {
    if (!available) return;
    await failNext({
      failCommands: ['insert'],
      errorCode: 91,
      errorLabels: ['RetryableWriteError'],
    });
    await Note.create({ text: 'retried' });
    expect(await Note.countDocuments({ text: 'retried' })).toBe(1);
  });

  it('a transient transaction error makes withTransaction run the callback again', async () => {
    if (!available) return;
    await failNext(
      { failCommands: ['insert'], errorCode: 112, errorLabels: ['TransientTransactionError'] },
      2,
    );
    let attempts = 0;
    await mongoose.connection.transaction(async (session) => {
      attempts += 1;
      await Note.create([{ text: 'in transaction' }], { session });
    });
    expect(attempts).toBe(3);
    expect(await Note.countDocuments({ text: 'in transaction' })).toBe(1);
  });

  it('closeConnection fails the operation with a network error, retried for reads', async () => {
    if (!available) return;
    await failNext({ failCommands: ['find'], closeConnection: true });
    expect(await Note.find().lean()).toBeInstanceOf(Array);
  });

  it('an error without labels on insert is not retried', async () => {
    if (!available) return;
    await failNext({ failCommands: ['insert'], errorCode: 2 });
    const error = (await rejectionOf(Note.create({ text: 'not retried' }))) as MongoServerError;
    expect(error.code).toBe(2);
    expect(await Note.countDocuments({ text: 'not retried' })).toBe(0);
  });

  it('blockConnection delays the reply; writeConcernError is reported after the write applied', async () => {
    if (!available) return;
    await failNext({ failCommands: ['ping'], blockConnection: true, blockTimeMS: 300 });
    const started = Date.now();
    await database().command({ ping: 1 });
    // Generous lower bound only: the point is that the reply waited, not how precisely.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await failNext({
      failCommands: ['insert'],
      writeConcernError: { code: 100, errmsg: 'injected write concern error' },
    });
    const error = await rejectionOf(
      database().collection('conformancefailpointnotes').insertOne({ text: 'wce' }),
    );
    expect(error.name).toBe('MongoWriteConcernError');
    expect(await Note.countDocuments({ text: 'wce' })).toBe(1);
  });
});

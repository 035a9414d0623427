import mongoose from 'mongoose';
import type { MongoServerError } from 'mongodb';
import { useTestDatabase } from '../test-database';
import { database, rejectionOf } from './conformance-helpers';

const Person = mongoose.model(
  'ConformanceTxnPerson',
  new mongoose.Schema({ email: { type: String, unique: true }, credit: Number }),
);

describe('transactions', () => {
  useTestDatabase();

  beforeEach(async () => {
    await Person.deleteMany({});
  });

  it('commits several statements atomically (withTransaction)', async () => {
    await Person.create({ email: 'from@x', credit: 10 });
    await mongoose.connection.transaction(async (session) => {
      await Person.updateOne({ email: 'from@x' }, { $inc: { credit: -4 } }, { session });
      await Person.create([{ email: 'to@x', credit: 4 }], { session });
      expect(await Person.countDocuments({}, { session })).toBe(2);
    });
    expect(
      (await Person.find().sort({ email: 1 }).lean()).map((person) => [
        person.email,
        person.credit,
      ]),
    ).toEqual([
      ['from@x', 6],
      ['to@x', 4],
    ]);
  });

  it('rolls back inserts, updates and deletes when the callback throws', async () => {
    await Person.insertMany([
      { email: 'keep@x', credit: 1 },
      { email: 'gone@x', credit: 2 },
    ]);
    const session = await mongoose.startSession();
    const error = await rejectionOf(
      session.withTransaction(async () => {
        await Person.create([{ email: 'new@x' }], { session });
        await Person.updateOne({ email: 'keep@x' }, { $set: { credit: 100 } }, { session });
        await Person.deleteOne({ email: 'gone@x' }, { session });
        throw new Error('business rule failed');
      }),
    );
    await session.endSession();
    expect(error.message).toBe('business rule failed');
    expect(
      (await Person.find().sort({ email: 1 }).lean()).map((person) => [
        person.email,
        person.credit,
      ]),
    ).toEqual([
      ['gone@x', 2],
      ['keep@x', 1],
    ]);
  });

  it('a duplicate key aborts the transaction: the next statement gets 251 + TransientTransactionError', async () => {
    await Person.create({ email: 'taken@x' });
    const client = mongoose.connection.getClient();
    const collection = database().collection('conformancetxnpeople');
    const session = client.startSession();
    session.startTransaction();
    await collection.insertOne({ email: 'first@x' }, { session });
    const duplicate = (await rejectionOf(
      collection.insertOne({ email: 'taken@x' }, { session }),
    )) as MongoServerError;
    expect(duplicate.code).toBe(11000);
    const next = (await rejectionOf(
      collection.insertOne({ email: 'second@x' }, { session }),
    )) as MongoServerError;
    expect(next.code).toBe(251);
    expect(next.hasErrorLabel('TransientTransactionError')).toBe(true);
    await session.abortTransaction();
    await session.endSession();
    expect(await collection.countDocuments({ email: { $in: ['first@x', 'second@x'] } })).toBe(0);
  });

  it('commitTransaction after an abort fails with 251', async () => {
    const client = mongoose.connection.getClient();
    const collection = database().collection('conformancetxnpeople');
    const session = client.startSession();
    session.startTransaction();
    await collection.insertOne({ email: 'a@x' }, { session });
    await rejectionOf(collection.insertOne({ email: 'a@x' }, { session }));
    const commit = (await rejectionOf(session.commitTransaction())) as MongoServerError;
    expect(commit.code).toBe(251);
    await session.endSession();
    expect(await collection.countDocuments()).toBe(0);
  });

  it('two transactions writing one document: the second gets a transient WriteConflict (112)', async () => {
    const [person] = await Person.create([{ email: 'shared@x', credit: 0 }]);
    const client = mongoose.connection.getClient();
    const collection = database().collection('conformancetxnpeople');
    const first = client.startSession();
    const second = client.startSession();
    first.startTransaction();
    second.startTransaction();
    await collection.updateOne({ _id: person!._id }, { $inc: { credit: 1 } }, { session: first });
    const conflict = (await rejectionOf(
      collection.updateOne({ _id: person!._id }, { $inc: { credit: 10 } }, { session: second }),
    )) as MongoServerError;
    expect(conflict.code).toBe(112);
    expect(conflict.hasErrorLabel('TransientTransactionError')).toBe(true);
    await first.commitTransaction();
    await second.abortTransaction();
    await first.endSession();
    await second.endSession();
    expect((await Person.findById(person!._id).lean())?.credit).toBe(1);
  });

  it('a write outside any transaction waits for the transaction that wrote the document', async () => {
    const [person] = await Person.create([{ email: 'waiting@x', credit: 0 }]);
    const session = await mongoose.startSession();
    session.startTransaction();
    await Person.updateOne({ _id: person!._id }, { $inc: { credit: 1 } }, { session });
    let outsideDone = false;
    const outside = Person.updateOne({ _id: person!._id }, { $inc: { credit: 10 } }).then(
      (result) => {
        outsideDone = true;
        return result;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outsideDone).toBe(false);
    await session.commitTransaction();
    await session.endSession();
    expect(await outside).toMatchObject({ modifiedCount: 1 });
    expect((await Person.findById(person!._id).lean())?.credit).toBe(11);
  });

  it('another session sees committed data afterwards', async () => {
    const session = await mongoose.startSession();
    await session.withTransaction(async () => {
      await Person.create([{ email: 'visible@x' }], { session });
    });
    await session.endSession();
    const other = await mongoose.startSession();
    expect(await Person.exists({ email: 'visible@x' }).session(other)).not.toBeNull();
    await other.endSession();
  });

  it('count is not allowed in a transaction (263)', async () => {
    const session = mongoose.connection.getClient().startSession();
    session.startTransaction();
    const error = (await rejectionOf(
      database().command({ count: 'conformancetxnpeople' }, { session }),
    )) as MongoServerError;
    expect(error.code).toBe(263);
    await session.abortTransaction();
    await session.endSession();
  });
});

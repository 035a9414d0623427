import mongoose from 'mongoose';
import { useTestDatabase } from './test-database';

const contactSchema = new mongoose.Schema(
  {
    email: {
      type: String,
      required: true,
      unique: [true, 'That e-mail address is already in the CRM'],
    },
    name: String,
    tags: [String],
  },
  { timestamps: true },
);
const Contact = mongoose.model('BasicsContact', contactSchema);

describe('test database (mongoose on the in-process server, or MONGODB_URI)', () => {
  useTestDatabase();

  afterEach(async () => {
    await Contact.deleteMany({});
  });

  it('connects to a replica set with a primary and a fresh database', async () => {
    // `topology` is internal to the driver's types; its description is what server selection uses.
    const client = mongoose.connection.getClient() as unknown as {
      topology?: { description: { type: string } };
    };
    expect(client.topology?.description.type).toBe('ReplicaSetWithPrimary');
    expect(mongoose.connection.db?.databaseName).toMatch(/^test_test-database_/);
    const indexes = await Contact.listIndexes();
    expect(indexes.map((index) => index.name).sort()).toEqual(['_id_', 'email_1']);
  });

  it('creates, reads, updates and deletes', async () => {
    const created = await Contact.create({ email: 'ada@example.test', name: 'Ada', tags: ['vip'] });
    const found = await Contact.findById(created._id).lean();
    expect(found).toMatchObject({ email: 'ada@example.test', name: 'Ada', tags: ['vip'] });

    const updated = await Contact.updateOne(
      { _id: created._id },
      { $set: { name: 'Ada L.' }, $push: { tags: 'lead' } },
    );
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const noop = await Contact.updateOne(
      { _id: created._id },
      { $set: { name: 'Ada L.' } },
      { timestamps: false },
    );
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect((await Contact.findById(created._id).lean())?.tags).toEqual(['vip', 'lead']);

    const deleted = await Contact.deleteOne({ _id: created._id });
    expect(deleted.deletedCount).toBe(1);
    expect(await Contact.countDocuments()).toBe(0);
  });

  it('enforces the unique index with a real E11000 error and the schema message', async () => {
    await Contact.create({ email: 'dup@example.test' });
    const error = await Contact.create({ email: 'dup@example.test' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    // mongoose replaces the message for a single-key keyPattern (custom `unique` message).
    expect((error as Error).message).toBe('That e-mail address is already in the CRM');

    const raw = await Contact.collection.insertOne({ email: 'dup@example.test' }).then(
      () => undefined,
      (caught: unknown) =>
        caught as { code: number; keyValue: unknown; keyPattern: unknown; message: string },
    );
    expect(raw).toMatchObject({
      code: 11000,
      keyValue: { email: 'dup@example.test' },
      keyPattern: { email: 1 },
    });
    expect(raw?.message).toMatch(
      /^E11000 duplicate key error collection: .*\.basicscontacts index: email_1 dup key: \{ email: "dup@example\.test" \}/,
    );
    expect(await Contact.countDocuments({ email: 'dup@example.test' })).toBe(1);
  });

  it('commits a transaction and rolls back an aborted one', async () => {
    await mongoose.connection.transaction(async (session) => {
      await Contact.create([{ email: 'one@example.test' }], { session });
      await Contact.create([{ email: 'two@example.test' }], { session });
    });
    expect(await Contact.countDocuments()).toBe(2);

    const session = await mongoose.startSession();
    await expect(
      session.withTransaction(async () => {
        await Contact.create([{ email: 'three@example.test' }], { session });
        await Contact.updateOne(
          { email: 'one@example.test' },
          { $set: { name: 'changed' } },
          { session },
        );
        throw new Error('abort this transaction');
      }),
    ).rejects.toThrow('abort this transaction');
    await session.endSession();
    expect(await Contact.exists({ email: 'three@example.test' })).toBeNull();
    expect((await Contact.findOne({ email: 'one@example.test' }).lean())?.name).toBeUndefined();
  });
});

import mongoose from 'mongoose';
import { useTestDatabase } from '../test-database';
import { commandError, database, rejectionOf } from './conformance-helpers';

const Account = mongoose.model(
  'ConformanceAccount',
  new mongoose.Schema({
    email: { type: String, unique: true },
    team: String,
    code: Number,
    externalId: { type: String, unique: true, sparse: true },
  }).index(
    { team: 1, code: 1 },
    { unique: true, partialFilterExpression: { code: { $exists: true } } },
  ),
);

describe('handshake and topology', () => {
  useTestDatabase();

  it('stays healthy while idle: no heartbeat failures and no pool clears', async () => {
    const hello = await database().admin().command({ hello: 1 });
    const uri =
      process.env.MONGODB_URI ??
      `mongodb://${String(hello.me)}/?replicaSet=${encodeURIComponent(String(hello.setName))}`;
    // 500 ms is the driver's minimum heartbeat interval; idle for more than two of them.
    const connection = await mongoose
      .createConnection(uri, { heartbeatFrequencyMS: 500 })
      .asPromise();
    const client = connection.getClient();
    let heartbeats = 0;
    let heartbeatFailures = 0;
    let poolClears = 0;
    client.on('serverHeartbeatSucceeded', () => void (heartbeats += 1));
    client.on('serverHeartbeatFailed', () => void (heartbeatFailures += 1));
    client.on('connectionPoolCleared', () => void (poolClears += 1));
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await connection.db?.command({ ping: 1 });
    await connection.close();
    expect(heartbeats).toBeGreaterThanOrEqual(2);
    expect({ heartbeatFailures, poolClears }).toEqual({ heartbeatFailures: 0, poolClears: 0 });
  });

  it('answers hello as a writable replica-set primary and the admin probes', async () => {
    const admin = database().admin();
    const hello = await admin.command({ hello: 1 });
    expect(hello).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      logicalSessionTimeoutMinutes: expect.any(Number),
    });
    expect(typeof hello.setName).toBe('string');
    expect(hello.hosts).toHaveLength(1);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    const buildInfo = await admin.command({ buildInfo: 1 });
    expect(buildInfo.version).toMatch(/^\d+\.\d+\.\d+/);
    expect((await admin.command({ ping: 1 })).ok).toBe(1);
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const error = await commandError({ frobnicate: 1 });
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });
});

describe('index lifecycle', () => {
  useTestDatabase();

  afterEach(async () => {
    await Account.deleteMany({});
  });

  it('syncIndexes is idempotent and listIndexes has the real shape', async () => {
    expect(await Account.syncIndexes()).toEqual([]);
    const indexes = await Account.listIndexes();
    const byName = Object.fromEntries(indexes.map((index) => [index.name, index]));
    expect(Object.keys(byName).sort()).toEqual([
      '_id_',
      'email_1',
      'externalId_1',
      'team_1_code_1',
    ]);
    expect(byName._id_).toMatchObject({ v: 2, key: { _id: 1 } });
    expect(byName.email_1).toMatchObject({ key: { email: 1 }, unique: true });
    expect(byName.externalId_1).toMatchObject({ unique: true, sparse: true });
    expect(byName.team_1_code_1).toMatchObject({
      key: { team: 1, code: 1 },
      unique: true,
      partialFilterExpression: { code: { $exists: true } },
    });
  });

  it('re-creating an identical index is a no-op; conflicting definitions fail with 85/86', async () => {
    const collection = Account.collection;
    const again = await database().command({
      createIndexes: collection.collectionName,
      indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }],
    });
    expect(again).toMatchObject({ ok: 1, numIndexesBefore: again.numIndexesAfter });
    const otherKey = await commandError({
      createIndexes: collection.collectionName,
      indexes: [{ key: { team: 1 }, name: 'email_1' }],
    });
    expect(otherKey.code).toBe(86);
    const otherOptions = await commandError({
      createIndexes: collection.collectionName,
      indexes: [{ key: { email: 1 }, name: 'email_1' }],
    });
    expect(otherOptions.code).toBe(85);
    const otherName = await commandError({
      createIndexes: collection.collectionName,
      indexes: [{ key: { email: 1 }, name: 'email_again', unique: true }],
    });
    expect(otherName.code).toBe(85);
  });

  it('drops an index that left the schema and builds the new one', async () => {
    const collection = database().collection('index_changes');
    await collection.createIndex({ legacy: 1 }, { name: 'legacy_1' });
    const Changed = mongoose.model(
      'ConformanceIndexChange',
      new mongoose.Schema({ current: { type: String, index: true } }),
      'index_changes',
    );
    const dropped = await Changed.syncIndexes();
    expect(dropped).toEqual(['legacy_1']);
    expect((await collection.indexes()).map((index) => index.name).sort()).toEqual([
      '_id_',
      'current_1',
    ]);
    mongoose.deleteModel('ConformanceIndexChange');
  });

  it('refuses to build a unique index over duplicate data (11000) and keeps no partial index', async () => {
    const collection = database().collection('duplicates_before_index');
    await collection.insertMany([{ key: 'same' }, { key: 'same' }]);
    const error = await rejectionOf(collection.createIndex({ key: 1 }, { unique: true }));
    expect(error).toMatchObject({ code: 11000 });
    expect((await collection.indexes()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('listIndexes on a missing collection fails with NamespaceNotFound (26) by codeName', async () => {
    const error = await commandError({ listIndexes: 'no_such_collection' });
    expect(error).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });

  it('dropIndexes by name, by key, "*", and an unknown name (27)', async () => {
    const collection = database().collection('drop_indexes');
    await collection.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    await collection.dropIndex('a_1');
    await database().command({ dropIndexes: 'drop_indexes', index: { b: 1 } });
    expect((await collection.indexes()).map((index) => index.name).sort()).toEqual(['_id_', 'c_1']);
    expect((await commandError({ dropIndexes: 'drop_indexes', index: 'zzz_1' })).code).toBe(27);
    await collection.dropIndexes();
    expect((await collection.indexes()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('create is idempotent, listCollections and drop report the collection', async () => {
    await database().createCollection('created_twice');
    await database().createCollection('created_twice');
    const names = (await database().listCollections({}, { nameOnly: true }).toArray()).map(
      (info) => info.name,
    );
    expect(names).toContain('created_twice');
    const full = await database().listCollections({ name: 'created_twice' }).toArray();
    expect(full).toEqual([
      expect.objectContaining({ name: 'created_twice', type: 'collection', options: {} }),
    ]);
    expect(await database().dropCollection('created_twice')).toBe(true);
    expect(await database().listCollections({ name: 'created_twice' }).toArray()).toEqual([]);
  });
});

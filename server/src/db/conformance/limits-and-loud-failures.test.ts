import { Decimal128 } from 'bson';
import mongoose from 'mongoose';
import { useTestDatabase } from '../test-database';
import { commandError, database, itInProcessOnly, rejectionOf } from './conformance-helpers';

describe('size limits', () => {
  useTestDatabase();
  // 16 MB messages both ways; the driver's reader alone needs about a second for one.
  const bigDocumentTimeoutMs = 30_000;

  it(
    'insertOne of a 16.8 MB document (over 16 MiB) is a write error with code 2; insertMany refuses it locally',
    async () => {
      const collection = database().collection('big_documents');
      const big = { blob: 'x'.repeat(16_800_000) };
      const error = await rejectionOf(collection.insertOne({ ...big }));
      expect(error).toMatchObject({ code: 2 });
      expect(error.message).toMatch(
        /^object to insert too large\. size in bytes: \d+, max size: 16777216/,
      );
      const bulk = await rejectionOf(collection.insertMany([{ ...big }]));
      expect(bulk.name).toBe('MongoInvalidArgumentError');
      expect(await collection.countDocuments()).toBe(0);
    },
    bigDocumentTimeoutMs,
  );

  it(
    'a document just under the limit round-trips',
    async () => {
      const collection = database().collection('big_documents');
      const blob = 'y'.repeat(16_000_000);
      const { insertedId } = await collection.insertOne({ blob });
      expect((await collection.findOne({ _id: insertedId }))?.blob).toHaveLength(16_000_000);
    },
    bigDocumentTimeoutMs,
  );
});

describe('loud failures of what the in-process server does not implement', () => {
  useTestDatabase();
  const collection = () => database().collection('loud');

  beforeAll(async () => {
    await collection().insertOne({ name: 'x', price: Decimal128.fromString('1.50') });
  });

  itInProcessOnly('$text search', async () => {
    const error = await rejectionOf(
      collection()
        .find({ $text: { $search: 'x' } })
        .toArray(),
    );
    expect(error).toMatchObject({ code: 2 });
    expect(error.message).toMatch(/\$text .*not supported by the inbox-crm in-process test server/);
    expect(await rejectionOf(collection().createIndex({ name: 'text' }))).toMatchObject({
      code: 2,
    });
  });

  itInProcessOnly('collation on a filter, a find and an index', async () => {
    const error = await rejectionOf(
      collection()
        .find({ name: 'X' }, { collation: { locale: 'en', strength: 2 } })
        .toArray(),
    );
    expect(error.message).toMatch(
      /collation is not supported by the inbox-crm in-process test server/,
    );
    expect(
      await rejectionOf(
        collection().createIndex({ name: 1 }, { collation: { locale: 'en', strength: 2 } }),
      ),
    ).toMatchObject({ code: 2 });
  });

  itInProcessOnly('Decimal128 comparisons, sorts and arithmetic', async () => {
    expect(
      (
        await rejectionOf(
          collection()
            .find({ price: { $gt: Decimal128.fromString('1') } })
            .toArray(),
        )
      ).message,
    ).toMatch(/Decimal128 .*not supported/);
    expect((await rejectionOf(collection().find({}).sort({ price: 1 }).toArray())).message).toMatch(
      /Decimal128 .*not supported/,
    );
    expect(
      (
        await rejectionOf(
          collection().updateOne({}, { $inc: { price: Decimal128.fromString('1') } }),
        )
      ).message,
    ).toMatch(/not supported/);
    // Stored and returned as-is.
    expect((await collection().findOne({ name: 'x' }))?.price).toEqual(
      Decimal128.fromString('1.50'),
    );
  });

  itInProcessOnly('$where, $function and geo operators', async () => {
    expect((await rejectionOf(collection().find({ $where: 'true' }).toArray())).message).toMatch(
      /\$where .*not supported/,
    );
    expect(
      (
        await rejectionOf(
          collection()
            .aggregate([
              { $addFields: { y: { $function: { body: 'function() {}', args: [], lang: 'js' } } } },
            ])
            .toArray(),
        )
      ).message,
    ).toMatch(/\$function .*not supported/);
    expect(
      (
        await rejectionOf(
          collection()
            .find({ loc: { $near: [0, 0] } })
            .toArray(),
        )
      ).message,
    ).toMatch(/\$near .*not supported/);
  });

  itInProcessOnly('$out and $merge', async () => {
    expect(
      (
        await rejectionOf(
          collection()
            .aggregate([{ $out: 'copy' }])
            .toArray(),
        )
      ).message,
    ).toMatch(/\$out .*not supported/);
    expect(
      (
        await rejectionOf(
          collection()
            .aggregate([{ $merge: { into: 'copy' } }])
            .toArray(),
        )
      ).message,
    ).toMatch(/\$merge .*not supported/);
  });

  itInProcessOnly('change streams (40573), emitted as an error event', async () => {
    const Watched = mongoose.model('ConformanceWatched', new mongoose.Schema({ name: String }));
    const stream = Watched.watch();
    const error = await new Promise<Error & { code?: number }>((resolve) =>
      stream.on('error', resolve),
    );
    expect(error.code).toBe(40573);
    await stream.close();
  });

  it('unknown commands (59), unknown fields (40415), unknown operators (2), unknown stages (40324)', async () => {
    expect(await commandError({ frobnicate: 1 })).toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
    });
    expect((await commandError({ find: 'loud', frobnicate: true })).code).toBe(40415);
    expect(
      await rejectionOf(
        collection()
          .find({ name: { $frobnicate: 1 } })
          .toArray(),
      ),
    ).toMatchObject({ code: 2 });
    expect(
      await rejectionOf(
        collection()
          .aggregate([{ $frobnicate: {} }])
          .toArray(),
      ),
    ).toMatchObject({ code: 40324 });
  });
});

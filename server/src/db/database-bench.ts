import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';

/** Same shape as tests/bench/bench-table.ts `BenchRow`. */
export interface DatabaseBenchRow {
  suite: string;
  name: string;
  value: string;
  ratio?: string;
}

interface BenchContactDocument {
  email: string;
  team: string;
  score: number;
}

const benchContactSchema = new mongoose.Schema<BenchContactDocument>({
  email: { type: String, unique: true },
  team: String,
  score: Number,
});

function benchContactModel(): mongoose.Model<BenchContactDocument> {
  if (mongoose.modelNames().includes('BenchContact'))
    return mongoose.model<BenchContactDocument>('BenchContact');
  return mongoose.model<BenchContactDocument>('BenchContact', benchContactSchema);
}

async function rate(operations: number, run: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < operations; index += 1) await run(index);
  return operations / ((performance.now() - started) / 1000);
}

/**
 * Database round trips through mongoose on the connected default connection (the in-process
 * server unless MONGODB_URI is set), each against the `ping` rate measured in the same run.
 */
export async function runDatabaseBenchmarks(
  options: { documents?: number; operations?: number } = {},
): Promise<DatabaseBenchRow[]> {
  const documents = options.documents ?? 10_000;
  const operations = options.operations ?? 500;
  const database = mongoose.connection.db;
  if (!database)
    throw new Error('runDatabaseBenchmarks needs a connected default mongoose connection');
  const BenchContact = benchContactModel();
  await BenchContact.syncIndexes();
  await BenchContact.deleteMany({});

  const pings = await rate(operations, () => database.command({ ping: 1 }));
  const rows: DatabaseBenchRow[] = [
    { suite: 'database', name: 'ping round trips (baseline)', value: `${pings.toFixed(0)}/s` },
  ];
  const row = (name: string, perSecond: number, unit = 'ops'): void => {
    rows.push({
      suite: 'database',
      name,
      value: `${perSecond.toFixed(0)} ${unit}/s`,
      ratio: `${(perSecond / pings).toFixed(2)}× ping`,
    });
  };

  const insertStarted = performance.now();
  await BenchContact.insertMany(
    Array.from({ length: documents }, (_, index) => ({
      email: `c${index}@bench.test`,
      team: `t${index % 50}`,
      score: index % 100,
    })),
  );
  row(
    `insertMany ${documents} (unique index)`,
    documents / ((performance.now() - insertStarted) / 1000),
    'docs',
  );
  row(
    'create() one document',
    await rate(operations, (index) =>
      BenchContact.create({ email: `new${index}@bench.test`, team: 'n', score: 1 }),
    ),
  );
  row(
    'findOne by unique email (hash index)',
    await rate(operations, (index) =>
      BenchContact.findOne({ email: `c${(index * 7) % documents}@bench.test` }).lean(),
    ),
  );
  row(
    'findOne by unindexed score (scan)',
    await rate(Math.min(operations, 100), (index) =>
      BenchContact.findOne({ score: index % 100, team: 'missing' }).lean(),
    ),
  );
  row(
    'updateOne by _id ($inc)',
    await rate(operations, async (index) =>
      BenchContact.updateOne({ email: `c${index}@bench.test` }, { $inc: { score: 1 } }),
    ),
  );
  row(
    `countDocuments over ${documents}`,
    await rate(Math.min(operations, 50), () => BenchContact.countDocuments({ team: 't7' })),
  );
  const pageStarted = performance.now();
  const pages = Math.min(operations, 50);
  for (let index = 0; index < pages; index += 1)
    await BenchContact.find({ team: `t${index % 50}` })
      .sort({ score: -1 })
      .limit(20)
      .lean();
  row('list page: find team, sort, limit 20', pages / ((performance.now() - pageStarted) / 1000));
  await BenchContact.deleteMany({});
  return rows;
}

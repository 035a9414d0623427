import { runDatabaseBenchmarks } from '../../server/src/db/database-bench';
import { connectTestDatabase } from '../../server/src/db/test-database';
import { outlookBenchRows } from '../outlook/outlook-benchmarks';
import { runSyncBenchmarks } from '../sync/sync-bench';
import { runThunderbirdBenchmarks } from '../thunderbird/bench-opportunities';
import { runApiBenchmarks } from './api-bench';
import { printTable, type BenchRow } from './bench-table';

/**
 * `npm run bench`: every benchmark of the project, each reported against a baseline measured in
 * the same run (these machines are shared and noisy: absolute numbers mean little). Suites whose
 * client is not installed report why they were skipped. `BENCH_ONLY=api,sync` picks suites.
 */
interface Suite {
  name: string;
  run(): Promise<BenchRow[]>;
}

const quick = process.env.BENCH_QUICK === '1';

/** Runs a suite on a fresh database of its own (each suite disconnects what it connected). */
async function withDatabase(run: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  const database = await connectTestDatabase();
  try {
    return await run();
  } finally {
    await database.disconnect();
  }
}

const suites: Suite[] = [
  {
    name: 'database',
    run: () =>
      withDatabase(() => runDatabaseBenchmarks(quick ? { documents: 1000, operations: 100 } : {})),
  },
  {
    name: 'api',
    run: () =>
      withDatabase(() =>
        runApiBenchmarks({ leads: quick ? 200 : 2000, durationSeconds: quick ? 2 : 5 }),
      ),
  },
  {
    name: 'sync',
    run: () => withDatabase(() => runSyncBenchmarks(quick ? { contacts: 1000, small: 100 } : {})),
  },
  // These two start their own server and database, and need Debian's chromium / thunderbird.
  { name: 'outlook', run: () => outlookBenchRows() },
  { name: 'thunderbird', run: () => runThunderbirdBenchmarks(quick ? { mails: 10 } : {}) },
];

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const rows: BenchRow[] = [];
  for (const suite of suites) {
    if (only && !only.includes(suite.name)) continue;
    process.stderr.write(`bench: ${suite.name}…\n`);
    try {
      rows.push(...(await suite.run()));
    } catch (error) {
      rows.push({
        suite: suite.name,
        name: 'failed',
        value: error instanceof Error ? error.message : String(error),
      });
    }
  }
  process.stdout.write(`\n${printTable(rows)}\n`);
  const missed = rows.filter((row) => row.met === false);
  if (missed.length > 0) process.stdout.write(`\n${missed.length} goal(s) not met (see "met").\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

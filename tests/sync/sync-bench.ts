import { performance } from 'node:perf_hooks';
import type { ApiClient } from '@inbox-crm/shared/api';
import { ContactSyncEngine, MemoryContactHost } from '@inbox-crm/shared/contacts';
import { MemoryKeyValueStorage } from '@inbox-crm/shared/offline';
import { buildActor } from '../../server/src/modules/auth/actor-factory';
import { createPartner } from '../../server/src/modules/partners/partner.service';
import { UserModel, type UserRecord } from '../../server/src/modules/users/user.model';
import type { BenchRow } from '../bench/bench-table';
import { apiClientFor, startSyncServer, type SyncServerStack } from './sync-harness';

/** Figures of one sync benchmark (milliseconds unless said otherwise). */
export interface FirstSyncFigures {
  contacts: number;
  /** Engine first sync into an empty address book, end to end through the server. */
  firstSyncMs: number;
  /** Baseline in the same run: paging the raw feed with the API client, nothing applied. */
  rawFeedMs: number;
  seedMs: number;
}

export interface NoChangeFigures {
  small: number;
  large: number;
  smallMedianMs: number;
  largeMedianMs: number;
  /** large / small; goal ≤ 1.5 (a no-change sync must not grow with the address book). */
  ratio: number;
}

/**
 * A user whose CRM holds `count` contacts, written through the partner service (the same path as
 * the console: every write lands in the contact change log). Setup only, never measured.
 */
async function seedUser(
  stack: SyncServerStack,
  count: number,
): Promise<{ api: ApiClient; seedMs: number }> {
  const user = await stack.context.createUser();
  const api = apiClientFor(stack, user);
  const record = await UserModel.findById(user.userId).lean<UserRecord>();
  const actor = await buildActor(record!, 'api-token');
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    await createPartner(actor, {
      name: `Bench Contact ${index}`,
      email: `bench.contact.${index}@bench.example.com`,
      jobPosition: index % 3 ? 'Buyer' : 'Facilities',
      city: 'Leeds',
    } as Parameters<typeof createPartner>[1]);
  }
  return { api, seedMs: performance.now() - started };
}

async function syncedEngine(api: ApiClient) {
  const engine = new ContactSyncEngine({
    host: new MemoryContactHost(),
    transport: api,
    storage: new MemoryKeyValueStorage(),
  });
  const started = performance.now();
  await engine.sync();
  return { engine, firstSyncMs: performance.now() - started };
}

const median = (values: number[]) =>
  [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;

async function rawFeedMs(api: ApiClient): Promise<number> {
  const started = performance.now();
  let token: string | undefined;
  for (;;) {
    const page = await api.pullContacts({ token, limit: 500 });
    token = page.nextToken;
    if (!page.hasMore) return performance.now() - started;
  }
}

async function noChangeMedianMs(engine: ContactSyncEngine, repeats: number): Promise<number> {
  await engine.sync(); // settles the token after the first cycle
  const times: number[] = [];
  for (let run = 0; run < repeats; run += 1) {
    const started = performance.now();
    await engine.sync();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** First sync of `contacts` contacts end to end (goal ≤ 10 s for 10,000). Needs a connected database. */
export async function benchFirstSync(contacts = 10_000): Promise<FirstSyncFigures> {
  const stack = await startSyncServer();
  try {
    const { api, seedMs } = await seedUser(stack, contacts);
    const raw = await rawFeedMs(api);
    const { firstSyncMs } = await syncedEngine(api);
    return { contacts, firstSyncMs, rawFeedMs: raw, seedMs };
  } finally {
    await stack.close();
  }
}

/** A no-change sync at `small` vs `large` contacts (median of `repeats`; goal: ratio ≤ 1.5). */
export async function benchNoChangeSync(
  small = 100,
  large = 10_000,
  repeats = 15,
): Promise<NoChangeFigures> {
  const stack = await startSyncServer();
  try {
    const measure = async (count: number) => {
      const { api } = await seedUser(stack, count);
      const { engine } = await syncedEngine(api);
      return noChangeMedianMs(engine, repeats);
    };
    const smallMedianMs = await measure(small);
    const largeMedianMs = await measure(large);
    return { small, large, smallMedianMs, largeMedianMs, ratio: largeMedianMs / smallMedianMs };
  } finally {
    await stack.close();
  }
}

/**
 * Both benchmarks as rows for `npm run bench` (the runner connects the database). The large
 * address book is seeded once and serves both figures.
 */
export async function runSyncBenchmarks(
  options: { contacts?: number; small?: number; repeats?: number } = {},
): Promise<BenchRow[]> {
  const contacts = options.contacts ?? 10_000;
  const small = options.small ?? 100;
  const repeats = options.repeats ?? 15;
  const stack = await startSyncServer();
  try {
    const large = await seedUser(stack, contacts);
    const raw = await rawFeedMs(large.api);
    const { engine, firstSyncMs } = await syncedEngine(large.api);
    const largeMedianMs = await noChangeMedianMs(engine, repeats);
    const smallUser = await seedUser(stack, small);
    const smallMedianMs = await noChangeMedianMs(
      (await syncedEngine(smallUser.api)).engine,
      repeats,
    );
    const ratio = largeMedianMs / smallMedianMs;
    const goalApplies = contacts >= 10_000;
    return [
      {
        suite: 'sync',
        name: `first sync, ${contacts} contacts, core + server`,
        value: `${(firstSyncMs / 1000).toFixed(2)} s`,
        ratio: `${(firstSyncMs / raw).toFixed(2)}× raw feed paging (${(raw / 1000).toFixed(2)} s)`,
        ...(goalApplies ? { goal: '≤ 10 s', met: firstSyncMs <= 10_000 } : {}),
      },
      {
        suite: 'sync',
        name: `no-change sync, ${small} vs ${contacts} contacts`,
        value: `${smallMedianMs.toFixed(1)} ms vs ${largeMedianMs.toFixed(1)} ms (median of ${repeats})`,
        ratio: `${ratio.toFixed(2)}× (${contacts} / ${small})`,
        goal: '≤ 1.5×',
        met: ratio <= 1.5,
      },
    ];
  } finally {
    await stack.close();
  }
}

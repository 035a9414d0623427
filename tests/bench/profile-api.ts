import { writeFile, mkdir } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectTestDatabase } from '../../server/src/db/test-database';
import { prepareApiBench, type ApiScenario } from './api-bench';
import { runLoad } from './http-load';

/**
 * A diagnosis tool, not a benchmark: seeds like the API bench, then for each scenario counts the
 * database commands one request sends (by name) and, with `BENCH_PROFILE=1`, records a CPU profile
 * of the scenario under load into `artifacts/profiles/<key>.cpuprofile` (open it in Chrome DevTools).
 *
 *   BENCH_SCENARIO=list,mail BENCH_LEADS=2000 BENCH_PROFILE=1 npx tsx tests/bench/profile-api.ts
 *
 * `BENCH_SECONDS` (default 5) and `BENCH_CONNECTIONS` (default 8, as the bench) shape the load.
 */
async function countCommands(scenario: ApiScenario): Promise<string> {
  const client = mongoose.connection.getClient();
  const counts = new Map<string, number>();
  const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
    const target = event.command[event.commandName];
    const key = typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const requests = 10;
  client.on('commandStarted', listener);
  try {
    for (let index = 0; index < requests; index += 1) {
      const { url, method, headers, body } = scenario.load;
      const response = await fetch(url, {
        method: method ?? 'GET',
        headers: { 'content-type': 'application/json', ...headers },
        ...(body ? { body: body() } : {}),
      });
      if (!response.ok) throw new Error(`${scenario.key}: HTTP ${response.status}`);
      await response.arrayBuffer();
    }
  } finally {
    client.off('commandStarted', listener);
  }
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const parts = [...counts.entries()]
    .sort((left, right) => right[1] - left[1])
    .map(([name, count]) => `${name} ${(count / requests).toFixed(1)}`);
  return `${(total / requests).toFixed(1)} commands/request (${parts.join(', ')})`;
}

/** Commands and failed commands (by code name) while the scenario runs under load. */
function countFailures(): { stop(): string } {
  const client = mongoose.connection.getClient();
  let started = 0;
  const failed = new Map<string, number>();
  const onStarted = (): void => {
    started += 1;
  };
  const onFailed = (event: { failure: Error & { codeName?: string } }): void => {
    const name = event.failure.codeName ?? event.failure.name;
    failed.set(name, (failed.get(name) ?? 0) + 1);
  };
  client.on('commandStarted', onStarted);
  client.on('commandFailed', onFailed);
  return {
    stop: () => {
      client.off('commandStarted', onStarted);
      client.off('commandFailed', onFailed);
      const failures = [...failed.entries()].map(([name, count]) => `${name} ${count}`);
      return `${started} commands, failed: ${failures.join(', ') || 'none'}`;
    },
  };
}

async function main(): Promise<void> {
  const only = process.env.BENCH_SCENARIO?.split(',').map((key) => key.trim());
  const leads = Number(process.env.BENCH_LEADS ?? 2000);
  const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
  const profile = process.env.BENCH_PROFILE === '1';
  const connections = process.env.BENCH_CONNECTIONS
    ? Number(process.env.BENCH_CONNECTIONS)
    : undefined;
  const database = await connectTestDatabase();
  const bench = await prepareApiBench({ leads });
  const session = new Session();
  session.connect();
  try {
    const directory = path.resolve(__dirname, '..', '..', 'artifacts', 'profiles');
    if (profile) {
      await mkdir(directory, { recursive: true });
      await session.post('Profiler.enable');
    }
    for (const scenario of bench.scenarios) {
      if (only && !only.includes(scenario.key)) continue;
      process.stdout.write(`${scenario.key}: ${await countCommands(scenario)}\n`);
      if (profile) await session.post('Profiler.start');
      const failures = countFailures();
      const cpuBefore = process.cpuUsage();
      const result = await runLoad({
        ...scenario.load,
        durationSeconds,
        ...(connections ? { connections } : {}),
      });
      const cpu = process.cpuUsage(cpuBefore);
      // CPU time per request (this process: app, database and load generator) is steadier than
      // req/s on a shared machine.
      const cpuMsPerRequest =
        (cpu.user + cpu.system) / 1000 / (result.requestsPerSecond * durationSeconds);
      process.stdout.write(
        `${scenario.key}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, ${cpuMsPerRequest.toFixed(1)} CPU ms/request, ${result.non2xx} non-2xx; under load: ${failures.stop()}\n`,
      );
      if (profile) {
        const { profile: recorded } = await session.post('Profiler.stop');
        const file = path.join(directory, `${scenario.key}.cpuprofile`);
        await writeFile(file, JSON.stringify(recorded));
        process.stdout.write(`${scenario.key}: profile in ${file}\n`);
      }
    }
  } finally {
    session.disconnect();
    await bench.close();
    await database.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

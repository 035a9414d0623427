import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { MailToOpportunityBody } from '@inbox-crm/shared/schemas';
import { createApp } from '../../server/src/app';
import { loadConfig } from '../../server/src/config';
import { createLogger } from '../../server/src/logger';
import { buildActor } from '../../server/src/modules/auth/actor-factory';
import { createApiToken } from '../../server/src/modules/auth/api-token.service';
import { createUser } from '../../server/src/modules/users/user.service';
import type { BenchRow } from './bench-table';
import { runLoad, type LoadOptions, type LoadResult } from './http-load';

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
}

function row(
  name: string,
  result: LoadResult,
  baseline: LoadResult,
  goal?: { ratio: number },
): BenchRow {
  const ratio = result.requestsPerSecond / baseline.requestsPerSecond;
  return {
    suite: 'api',
    name,
    value: `${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}`,
    ratio: `${ratio.toFixed(3)}× bare express`,
    ...(goal ? { goal: `≥ ${goal.ratio}×`, met: ratio >= goal.ratio } : {}),
  };
}

/** One measured API request shape (the load options without the duration). */
export interface ApiScenario {
  /** Short name for `BENCH_SCENARIO` (profile-api.ts). */
  key: string;
  name: string;
  load: Omit<LoadOptions, 'durationSeconds'>;
  goal?: { ratio: number };
}

export interface ApiBench {
  /** The bare express JSON route every scenario is compared with. */
  baseline: ApiScenario;
  scenarios: ApiScenario[];
  close(): Promise<void>;
}

/**
 * Starts the CRM app and a bare express app on 127.0.0.1, creates a manager with an API token, a
 * team with four stages and `leads` opportunities through the API. Needs a connected database.
 */
export async function prepareApiBench(options: { leads: number }): Promise<ApiBench> {
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'bench-only-secret',
    SEED_DEMO: 'never',
  });
  const { app } = createApp({
    config,
    logger: createLogger({ level: 'silent' }),
    databaseKind: 'in-process',
  });
  const bare = express();
  const sample = {
    items: Array.from({ length: 50 }, (_, index) => ({ id: String(index), name: `Lead ${index}` })),
    total: 50,
  };
  bare.get('/bare', (_req, res) => {
    res.json(sample);
  });

  const user = await createUser({
    login: `bench-${Date.now()}`,
    name: 'Bench Manager',
    accessLevel: 'manager',
    isAdmin: true,
  });
  const actor = await buildActor(user, 'api-token');
  const { token } = await createApiToken(actor, actor.userId, { name: 'bench' });
  const headers = { authorization: `Bearer ${token}` };

  const crm = await listen(app);
  const baseline = await listen(bare);
  const close = async (): Promise<void> => {
    crm.server.closeAllConnections();
    baseline.server.closeAllConnections();
    await new Promise((resolve) => crm.server.close(resolve));
    await new Promise((resolve) => baseline.server.close(resolve));
  };
  try {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${crm.url}/api/v1${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok)
        throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const team = await post('/teams', { name: 'Bench team', members: [{ userId: actor.userId }] });
    const stageIds: string[] = [];
    for (const [index, name] of ['New', 'Qualified', 'Proposition', 'Won'].entries()) {
      stageIds.push(
        (
          await post('/stages', {
            name,
            sequence: index + 1,
            probability: index * 30,
            isWon: name === 'Won',
            teamIds: [team.id],
          })
        ).id,
      );
    }
    // Seed through the API, a few requests at a time.
    const queue = Array.from({ length: options.leads }, (_, index) => index);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          await post('/leads', {
            type: 'opportunity',
            name: `Seeded opportunity ${index}`,
            teamId: team.id,
            userId: actor.userId,
            stageId: stageIds[index % 3],
            expectedRevenue: 1000 + index,
            emailFrom: `contact${index}@customer${index % 50}.example`,
          });
        }
      }),
    );

    let counter = 0;
    let mailCounter = 0;
    const scenarios: ApiScenario[] = [
      {
        key: 'list',
        name: `GET /leads?limit=50 (${options.leads} leads)`,
        load: { url: `${crm.url}/api/v1/leads?limit=50&teamId=${team.id}`, headers },
      },
      {
        key: 'create',
        name: 'POST /leads',
        load: {
          url: `${crm.url}/api/v1/leads`,
          method: 'POST',
          headers,
          body: () =>
            JSON.stringify({
              type: 'opportunity',
              name: `Load ${(counter += 1)}`,
              teamId: team.id,
              stageId: stageIds[0],
            }),
        },
      },
      {
        key: 'pipeline',
        name: 'GET /teams/:id/pipeline',
        load: { url: `${crm.url}/api/v1/teams/${team.id}/pipeline`, headers },
      },
      {
        key: 'summary',
        name: 'GET /teams/:id/pipeline-summary',
        load: { url: `${crm.url}/api/v1/teams/${team.id}/pipeline-summary`, headers },
      },
      {
        key: 'mail',
        name: 'POST /mail/opportunities (JSON, new Message-ID each)',
        load: {
          url: `${crm.url}/api/v1/mail/opportunities`,
          method: 'POST',
          headers,
          body: () => {
            mailCounter += 1;
            return JSON.stringify(mailBody(mailCounter, team.id));
          },
        },
        goal: { ratio: 0.5 },
      },
    ];
    return {
      baseline: {
        key: 'bare',
        name: 'baseline: bare express JSON (50 items)',
        load: { url: `${baseline.url}/bare` },
      },
      scenarios,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The API under load (autocannon, 127.0.0.1, fixed duration): lead list, lead creation, the
 * pipeline and the mail → opportunity endpoint, each as a ratio to a bare express JSON route
 * measured in the same run. Needs a connected database (the runner provides it).
 */
export async function runApiBenchmarks(options: {
  leads: number;
  durationSeconds: number;
}): Promise<BenchRow[]> {
  const bench = await prepareApiBench(options);
  try {
    const durationSeconds = options.durationSeconds;
    const bareResult = await runLoad({ ...bench.baseline.load, durationSeconds });
    const rows: BenchRow[] = [
      {
        suite: 'api',
        name: bench.baseline.name,
        value: `${Math.round(bareResult.requestsPerSecond)} req/s, p50 ${bareResult.p50Ms} ms, p99 ${bareResult.p99Ms} ms`,
      },
    ];
    for (const scenario of bench.scenarios) {
      const result = await runLoad({ ...scenario.load, durationSeconds });
      rows.push(row(scenario.name, result, bareResult, scenario.goal));
    }
    return rows;
  } finally {
    await bench.close();
  }
}

/** A mail → opportunity request as the add-ins send it (without the .eml part). */
function mailBody(index: number, teamId: string): MailToOpportunityBody {
  const sender = `buyer${index % 200}@customer${index % 40}.example`;
  return {
    mail: {
      messageId: `<bench-${index}-${Date.now()}@bench.example>`,
      subject: `RFQ ${index}: office chairs`,
      from: {
        name: `Buyer ${index}`,
        address: `buyer${index % 200}@customer${index % 40}.example`,
      },
      to: [{ name: 'Sales', address: 'sales@inbox-crm.example' }],
      date: new Date().toISOString(),
      bodyText: 'Please send us a quotation for 20 chairs.',
      host: 'other',
    },
    draft: {
      name: `RFQ ${index}: office chairs`,
      teamId,
      contact: { name: `Buyer ${index % 200}`, email: sender },
      companyName: `Customer ${index % 40}`,
    },
  };
}

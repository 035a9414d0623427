import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createApiClient } from '@inbox-crm/shared/api';
import { createOpportunitiesFromMails, type MailSource } from '@inbox-crm/shared/mail';
import type { BulkJobView } from '../../thunderbird-extension/src/background/protocol';
import type { BenchRow } from '../bench/bench-table';
import { mailFixturesDir } from './harness/thunderbird-instance';
import { startThunderbirdSession } from './harness/thunderbird-session';
import { clickMenuOnMessages } from './harness/thunderbird-ui';

// Benchmark (not a test): N selected mails → N opportunities with their .eml archived, in a real
// Thunderbird, from the menu click to the last result. Baseline in the same run: the same use
// case over the same HTTP API from Node (no Thunderbird), with fresh Message-IDs.

function syntheticMails(count: number, runId: string): Buffer[] {
  const template = readFileSync(path.join(mailFixturesDir, 'rfq-office-chairs-en.eml'), 'latin1');
  return Array.from({ length: count }, (_, index) =>
    Buffer.from(
      template
        .replace(
          /^Message-ID:.*$/im,
          `Message-ID: <bench-${runId}-${index}@bluefin-logistics.example.com>`,
        )
        .replace(/^Subject: (.*)$/im, `Subject: $1 (lot ${index + 1})`),
      'latin1',
    ),
  );
}

export interface ThunderbirdBenchFigures {
  mails: number;
  thunderbirdMs: number;
  nodeBaselineMs: number;
  created: number;
  startupMs: number;
}

export async function measureOpportunitiesFromMails(count = 50): Promise<ThunderbirdBenchFigures> {
  const runId = Date.now().toString(36);
  const startedAt = Date.now();
  const session = await startThunderbirdSession({
    mailFolders: { Bench: syntheticMails(count, `tb-${runId}`) },
  });
  const startupMs = Date.now() - startedAt;
  try {
    const clickAt = Date.now();
    await clickMenuOnMessages(
      session.thunderbird.marionette,
      'Bench',
      'all',
      'inbox-crm-create-opportunities',
      count,
    );
    const job = await session.control.run<BulkJobView | null>(
      'latestBulkJob',
      { timeoutMs: 300_000 },
      330_000,
    );
    const thunderbirdMs = Date.now() - clickAt;
    const created = job?.items.filter((item) => item.state === 'created').length ?? 0;

    const api = createApiClient({
      baseUrl: session.crm.baseUrl,
      getAccessToken: async () => session.crm.user.token,
    });
    const sources: MailSource[] = syntheticMails(count, `node-${runId}`).map((bytes, index) => ({
      summary: { hostId: String(index), subject: `lot ${index + 1}` },
      getRaw: async () => new Uint8Array(bytes),
    }));
    const baselineAt = Date.now();
    await createOpportunitiesFromMails(sources, { api, host: 'other' });
    const nodeBaselineMs = Date.now() - baselineAt;
    return { mails: count, thunderbirdMs, nodeBaselineMs, created, startupMs };
  } finally {
    await session.stop();
  }
}

/** For the root bench runner (tests/bench/): one row, goal ≤ 10 s for 50 mails. */
export async function runThunderbirdBenchmarks(
  options: { mails?: number } = {},
): Promise<BenchRow[]> {
  const figures = await measureOpportunitiesFromMails(options.mails ?? 50);
  const seconds = figures.thunderbirdMs / 1000;
  return [
    {
      suite: 'thunderbird',
      name: `${figures.mails} selected mails → opportunities (.eml archived), menu click to last result`,
      value: `${seconds.toFixed(2)} s, ${figures.created}/${figures.mails} created (Thunderbird start ${(figures.startupMs / 1000).toFixed(1)} s)`,
      ratio: `${(figures.thunderbirdMs / figures.nodeBaselineMs).toFixed(2)}× shared core from Node (${(figures.nodeBaselineMs / 1000).toFixed(2)} s)`,
      goal: '≤ 10 s',
      met: seconds <= 10 && figures.created === figures.mails,
    },
  ];
}

import path from 'node:path';
import type { Page } from 'playwright-core';
import { measureTaskPaneBundle } from '../../outlook-addin/src/build/bundle-size';
import { connectTestDatabase } from '../../server/src/db/test-database';
import { createTestContext } from '../../server/src/test-support/test-context';
import type { BenchRow } from '../bench/bench-table';
import { launchChromium } from '../support/chromium';
import { sharedMailFixtures } from './support/fake-mail-data';
import { openTaskPane, startPaneServer } from './support/outlook-harness';
import { ensureTaskPaneBuilt } from './support/task-pane-build';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface FirstRenderFigures {
  /** Office.onReady → the pane's first render, ms (median of the runs). */
  renderAfterReadyMs: number;
  /** Office.onReady → the selected mail's CRM card on screen (includes one API round trip), ms. */
  cardAfterReadyMs: number;
  /** Navigation start → Office.onReady with nothing but office.js on the page (the baseline), ms. */
  baselineOfficeReadyMs: number;
  /** Navigation start → Office.onReady in the pane, ms. */
  paneOfficeReadyMs: number;
  runs: number;
}

async function marks(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    Object.fromEntries(
      performance.getEntriesByType('mark').map((mark) => [mark.name, mark.startTime]),
    ),
  );
}

/**
 * First render of the built task pane after `Office.onReady`, in headless Chromium with the real
 * office.js, a fake mailbox and the CRM server on a fresh test database. The baseline is a page
 * with office.js alone, measured in the same run, so the ratio survives a noisy machine.
 */
export async function measureFirstRender(runs = 7): Promise<FirstRenderFigures> {
  await ensureTaskPaneBuilt();
  const database = await connectTestDatabase();
  const crm = createTestContext();
  const user = await crm.createUser({
    accessLevel: 'all',
    name: 'Bench User',
    login: 'bench-outlook',
  });
  const server = await startPaneServer(crm.app);
  const browser = await launchChromium();
  const render: number[] = [];
  const card: number[] = [];
  const paneReady: number[] = [];
  const baseline: number[] = [];
  try {
    const mails = [path.join(sharedMailFixtures, 'rfq-office-chairs-en.eml')];
    for (let run = 0; run < runs; run += 1) {
      const pane = await openTaskPane(browser, server.origin, {
        mails,
        apiToken: user.token,
        latencyMs: 0,
      });
      await pane.page
        .getByRole('heading', { name: 'Sender' })
        .waitFor({ timeout: 60_000 })
        .catch(async (error: unknown) => {
          const text = await pane.page
            .locator('body')
            .innerText()
            .catch(() => '');
          throw new Error(
            `The pane did not show the sender card: ${text.slice(0, 300)} ${pane.problems.join(' | ')}`,
            { cause: error },
          );
        });
      const pm = await marks(pane.page);
      render.push(pm['inbox-crm:first-render']! - pm['inbox-crm:office-ready']!);
      card.push(pm['inbox-crm:ready']! - pm['inbox-crm:office-ready']!);
      paneReady.push(pm['inbox-crm:office-ready']!);

      // Baseline: same context setup, a page that only loads office.js and marks onReady.
      await pane.page.route(`${server.origin}/bench/office-only.html`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script><script>Office.onReady(() => performance.mark("office-ready"))</script>',
        }),
      );
      await pane.page.goto(`${server.origin}/bench/office-only.html`);
      await pane.page.waitForFunction(
        () => performance.getEntriesByName('office-ready').length > 0,
        undefined,
        { timeout: 60_000 },
      );
      baseline.push((await marks(pane.page))['office-ready']!);
      await pane.context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await database.disconnect();
  }
  return {
    renderAfterReadyMs: median(render),
    cardAfterReadyMs: median(card),
    baselineOfficeReadyMs: median(baseline),
    paneOfficeReadyMs: median(paneReady),
    runs,
  };
}

/** Rows for `npm run bench` (tests/bench/): bundle size and first render of the Outlook pane. */
export async function outlookBenchRows(): Promise<BenchRow[]> {
  const bundle = measureTaskPaneBundle({ build: true });
  const msal = bundle.lazy.find((file) => file.file.includes('/msal-'));
  const mailActions = bundle.lazy.find((file) => file.file.includes('/mail-actions-'));
  const figures = await measureFirstRender();
  return [
    {
      suite: 'outlook',
      name: 'task pane JS before first render (gzip, without office.js)',
      value: kib(bundle.initialGzipBytes),
      ratio: `${(bundle.initialGzipBytes / bundle.budgetBytes).toFixed(2)}× budget`,
      goal: `≤ ${bundle.budgetBytes / 1000} KB`,
      met: bundle.withinBudget,
    },
    {
      suite: 'outlook',
      name: 'MSAL chunk, loaded at first Microsoft sign-in (gzip)',
      value: msal ? kib(msal.gzipBytes) : 'missing',
    },
    {
      suite: 'outlook',
      name: 'mail actions chunk, loaded at first action (gzip)',
      value: mailActions ? kib(mailActions.gzipBytes) : 'missing',
    },
    {
      suite: 'outlook',
      name: `first render after Office.onReady (median of ${figures.runs})`,
      value: `${figures.renderAfterReadyMs.toFixed(1)} ms`,
      goal: '≤ 300 ms',
      met: figures.renderAfterReadyMs <= 300,
    },
    {
      suite: 'outlook',
      name: 'sender card after Office.onReady (headers + sign-in check + context: 3 calls)',
      value: `${figures.cardAfterReadyMs.toFixed(1)} ms`,
    },
    {
      suite: 'outlook',
      name: 'Office.onReady in the pane vs office.js alone',
      value: `${figures.paneOfficeReadyMs.toFixed(0)} ms`,
      ratio: `${(figures.paneOfficeReadyMs / figures.baselineOfficeReadyMs).toFixed(2)}× office.js-only page`,
    },
  ];
}

if (require.main === module) {
  outlookBenchRows().then(
    async (rows) => {
      const { printTable } = await import('../bench/bench-table');
      process.stdout.write(`${printTable(rows)}\n`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

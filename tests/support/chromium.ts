import fs from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
} from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (never a downloaded browser). Reused by every
 * real-browser suite (Outlook task pane, admin console).
 */
export const chromiumExecutable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function isChromiumInstalled(): boolean {
  try {
    fs.accessSync(chromiumExecutable, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` that runs when Chromium is installed. Without it the suite is skipped with a message
 * on a developer machine, but under `CI` a missing browser is a failure, never a silent skip.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (isChromiumInstalled()) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      test('Chromium is installed', () => {
        throw new Error(
          `${chromiumExecutable} is missing; CI must install Debian's chromium (apt-get install -y chromium)`,
        );
      });
    });
    return;
  }
  console.warn(
    `Skipping "${name}": ${chromiumExecutable} is missing (apt-get install -y chromium).`,
  );
  describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  // Playwright adds --no-sandbox itself when running as root.
  return chromium.launch({ executablePath: chromiumExecutable, headless: true });
}

export interface IsolatedContext {
  context: BrowserContext;
  /** Every request that tried to leave 127.0.0.1 (aborted). */
  remoteRequests: string[];
}

/**
 * One fresh context per test (own cache and sessionStorage). Nothing may leave the machine:
 * requests to anything but 127.0.0.1/localhost are recorded and aborted, unless a route the
 * caller adds later (registered after, so matched first) serves them.
 */
export async function newIsolatedContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<IsolatedContext> {
  const context = await browser.newContext(options);
  const remoteRequests: string[] = [];
  await context.route(/^(?!(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank')
      return route.continue();
    remoteRequests.push(url);
    return route.abort();
  });
  return { context, remoteRequests };
}

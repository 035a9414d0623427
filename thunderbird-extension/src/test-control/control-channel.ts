import type { ThunderbirdBrowser } from '../host/thunderbird-api';

// Test build only (compiled in when __INBOX_CRM_TEST_CONTROL__ is true): long-polls the
// end-to-end harness on 127.0.0.1 for product commands and posts their outcome back. The harness
// writes `test-control.json` ({ port }) into the test xpi; without it the channel stays off.

export type ControlCommands = Record<string, (args: Record<string, unknown>) => Promise<unknown>>;

interface Command {
  id: number;
  name: string;
  args: Record<string, unknown>;
}

export async function startControlChannel(
  browser: ThunderbirdBrowser,
  commands: ControlCommands,
): Promise<void> {
  let port: number;
  try {
    const response = await fetch(browser.runtime.getURL('test-control.json'));
    port = ((await response.json()) as { port: number }).port;
  } catch {
    return;
  }
  const base = `http://127.0.0.1:${port}`;
  // text/plain keeps the POSTs "simple" requests (no CORS preflight).
  const post = (pathname: string, body: unknown) =>
    fetch(`${base}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(body),
    });

  await post('/event', { type: 'ready', version: browser.runtime.getManifest().version });
  for (;;) {
    // Any API call counts as activity and keeps the event page alive; network traffic does not.
    await browser.runtime.getPlatformInfo();
    let command: Command | undefined;
    try {
      const response = await fetch(`${base}/cmd`);
      if (response.status === 200) command = (await response.json()) as Command;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    if (!command) continue;
    void runCommand(command, commands, post);
  }
}

async function runCommand(
  command: Command,
  commands: ControlCommands,
  post: (pathname: string, body: unknown) => Promise<Response>,
): Promise<void> {
  const handler = commands[command.name];
  try {
    if (!handler) throw new Error(`unknown control command ${command.name}`);
    const value = await handler(command.args ?? {});
    await post('/cmd-result', { id: command.id, ok: true, value: value ?? null });
  } catch (error) {
    const message =
      error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    await post('/cmd-result', { id: command.id, ok: false, error: message });
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { MarionetteClient } from './marionette-client';

// One real, headless Thunderbird on a fresh profile (recipe: ../shared/docs/reference/thunderbird.md §2).

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const testXpiPath = path.join(
  repoRoot,
  'thunderbird-extension',
  'dist',
  'inbox-crm-test.xpi',
);
export const releaseXpiPath = path.join(repoRoot, 'thunderbird-extension', 'dist', 'inbox-crm.xpi');
export const mailFixturesDir = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'mail');

const manifestTemplate = JSON.parse(
  readFileSync(path.join(repoRoot, 'manifests', 'thunderbird', 'manifest.json'), 'utf8'),
) as { browser_specific_settings: { gecko: { id: string } } };
export const extensionId = manifestTemplate.browser_specific_settings.gecko.id;
/** The id Thunderbird derives from the add-on id for its toolbar/menu widgets. */
export const extensionWidgetId = extensionId.toLowerCase().replace(/[^a-z0-9_-]/g, '_');

const binaryCandidates = ['/usr/lib/thunderbird/thunderbird', '/usr/bin/thunderbird'];

export function findThunderbirdBinary(): string | undefined {
  return binaryCandidates.find((candidate) => existsSync(candidate));
}

export interface LaunchOptions {
  controlPort: number;
  /** Local Folders to write as mbox files before start: folder name → raw mails. */
  mailFolders?: Record<string, Buffer[]>;
  prefs?: Record<string, string | number | boolean>;
  xpiPath?: string;
  /** Files to put into Thunderbird's scratch HOME before start (path below HOME → content). */
  homeFiles?: Record<string, { content: string; mode?: number }>;
}

export interface ThunderbirdInstance {
  pid: number;
  profileDir: string;
  logPath: string;
  marionette: MarionetteClient;
  stop(): Promise<void>;
}

const basePrefs: Record<string, string | number | boolean> = {
  'extensions.autoDisableScopes': 0,
  'mail.accountmanager.accounts': 'account1',
  'mail.accountmanager.localfoldersserver': 'server1',
  'mail.account.account1.server': 'server1',
  'mail.server.server1.type': 'none',
  'mail.server.server1.hostname': 'Local Folders',
  'mail.server.server1.name': 'Local Folders',
  'mail.server.server1.userName': 'nobody',
  'mail.server.server1.directory-rel': '[ProfD]Mail/Local Folders',
  'mailnews.start_page.enabled': false,
  'mail.provider.suppress_dialog_on_startup': true,
  'mail.shell.checkDefaultClient': false,
  'mail.rights.version': 1,
  'mail.inappnotifications.enabled': false,
  'app.update.auto': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'network.connectivity-service.enabled': false,
  'marionette.port': 0,
  // New folders open unthreaded: every seeded mail is its own row.
  'mailnews.default_view_flags': 0,
  'devtools.console.stdout.content': true,
  // The control channel's long poll is network traffic, which does not count as activity.
  'extensions.background.idle.timeout': 300_000,
};

/** mboxrd: `From ` separator lines, body lines starting with (>*)From get one more `>`. */
export function toMbox(mails: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const mail of mails) {
    const text = mail.toString('latin1').replace(/^(>*From )/gm, '>$1');
    parts.push(
      Buffer.from(
        `From - Mon Jan  5 10:00:00 2026\n${text}${text.endsWith('\n') ? '' : '\n'}\n`,
        'latin1',
      ),
    );
  }
  return Buffer.concat(parts);
}

/** The test xpi plus a `test-control.json` telling its control channel where the harness listens. */
export async function writeTestXpi(
  sourceXpi: string,
  destination: string,
  controlPort: number,
): Promise<void> {
  const entries = unzipSync(new Uint8Array(await readFile(sourceXpi)));
  entries['test-control.json'] = strToU8(JSON.stringify({ port: controlPort }));
  await writeFile(destination, zipSync(entries));
}

function userJs(prefs: Record<string, string | number | boolean>): string {
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
    .join('\n');
}

async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) if (child.pid) process.kill(child.pid, 'SIGKILL');
});

export async function launchThunderbird(options: LaunchOptions): Promise<ThunderbirdInstance> {
  const binary = findThunderbirdBinary();
  if (!binary) throw new Error('thunderbird binary not found (apt-get install -y thunderbird)');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'inbox-crm-tb-'));
  const profileDir = path.join(workDir, 'profile');
  const homeDir = path.join(workDir, 'home');
  const logPath = path.join(workDir, 'thunderbird.log');
  await mkdir(path.join(profileDir, 'extensions'), { recursive: true });
  await mkdir(homeDir);
  for (const [relative, file] of Object.entries(options.homeFiles ?? {})) {
    const target = path.join(homeDir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content, { mode: file.mode ?? 0o644 });
  }
  await writeFile(path.join(profileDir, 'user.js'), userJs({ ...basePrefs, ...options.prefs }));
  await writeTestXpi(
    options.xpiPath ?? testXpiPath,
    path.join(profileDir, 'extensions', `${extensionId}.xpi`),
    options.controlPort,
  );
  const localFolders = path.join(profileDir, 'Mail', 'Local Folders');
  await mkdir(localFolders, { recursive: true });
  for (const [folder, mails] of Object.entries(options.mailFolders ?? {})) {
    await writeFile(path.join(localFolders, folder), toMbox(mails));
  }

  const log = createWriteStream(logPath);
  const child = spawn(
    binary,
    [
      '--headless',
      '--no-remote',
      '-profile',
      profileDir,
      '--marionette',
      '-remote-allow-system-access',
    ],
    {
      env: { ...process.env, HOME: homeDir, MOZ_HEADLESS: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => liveChildren.delete(child));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn thunderbird');

  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
  };
  const stop = async () => {
    await Promise.race([marionette?.quit(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    const graceful = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 5_000)),
    ]);
    if (!graceful) {
      kill('SIGTERM');
      const terminated = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!terminated) kill('SIGKILL');
      await exited;
    }
    log.end();
    if (!process.env.INBOX_CRM_KEEP_PROFILE) await rm(workDir, { recursive: true, force: true });
  };

  let marionette: MarionetteClient | undefined;
  try {
    const portFile = path.join(profileDir, 'MarionetteActivePort');
    const port = await waitFor(
      async () =>
        existsSync(portFile)
          ? Number((await readFile(portFile, 'utf8')).trim()) || undefined
          : undefined,
      15_000,
      'MarionetteActivePort',
    );
    marionette = await MarionetteClient.connect(port);
    await marionette.newChromeSession();
  } catch (error) {
    kill('SIGKILL');
    throw new Error(`Thunderbird did not start (log: ${logPath}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { pid, profileDir, logPath, marionette, stop };
}

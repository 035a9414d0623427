import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const outlookAddinRoot = path.resolve(__dirname, '..', '..');
export const outlookDistDirectory = path.join(outlookAddinRoot, 'dist');

/** The pane's budget: JavaScript loaded before the first render, gzip, office.js excluded. */
export const taskPaneBudgetBytes = 80_000;

export interface BundleFile {
  file: string;
  rawBytes: number;
  gzipBytes: number;
}

export interface TaskPaneBundleReport {
  /** Scripts and modulepreloads of taskpane.html: what loads before the first render. */
  initial: BundleFile[];
  initialGzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
  stylesheetGzipBytes: number;
  /** Chunks loaded later: `msal` (first sign-in), `mail-actions` (first action), `mimetext` (old hosts). */
  lazy: BundleFile[];
}

function measure(directory: string, file: string): BundleFile {
  const content = fs.readFileSync(path.join(directory, file));
  return { file, rawBytes: content.length, gzipBytes: zlib.gzipSync(content, { level: 9 }).length };
}

/**
 * Sizes of the built task pane (`outlook-addin/dist`), for `npm run bench`. Builds first when
 * asked or when there is no build. Only local `/addins/outlook/...` references count: office.js
 * comes from Microsoft's CDN and is not ours to count.
 */
export function measureTaskPaneBundle(options: { build?: boolean } = {}): TaskPaneBundleReport {
  const htmlPath = path.join(outlookDistDirectory, 'taskpane.html');
  if (options.build || !fs.existsSync(htmlPath)) {
    execFileSync('npx', ['vite', 'build'], { cwd: outlookAddinRoot, stdio: 'ignore' });
  }
  const html = fs.readFileSync(htmlPath, 'utf8');
  const local = (pattern: RegExp) =>
    [...html.matchAll(pattern)]
      .map((match) => match[1]!)
      .filter((href) => href.startsWith('/addins/outlook/'));
  const toFile = (href: string) => href.slice('/addins/outlook/'.length);
  const scripts = local(/<script[^>]*\ssrc="([^"]+)"/g);
  const preloads = local(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g);
  const stylesheets = local(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g);
  const initialFiles = [...new Set([...scripts, ...preloads].map(toFile))];
  const initial = initialFiles.map((file) => measure(outlookDistDirectory, file));
  const initialGzipBytes = initial.reduce((sum, entry) => sum + entry.gzipBytes, 0);
  const assets = fs.readdirSync(path.join(outlookDistDirectory, 'assets'));
  const lazy = assets
    .filter(
      (name) =>
        name.endsWith('.js') &&
        !initialFiles.includes(`assets/${name}`) &&
        !name.startsWith('sign-in-dialog'),
    )
    .map((name) => measure(outlookDistDirectory, `assets/${name}`));
  return {
    initial,
    initialGzipBytes,
    budgetBytes: taskPaneBudgetBytes,
    withinBudget: initialGzipBytes <= taskPaneBudgetBytes,
    stylesheetGzipBytes: stylesheets
      .map(toFile)
      .reduce((sum, file) => sum + measure(outlookDistDirectory, file).gzipBytes, 0),
    lazy,
  };
}

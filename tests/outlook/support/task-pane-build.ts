import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from './fake-mail-data';

const addinRoot = path.join(repositoryRoot, 'outlook-addin');
const builtPage = path.join(addinRoot, 'dist', 'taskpane.html');

function newestSourceTime(directory: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The e2e tests run the production build (`npm run build -w @inbox-crm/outlook-addin`). It is
 * rebuilt when missing or older than the add-in's or shared's sources; a lock directory keeps
 * parallel jest workers from building at the same time.
 */
export async function ensureTaskPaneBuilt(): Promise<void> {
  const lock = path.join(addinRoot, '.build-lock');
  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (attempt > 600)
        throw new Error(`${lock} is held for over a minute: remove it if no build runs`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    const sources = Math.max(
      newestSourceTime(path.join(addinRoot, 'src')),
      newestSourceTime(path.join(repositoryRoot, 'shared', 'src')),
      fs.statSync(path.join(addinRoot, 'vite.config.ts')).mtimeMs,
    );
    if (!fs.existsSync(builtPage) || fs.statSync(builtPage).mtimeMs < sources) {
      execFileSync('npx', ['vite', 'build'], { cwd: addinRoot, stdio: 'pipe' });
    }
  } finally {
    fs.rmdirSync(lock);
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findThunderbirdBinary, repoRoot, testXpiPath } from './thunderbird-instance';

// When the real-Thunderbird tests run: always on CI (a missing binary is a failure there), and
// locally when Thunderbird is installed (otherwise they are skipped with a reason).

export function thunderbirdTestMode(): { run: true } | { run: false; reason: string } {
  if (findThunderbirdBinary()) return { run: true };
  if (process.env.CI) return { run: true }; // launch fails loudly: CI must have Thunderbird
  return {
    run: false,
    reason:
      'Thunderbird is not installed (apt-get install -y thunderbird); real-client tests skipped.',
  };
}

/** Builds the xpis when they are missing or older than the extension's sources' last build. */
export function ensureTestXpi(): void {
  const sourceDir = path.join(repoRoot, 'thunderbird-extension', 'src');
  if (existsSync(testXpiPath) && statSync(testXpiPath).mtimeMs >= newestMtime(sourceDir)) return;
  execFileSync('npm', ['run', 'package', '-w', 'thunderbird-extension'], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

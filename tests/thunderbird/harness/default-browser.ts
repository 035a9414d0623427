import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LaunchOptions } from './thunderbird-instance';

// The system's "default browser" as the desktop defines it (freedesktop mimeapps.list + a
// .desktop file in Thunderbird's scratch HOME): a script that writes down every URL it is asked
// to open. Thunderbird's windows.openDefaultBrowser goes through its external protocol service
// and GIO to it — the same path as on a user's desktop, with no browser started.

export interface FakeDefaultBrowser {
  homeFiles: NonNullable<LaunchOptions['homeFiles']>;
  /** URLs opened so far, oldest first. */
  openedUrls(): string[];
  dispose(): void;
}

export function fakeDefaultBrowser(): FakeDefaultBrowser {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inbox-crm-browser-'));
  const log = path.join(dir, 'opened.txt');
  const script = path.join(dir, 'browser.sh');
  const desktopId = 'inbox-crm-test-browser.desktop';
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`, { mode: 0o755 });
  return {
    homeFiles: {
      [`.local/share/applications/${desktopId}`]: {
        content: [
          '[Desktop Entry]',
          'Type=Application',
          'Name=inbox-crm test browser',
          `Exec=${script} %u`,
          'MimeType=x-scheme-handler/http;x-scheme-handler/https;',
          'NoDisplay=true',
          '',
        ].join('\n'),
      },
      '.config/mimeapps.list': {
        content: [
          '[Default Applications]',
          `x-scheme-handler/http=${desktopId}`,
          `x-scheme-handler/https=${desktopId}`,
          '',
        ].join('\n'),
      },
    },
    openedUrls: () =>
      existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [],
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

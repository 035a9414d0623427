import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ControlServer } from './control-server';
import { type RunningCrmServer, startCrmServer } from './crm-server';
import { ensureTestXpi } from './e2e-environment';
import {
  type LaunchOptions,
  launchThunderbird,
  mailFixturesDir,
  type ThunderbirdInstance,
} from './thunderbird-instance';
import { grantHostPermission } from './thunderbird-ui';

// One test file's world: the real CRM server, a real Thunderbird with the test xpi sideloaded and
// mails seeded, and the extension connected to the server the way a user does it on the options
// page (server URL, host permission for its origin, personal API token).

export interface FixtureMail {
  file: string;
  bytes: Buffer;
  /** Message-ID without brackets, as Thunderbird keys it; undefined when the mail has none. */
  messageId?: string;
}

export function loadFixtureMails(): FixtureMail[] {
  return readdirSync(mailFixturesDir)
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .map((file) => {
      const bytes = readFileSync(path.join(mailFixturesDir, file));
      const header = bytes.toString('latin1').split(/\r?\n\r?\n/)[0]!;
      const messageId = /^Message-ID:\s*<([^>]+)>/im.exec(header)?.[1];
      return { file, bytes, messageId };
    });
}

export interface ThunderbirdSession {
  crm: RunningCrmServer;
  control: ControlServer;
  thunderbird: ThunderbirdInstance;
  stop(): Promise<void>;
}

export async function startThunderbirdSession(options: {
  mailFolders?: Record<string, Buffer[]>;
  prefs?: Record<string, string | number | boolean>;
  connect?: boolean;
  /** Extra server environment (e.g. ENTRA_* pointing at the local Entra fake). */
  crmEnv?: Record<string, string>;
  homeFiles?: LaunchOptions['homeFiles'];
}): Promise<ThunderbirdSession> {
  ensureTestXpi();
  const crm = await startCrmServer({ env: options.crmEnv });
  const control = await ControlServer.start();
  let thunderbird: ThunderbirdInstance | undefined;
  const stop = async () => {
    await thunderbird?.stop();
    await control.stop();
    await crm.stop();
  };
  try {
    thunderbird = await launchThunderbird({
      controlPort: control.port,
      mailFolders: options.mailFolders,
      prefs: options.prefs,
      homeFiles: options.homeFiles,
    });
    await control.waitForEvent((event) => event.type === 'ready', 90_000);
    if (options.connect ?? true) {
      const address = await control.run<{ ok: boolean; message: string; originPattern: string }>(
        'request',
        {
          request: { type: 'options/save-server', serverUrl: crm.baseUrl },
        },
      );
      if (!address.ok) throw new Error(`server URL refused: ${address.message}`);
      await grantHostPermission(thunderbird.marionette, address.originPattern);
      const check = await control.run<{ ok: boolean; message: string }>('request', {
        request: { type: 'options/use-api-token', token: crm.user.token },
      });
      if (!check.ok) throw new Error(`sign-in failed: ${check.message}`);
    }
    return { crm, control, thunderbird, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

import type { SyncSummary } from '@inbox-crm/shared/contacts';
import type { Alarms, Runtime } from 'webextension-polyfill';
import type { CrmAddressBook } from '../host/crm-address-book';
import type { KeyValueStore } from '../host/extension-storage';
import type { CrmApi } from './lazy-api';
import type { SyncStatusView } from './protocol';
import { deviceId, loadSettings } from './settings';

// When the "CRM" address book syncs: on a timer (alarm, re-created on every wake-up), shortly
// after the user changes a card, and on demand. One run at a time; status and last error are
// kept in storage for the options page. The sync itself is the shared engine's job.

export interface SyncRunContext {
  api: CrmApi;
  addressBook: CrmAddressBook;
  store: KeyValueStore;
  clientId: string;
  scope: 'own' | 'opportunities' | 'team';
  onProgress(done: number, total?: number): void;
}

export interface SyncRunResult {
  conflicts: number;
  summary?: SyncSummary;
}

export type SyncRunner = (context: SyncRunContext) => Promise<SyncRunResult>;

export interface ContactSyncDeps {
  store: KeyValueStore;
  api: CrmApi;
  addressBook: CrmAddressBook;
  alarms: Pick<Alarms.Static, 'create' | 'clear' | 'onAlarm'>;
  runtime: Pick<Runtime.Static, 'getPlatformInfo'>;
  runner: SyncRunner;
  isConfigured: () => Promise<boolean>;
  /** Delay between a local edit and the sync it triggers (edits often come in bursts). */
  debounceMs?: number;
  now?: () => Date;
}

export const contactSyncAlarm = 'inbox-crm-contact-sync';
const statusKey = 'syncStatus';

export function createContactSync(deps: ContactSyncDeps) {
  const debounceMs = deps.debounceMs ?? 3_000;
  const now = deps.now ?? (() => new Date());
  let running: Promise<SyncStatusView> | undefined;
  let again = false;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const readStatus = async (): Promise<SyncStatusView> =>
    (await deps.store.get<SyncStatusView>(statusKey)) ?? { state: 'idle', conflicts: 0 };
  const writeStatus = (change: (status: SyncStatusView) => SyncStatusView) =>
    deps.store.update<SyncStatusView>(statusKey, (status) =>
      change(status ?? { state: 'idle', conflicts: 0 }),
    );

  async function runOnce(): Promise<SyncStatusView> {
    const settings = await loadSettings(deps.store);
    if (!settings.sync.enabled)
      return writeStatus((status) => ({ ...status, state: 'off', progress: undefined }));
    if (!(await deps.isConfigured())) return readStatus();
    await writeStatus((status) => ({ ...status, state: 'running', progress: { done: 0 } }));
    try {
      const result = await deps.runner({
        api: deps.api,
        addressBook: deps.addressBook,
        store: deps.store,
        clientId: await deviceId(deps.store),
        scope: settings.sync.scope,
        onProgress: (done, total) =>
          void writeStatus((status) => ({ ...status, progress: { done, total } })),
      });
      const rejected = result.summary?.rejected ?? [];
      return await writeStatus(() => ({
        state: 'idle',
        lastSyncAt: now().toISOString(),
        conflicts: result.conflicts,
        // Refused changes stay on the card in Thunderbird; say why so the user can fix them.
        lastError:
          rejected.length > 0
            ? `${rejected.length} change(s) refused by the CRM: ${rejected[0]!.message}`
            : undefined,
      }));
    } catch (error) {
      const message = (error as { userMessage?: string }).userMessage ?? (error as Error).message;
      return writeStatus((status) => ({
        ...status,
        state: 'error',
        progress: undefined,
        lastError: message,
      }));
    }
  }

  /** Runs now, or once more right after the run in progress (never two at once). */
  function runNow(): Promise<SyncStatusView> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let status: SyncStatusView;
      do {
        again = false;
        status = await runOnce();
      } while (again);
      return status;
    })().finally(() => (running = undefined));
    return running;
  }

  return {
    status: readStatus,
    runNow,
    noteConflicts: (count: number) => writeStatus((status) => ({ ...status, conflicts: count })),
    /** Waits for the run in progress, if any (tests, benchmark). */
    idle: () => running ?? Promise.resolve(undefined),
    async settingsChanged(): Promise<void> {
      await this.schedule();
      void runNow();
    },
    /** (Re-)creates the periodic alarm from the settings; call on every wake-up. */
    async schedule(): Promise<void> {
      const settings = await loadSettings(deps.store);
      await deps.alarms.clear(contactSyncAlarm);
      if (settings.sync.enabled)
        deps.alarms.create(contactSyncAlarm, {
          periodInMinutes: settings.sync.intervalMinutes,
          delayInMinutes: 0.1,
        });
    },
    /** Synchronously, at the top level of the background script. */
    registerListeners(): void {
      deps.alarms.onAlarm.addListener((alarm) => {
        // A timer tick while a sync runs is covered by that run: no second pass right after it.
        if (alarm.name === contactSyncAlarm && !running) void runNow();
      });
      // The engine records which cards changed (and scans the book after a wake-up); this only
      // makes a user's edit reach the CRM within seconds instead of at the next timer.
      deps.addressBook.onChange(() => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void runNow(), debounceMs);
      });
    },
  };
}

export type ContactSync = ReturnType<typeof createContactSync>;

import type { KeyValueStore } from '../host/extension-storage';
import type { CrmAddressBook } from '../host/crm-address-book';
import type { MessageList, ThunderbirdBrowser } from '../host/thunderbird-api';
import type { ContactSync } from '../background/contact-sync';
import type { ExtensionService } from '../background/extension-service';
import type { BackgroundRequest, BulkJobView } from '../background/protocol';
import type { ControlCommands } from './control-channel';

// Test build only: the product functions the end-to-end tests call over the control channel.
// They run the same code the UI and menus run; nothing here bypasses the product's logic.

export interface TestCommandDeps {
  browser: ThunderbirdBrowser;
  service: ExtensionService;
  store: KeyValueStore;
  sync: ContactSync;
  addressBook: CrmAddressBook;
  startBulk(kind: 'create' | 'log', selection: MessageList): Promise<string>;
}

export function createTestCommands(deps: TestCommandDeps): ControlCommands {
  return {
    ping: async () => ({ version: deps.browser.runtime.getManifest().version }),
    /** What "Options" in the Add-ons Manager does. */
    openOptionsPage: async () => deps.browser.runtime.openOptionsPage(),
    /** Any page request, exactly as the popup/options page sends it. */
    request: async (args) => deps.service.handle(args.request as BackgroundRequest),
    /** The most recent bulk job (started by a real menu click), once it has finished. */
    latestBulkJob: async (args) => {
      const deadline = Date.now() + Number(args.timeoutMs ?? 60_000);
      const since = Number(args.knownJobs ?? 0);
      for (;;) {
        const jobs = (await deps.store.get<BulkJobView[]>('bulkJobs')) ?? [];
        const job = jobs.length > since ? jobs[jobs.length - 1] : undefined;
        if (job && job.state !== 'collecting' && job.state !== 'running') return job;
        if (job && Date.now() > deadline) return job;
        if (Date.now() > deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    bulkJobCount: async () => ((await deps.store.get<BulkJobView[]>('bulkJobs')) ?? []).length,
    syncNow: async () => {
      await deps.sync.idle();
      return deps.sync.runNow();
    },
    syncIdle: async () => {
      await deps.sync.idle();
      return deps.sync.status();
    },
    listCrmContacts: async () => deps.addressBook.list(),
    crmAddressBookId: async () => deps.addressBook.ensureBook(),
    queue: async () => deps.service.queueView(),
  };
}

import { createOfflineQueue } from '@inbox-crm/shared/offline';
import { browser } from '../host/browser';
import { CrmAddressBook } from '../host/crm-address-book';
import { createExtensionStore } from '../host/extension-storage';
import { startControlChannel } from '../test-control/control-channel';
import { createTestCommands } from '../test-control/test-commands';
import { createContactSync } from './contact-sync';
import { runContactSync } from './contact-sync-runner';
import { CrmConnection } from './crm-connection';
import { ExtensionService, userMessageOf } from './extension-service';
import { createLazyApi } from './lazy-api';
import type { BackgroundAnswer, BackgroundRequest } from './protocol';

declare const __INBOX_CRM_TEST_CONTROL__: boolean;

// Event page: every listener is registered synchronously at the top level, so Thunderbird wakes
// the page for it; state lives in storage.local, never only in module variables.

const menuCreate = 'inbox-crm-create-opportunities';
const menuLog = 'inbox-crm-log-mails';
const queueAlarm = 'inbox-crm-queue';
const t = (key: string, substitutions?: string | string[]) =>
  browser.i18n.getMessage(key, substitutions) || key;

const store = createExtensionStore(browser.storage.local);
const connection = new CrmConnection({ store, identity: browser.identity });
const api = createLazyApi(connection);
const queue = createOfflineQueue({ storage: store, api });
const addressBook = new CrmAddressBook(browser.addressBooks, store);
const sync = createContactSync({
  store,
  api,
  addressBook,
  alarms: browser.alarms,
  runtime: browser.runtime,
  runner: runContactSync,
  isConfigured: () => connection.isConfigured(),
});
const service = new ExtensionService({
  browser,
  store,
  connection,
  api,
  queue,
  sync,
  uiLanguage: () => browser.i18n.getUILanguage(),
  getMessage: (key, substitutions) => browser.i18n.getMessage(key, substitutions),
});

browser.runtime.onInstalled.addListener(() => void createMenus());
browser.runtime.onStartup.addListener(() => void createMenus());

browser.menus.onShown.addListener((info) => {
  const count = info.selectedMessages?.messages.length ?? 0;
  if (count === 0) return;
  // More pages behind the first one: the exact number is known only after continueList.
  const shown = info.selectedMessages?.id ? `${count}+` : String(count);
  void Promise.all([
    browser.menus.update(menuCreate, {
      title: t(count === 1 ? 'menuCreateOne' : 'menuCreateMany', shown),
    }),
    browser.menus.update(menuLog, { title: t(count === 1 ? 'menuLogOne' : 'menuLogMany', shown) }),
  ]).then(() => browser.menus.refresh());
});

browser.menus.onClicked.addListener((info) => {
  if (!info.selectedMessages || (info.menuItemId !== menuCreate && info.menuItemId !== menuLog))
    return;
  void startBulk(info.menuItemId === menuCreate ? 'create' : 'log', info.selectedMessages);
});

browser.messageDisplay.onMessagesDisplayed.addListener((tab, displayed) => {
  if (tab.id === undefined) return;
  void service
    .updateBadge(
      tab.id,
      displayed.messages.map((message) => message.id),
    )
    .catch((error: Error) => console.warn('inbox-crm: badge update failed:', error.message));
});

browser.runtime.onMessage.addListener((message: unknown) => {
  const request = (message as { inboxCrm?: BackgroundRequest } | undefined)?.inboxCrm;
  // Answer only our own messages (returning undefined leaves others to other listeners).
  if (!request) return undefined;
  return service.handle(request).then(
    (value): BackgroundAnswer<unknown> => ({ ok: true, value }),
    (error): BackgroundAnswer<unknown> => ({ ok: false, message: userMessageOf(error) }),
  );
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === queueAlarm)
    void service
      .flushQueue()
      .catch((error: Error) => console.warn('inbox-crm: queue flush failed:', error.message));
});
sync.registerListeners();

async function createMenus(): Promise<void> {
  await browser.menus.removeAll();
  browser.menus.create({
    id: menuCreate,
    title: t('menuCreateMany', 'N'),
    contexts: ['message_list'],
  });
  browser.menus.create({ id: menuLog, title: t('menuLogMany', 'N'), contexts: ['message_list'] });
}

async function startBulk(
  kind: 'create' | 'log',
  selection: Parameters<ExtensionService['bulk']['start']>[1],
) {
  const jobId = await service.bulk.start(kind, selection);
  await browser.windows.create({
    type: 'popup',
    url: `bulk.html?job=${encodeURIComponent(jobId)}`,
    width: 520,
    height: 560,
  });
  return jobId;
}

// Alarms do not survive a restart: re-create them on every wake-up.
void browser.alarms.create(queueAlarm, { periodInMinutes: 1 });
void sync.schedule();
void service.flushQueue().catch(() => undefined);

if (__INBOX_CRM_TEST_CONTROL__) {
  void startControlChannel(
    browser,
    createTestCommands({ browser, service, store, sync, addressBook, startBulk }),
  );
}

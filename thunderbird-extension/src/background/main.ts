import { browser } from '../host/browser';
import { startControlChannel } from '../test-control/control-channel';

declare const __INBOX_CRM_TEST_CONTROL__: boolean;

browser.menus.create({ id: 'create-opportunities', title: 'Create opportunities', contexts: ['message_list'] });

if (__INBOX_CRM_TEST_CONTROL__) {
  void startControlChannel(browser, {
    ping: async () => ({ pong: true }),
  });
}

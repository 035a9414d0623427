import { render } from 'preact';
import { createBackgroundSender } from '../../background/protocol';
import { browser } from '../../host/browser';
import { createTranslate } from '../i18n';
import { PopupApp } from './popup-app';

const send = createBackgroundSender((message) => browser.runtime.sendMessage(message));
const t = createTranslate((key, substitutions) => browser.i18n.getMessage(key, substitutions));

void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
  render(
    <PopupApp
      send={send}
      tabId={tab?.id ?? -1}
      t={t}
      openOptions={() => void browser.runtime.openOptionsPage()}
    />,
    document.getElementById('app')!,
  );
});

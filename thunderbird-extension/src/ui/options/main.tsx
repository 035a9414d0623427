import { render } from 'preact';
import { createBackgroundSender } from '../../background/protocol';
import { loadSettings } from '../../background/settings';
import { browser } from '../../host/browser';
import { createExtensionStore } from '../../host/extension-storage';
import { createTranslate } from '../i18n';
import { OptionsApp } from './options-app';

const send = createBackgroundSender((message) => browser.runtime.sendMessage(message));
const t = createTranslate((key, substitutions) => browser.i18n.getMessage(key, substitutions));

void loadSettings(createExtensionStore(browser.storage.local)).then((settings) => {
  render(
    <OptionsApp
      send={send}
      t={t}
      initialSync={settings.sync}
      requestOrigins={(origins) => browser.permissions.request({ origins })}
    />,
    document.getElementById('app')!,
  );
});

import { render } from 'preact';
import { config as configureZod } from 'zod';
import { AccountManager } from '../auth/account-manager';
import { ApiTokenStore } from '../auth/api-token-store';
import { parseEntraClientConfig, type EntraClientConfig } from '../auth/entra-config';
import {
  currentMailSource,
  readSelection,
  selectedMailSource,
  watchSelection,
  type OutlookMailbox,
} from '../host/mail-selection';
import { detectCapabilities } from '../host/requirement-sets';
import { createApiCrmGateway } from './api-crm-gateway';
import { App } from './app';
import { createTranslator, pickLanguage } from './i18n';
import { firstRenderMark, officeReadyMark, readyMark } from './performance-marks';
import './styles.css';

// zod probes `new Function` to speed up parsing; the pane's CSP has no 'unsafe-eval' (a probe
// would log a violation on every load), so it runs without.
configureZod({ jitless: true });

const root = document.getElementById('app')!;

function showOutsideOutlook(message: string): void {
  root.textContent = message;
  root.dataset.state = 'outside-outlook';
  root.removeAttribute('aria-busy');
}

/** Microsoft sign-in settings the server publishes; none (or an old server) = API token only. */
async function loadEntraConfig(): Promise<EntraClientConfig | null> {
  try {
    const response = await fetch(new URL('/api/v1/auth/methods', location.origin), {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return null;
    const methods = (await response.json()) as { entra?: { publicClient?: unknown } };
    return parseEntraClientConfig(methods.entra?.publicClient);
  } catch {
    return null;
  }
}

async function boot(info: { host: unknown }): Promise<void> {
  const t = createTranslator(pickLanguage(Office.context?.displayLanguage));
  const mailbox = Office.context?.mailbox as OutlookMailbox | undefined;
  // Outside Outlook (a plain browser tab) there is no mailbox: say so instead of failing later.
  if (String(info.host) !== 'Outlook' || !mailbox) {
    showOutsideOutlook(t('openFromOutlook'));
    return;
  }
  const capabilities = detectCapabilities(Office.context.requirements);
  // The sign-in settings come from the server; the pane renders meanwhile.
  const accounts = loadEntraConfig().then(
    (entra) =>
      new AccountManager({
        capabilities,
        entra,
        tokenStore: new ApiTokenStore(Office.context.roamingSettings),
        loginHint: mailbox.userProfile?.emailAddress,
        dialogUrl: new URL('sign-in-dialog.html', location.href).toString(),
      }),
  );
  const gateway = createApiCrmGateway({
    origin: location.origin,
    getAccessToken: async () => (await accounts).getAccessToken(),
  });
  root.removeAttribute('aria-busy');
  render(
    <App
      t={t}
      capabilities={capabilities}
      accounts={accounts}
      gateway={gateway}
      subscribeSelection={(listener, onError) => {
        readSelection(mailbox, capabilities).then(listener, onError);
        watchSelection(mailbox, capabilities, listener, onError).catch(onError);
      }}
      sourceForCurrent={(selection) => currentMailSource(selection.item, capabilities)}
      sourcesForMany={
        capabilities.loadItemById
          ? (summaries) =>
              summaries.map((summary) => selectedMailSource(mailbox, summary, capabilities))
          : null
      }
      onReady={(state) => {
        root.dataset.state = state;
        if (performance.getEntriesByName(readyMark).length === 0) performance.mark(readyMark);
      }}
    />,
    root,
  );
  performance.mark(firstRenderMark);
}

if (typeof Office === 'undefined') {
  // office.js did not load (blocked CDN, opened outside Office without it).
  showOutsideOutlook('Office.js could not be loaded. Open this pane from Outlook.');
} else {
  void Office.onReady((info) => {
    performance.mark(officeReadyMark);
    boot(info).catch((error: unknown) => {
      root.dataset.state = 'error';
      root.textContent = error instanceof Error ? error.message : String(error);
    });
  });
}

import type { DialogSignInMessage } from '../auth/dialog-sign-in';
import { parseEntraClientConfig, type EntraClientConfig } from '../auth/entra-config';
import { createTranslator, pickLanguage } from '../taskpane/i18n';

/**
 * Sign-in dialog page (fallback when Outlook has no nested app authentication). It runs MSAL's
 * redirect flow on our own origin: first visit → Entra; Entra redirects back here → the token
 * goes to the task pane with `messageParent`. The config comes in the query string, set by the pane.
 */
function send(message: DialogSignInMessage): void {
  Office.context.ui.messageParent(JSON.stringify(message));
}

const configKey = 'inbox-crm.sign-in-dialog';

/**
 * The pane's query string on the first visit; kept in this dialog's sessionStorage because Entra
 * redirects back to the page without it.
 */
function dialogConfig(): { config: EntraClientConfig | null; loginHint?: string } {
  const params = new URLSearchParams(location.search);
  if (params.has('clientId')) {
    const fromQuery = {
      clientId: params.get('clientId'),
      authority: params.get('authority'),
      scopes: params.getAll('scope'),
      loginHint: params.get('loginHint') ?? undefined,
    };
    sessionStorage.setItem(configKey, JSON.stringify(fromQuery));
    return { config: parseEntraClientConfig(fromQuery), loginHint: fromQuery.loginHint };
  }
  const stored = JSON.parse(sessionStorage.getItem(configKey) ?? 'null') as {
    loginHint?: unknown;
  } | null;
  return {
    config: parseEntraClientConfig(stored),
    loginHint: typeof stored?.loginHint === 'string' ? stored.loginHint : undefined,
  };
}

async function run(): Promise<void> {
  const { config, loginHint } = dialogConfig();
  if (!config)
    throw Object.assign(new Error('The sign-in page was opened without its configuration'), {
      errorCode: 'config',
    });
  const { createStandardPublicClientApplication } = await import('../auth/msal');
  const redirectUri = `${location.origin}${location.pathname}`;
  const application = await createStandardPublicClientApplication({
    auth: { clientId: config.clientId, authority: config.authority, redirectUri },
    cache: { cacheLocation: 'sessionStorage' },
  });
  // Back from Entra on the redirect page itself: no navigation to the start page (whose query
  // string is in sessionStorage anyway).
  const result = await application.handleRedirectPromise({ navigateToLoginRequestUrl: false });
  if (result) {
    sessionStorage.removeItem(configKey);
    send({ type: 'token', accessToken: result.accessToken });
    return;
  }
  await application.loginRedirect({ scopes: config.scopes, loginHint });
}

Office.onReady(() => {
  const status = document.getElementById('status');
  const t = createTranslator(pickLanguage(Office.context?.displayLanguage));
  if (status) status.textContent = t('signingIn');
  run().catch((error: unknown) => {
    const record = error as { errorCode?: unknown; message?: unknown };
    send({
      type: 'error',
      errorCode: typeof record.errorCode === 'string' ? record.errorCode : null,
      message: typeof record.message === 'string' ? record.message : 'Sign-in failed',
    });
  });
});

import type { DialogSignInMessage } from '../auth/dialog-sign-in';
import { parseEntraClientConfig } from '../auth/entra-config';

/**
 * Sign-in dialog page (fallback when Outlook has no nested app authentication). It runs MSAL's
 * redirect flow on our own origin: first visit → Entra; Entra redirects back here → the token
 * goes to the task pane with `messageParent`. The config comes in the query string, set by the pane.
 */
function send(message: DialogSignInMessage): void {
  Office.context.ui.messageParent(JSON.stringify(message));
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const config = parseEntraClientConfig({
    clientId: params.get('clientId'),
    authority: params.get('authority'),
    scopes: params.getAll('scope'),
  });
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
  const result = await application.handleRedirectPromise();
  if (result) {
    send({ type: 'token', accessToken: result.accessToken });
    return;
  }
  await application.loginRedirect({ scopes: config.scopes, redirectStartPage: location.href });
}

Office.onReady(() => {
  run().catch((error: unknown) => {
    const record = error as { errorCode?: unknown; message?: unknown };
    send({
      type: 'error',
      errorCode: typeof record.errorCode === 'string' ? record.errorCode : null,
      message: typeof record.message === 'string' ? record.message : 'Sign-in failed',
    });
  });
});

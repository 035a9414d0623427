import type { IPublicClientApplication } from '@azure/msal-browser';
import type { EntraClientConfig } from './entra-config';

/**
 * Nested app authentication: Outlook brokers the token, no popup unless Entra needs the user.
 * MSAL is ~71 KB gzip, so it is imported on first use and kept out of the pane's first load.
 */
export class NestedAppSignIn {
  private application: Promise<IPublicClientApplication> | null = null;

  constructor(
    private readonly config: EntraClientConfig,
    private readonly loginHint: string | undefined,
  ) {}

  private load(): Promise<IPublicClientApplication> {
    this.application ??= import('./msal').then(({ createNestablePublicClientApplication }) =>
      createNestablePublicClientApplication({
        auth: { clientId: this.config.clientId, authority: this.config.authority },
      }),
    );
    return this.application;
  }

  /** Silent first (cached account, then SSO with Outlook's account); never shows UI. */
  async acquireTokenSilently(): Promise<string> {
    const application = await this.load();
    const scopes = this.config.scopes;
    const account = application.getActiveAccount() ?? application.getAllAccounts()[0];
    if (account) {
      const result = await application.acquireTokenSilent({ scopes, account });
      return result.accessToken;
    }
    const result = await application.ssoSilent({ scopes, loginHint: this.loginHint });
    application.setActiveAccount(result.account);
    return result.accessToken;
  }

  /** Interactive, after the user pressed "Sign in": Entra may ask for consent or MFA. */
  async acquireTokenInteractively(): Promise<string> {
    const application = await this.load();
    const result = await application.acquireTokenPopup({
      scopes: this.config.scopes,
      loginHint: this.loginHint,
    });
    application.setActiveAccount(result.account);
    return result.accessToken;
  }
}

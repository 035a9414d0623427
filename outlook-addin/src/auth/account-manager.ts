import type { HostCapabilities } from '../host/requirement-sets';
import { ApiTokenStore, apiTokenPattern } from './api-token-store';
import { signInWithDialog } from './dialog-sign-in';
import type { EntraClientConfig } from './entra-config';
import { NestedAppSignIn } from './naa-sign-in';

export type SignInMethod = 'nested-app' | 'dialog' | 'api-token';

export interface AccountManagerOptions {
  capabilities: HostCapabilities;
  entra: EntraClientConfig | null;
  tokenStore: ApiTokenStore;
  loginHint?: string;
  /** Absolute URL of the dialog sign-in page on the pane's origin. */
  dialogUrl: string;
}

/**
 * One place that knows how the pane gets a bearer token: nested app authentication first, the
 * Office dialog second, a personal API token last.
 */
export class AccountManager {
  private method: SignInMethod | null = null;
  private dialogToken: string | null = null;
  private readonly nestedApp: NestedAppSignIn | null;

  constructor(private readonly options: AccountManagerOptions) {
    this.nestedApp =
      options.entra && options.capabilities.nestedAppAuth
        ? new NestedAppSignIn(options.entra, options.loginHint)
        : null;
  }

  get signedInWith(): SignInMethod | null {
    return this.method;
  }

  /** Which Microsoft sign-in this Outlook offers, or null when only the API token is possible. */
  get microsoftSignIn(): 'nested-app' | 'dialog' | null {
    if (!this.options.entra) return null;
    if (this.nestedApp) return 'nested-app';
    return this.options.capabilities.dialogApi ? 'dialog' : null;
  }

  /** Tries what needs no user action: a stored API token, then silent nested app auth. */
  async restore(): Promise<boolean> {
    if (this.options.tokenStore.read()) {
      this.method = 'api-token';
      return true;
    }
    if (this.nestedApp) {
      try {
        await this.nestedApp.acquireTokenSilently();
        this.method = 'nested-app';
        return true;
      } catch {
        // Silent sign-in failing is the normal first-run case: the pane shows the sign-in button.
        return false;
      }
    }
    return false;
  }

  async signInWithMicrosoft(): Promise<void> {
    if (this.nestedApp) {
      try {
        await this.nestedApp.acquireTokenInteractively();
        this.method = 'nested-app';
        return;
      } catch (error) {
        // Outlook advertises NAA but its broker is off for this account (e.g. Outlook.com in
        // OWA): the Office dialog still works.
        if (!isBrokerUnavailable(error) || !this.options.capabilities.dialogApi) throw error;
      }
    }
    if (this.options.entra && this.options.capabilities.dialogApi) {
      this.dialogToken = await signInWithDialog(this.#dialogUrl());
      this.method = 'dialog';
      return;
    }
    throw microsoftUnavailable();
  }

  /**
   * A Microsoft (Entra) access token for the CRM API, whatever the pane signed in with: the server
   * needs one to act for the user at Microsoft (the Outlook contact sync's on-behalf-of exchange).
   * Silent when possible, else the user's interaction (NAA pop-up or the Office dialog); call it
   * from a click so the pop-up is allowed.
   */
  async acquireMicrosoftToken(): Promise<string> {
    if (this.nestedApp) {
      try {
        try {
          return await this.nestedApp.acquireTokenSilently();
        } catch {
          // No cached account or consent missing: ask the user (Entra shows consent/MFA).
          return await this.nestedApp.acquireTokenInteractively();
        }
      } catch (error) {
        if (!isBrokerUnavailable(error) || !this.options.capabilities.dialogApi) throw error;
      }
    }
    if (this.options.entra && this.options.capabilities.dialogApi) {
      if (this.dialogToken && !expiresWithin(this.dialogToken, 5 * 60_000)) return this.dialogToken;
      const token = await signInWithDialog(this.#dialogUrl());
      if (this.method === 'dialog') this.dialogToken = token;
      return token;
    }
    throw microsoftUnavailable();
  }

  /** The dialog page runs MSAL itself: it gets the server's Entra settings in its query string. */
  #dialogUrl(): string {
    const url = new URL(this.options.dialogUrl);
    const entra = this.options.entra;
    if (entra) {
      url.searchParams.set('clientId', entra.clientId);
      url.searchParams.set('authority', entra.authority);
      for (const scope of entra.scopes) url.searchParams.append('scope', scope);
    }
    if (this.options.loginHint) url.searchParams.set('loginHint', this.options.loginHint);
    return url.toString();
  }

  async signInWithApiToken(token: string): Promise<void> {
    const trimmed = token.trim();
    if (!apiTokenPattern.test(trimmed)) throw new Error('invalid-token-format');
    await this.options.tokenStore.save(trimmed);
    this.method = 'api-token';
  }

  async signOut(): Promise<void> {
    if (this.method === 'api-token') await this.options.tokenStore.clear();
    this.dialogToken = null;
    this.method = null;
  }

  /** The bearer for the next API call; NAA tokens are refreshed by MSAL's cache as needed. */
  async getAccessToken(): Promise<string> {
    switch (this.method) {
      case 'api-token': {
        const token = this.options.tokenStore.read();
        if (!token) throw new Error('Not signed in');
        return token;
      }
      case 'nested-app':
        if (!this.nestedApp) throw new Error('Not signed in');
        return this.nestedApp.acquireTokenSilently();
      case 'dialog':
        if (!this.dialogToken) throw new Error('Not signed in');
        return this.dialogToken;
      case null:
        throw new Error('Not signed in');
    }
  }
}

/** MSAL's codes for "this host has no working NAA broker". */
function isBrokerUnavailable(error: unknown): boolean {
  const code = (error as { errorCode?: unknown })?.errorCode;
  return code === 'nested_app_auth_bridge_disabled' || code === 'nested_app_auth_unavailable';
}

function microsoftUnavailable(): Error {
  return Object.assign(new Error('Microsoft sign-in is not available here'), {
    errorCode: 'microsoft_unavailable',
  });
}

/** True when the JWT's `exp` is within `marginMs` (or unreadable: then it is not reused). */
export function expiresWithin(token: string, marginMs: number, now = Date.now()): boolean {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp !== 'number' || exp * 1000 - now < marginMs;
  } catch {
    return true;
  }
}

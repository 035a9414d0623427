import { type ApiClient, createApiClient } from '@inbox-crm/shared/api';
import type { KeyValueStore } from '../host/extension-storage';
import type { IdentityApi } from '../host/thunderbird-api';
import { needsRefresh, refreshEntraSignIn } from './entra-sign-in';
import { loadSettings, type SignIn, updateSettings } from './settings';

// The signed-in connection to the CRM: API client built from the saved server URL and the
// current credential (API token, or an Entra access token refreshed before it expires).

export class NotConfiguredError extends Error {
  constructor() {
    super('inbox-crm is not connected to a CRM server yet. Open the add-on options to set it up.');
    this.name = 'NotConfiguredError';
  }
}

export interface CrmConnectionDeps {
  store: KeyValueStore;
  identity?: IdentityApi;
  fetch?: typeof fetch;
  now?: () => number;
}

export class CrmConnection {
  private refreshing: Promise<string> | undefined;

  constructor(private readonly deps: CrmConnectionDeps) {}

  async isConfigured(): Promise<boolean> {
    const settings = await loadSettings(this.deps.store);
    return Boolean(settings.serverUrl && settings.signIn);
  }

  /** A client for the saved server; throws NotConfiguredError before the user set one up. */
  async client(overrides: { signIn?: SignIn } = {}): Promise<ApiClient> {
    const settings = await loadSettings(this.deps.store);
    if (!settings.serverUrl) throw new NotConfiguredError();
    return createApiClient({
      baseUrl: settings.serverUrl,
      fetch: this.deps.fetch,
      getAccessToken: () =>
        overrides.signIn ? this.tokenOf(overrides.signIn, false) : this.accessToken(),
    });
  }

  /** A client without credentials, for what the server tells anyone (its sign-in methods). */
  async anonymousClient(): Promise<ApiClient> {
    const settings = await loadSettings(this.deps.store);
    if (!settings.serverUrl) throw new NotConfiguredError();
    return createApiClient({
      baseUrl: settings.serverUrl,
      fetch: this.deps.fetch,
      getAccessToken: async () => null,
    });
  }

  async accessToken(): Promise<string | null> {
    const { signIn } = await loadSettings(this.deps.store);
    return signIn ? this.tokenOf(signIn, true) : null;
  }

  /**
   * The bearer token of `signIn`, renewed first when it is about to expire. A renewed stored
   * sign-in is saved; a sign-in being checked before it is saved (`stored` false) is updated in
   * place, so what the caller saves afterwards carries the new tokens — refresh tokens rotate,
   * and saving the old one would sign the user out at the next renewal.
   */
  private async tokenOf(signIn: SignIn, stored: boolean): Promise<string> {
    if (signIn.kind === 'api-token') return signIn.token;
    if (!needsRefresh(signIn, (this.deps.now ?? Date.now)())) return signIn.accessToken;
    // One refresh at a time: concurrent requests wait for the same new token.
    this.refreshing ??= refreshEntraSignIn(signIn, { fetch: this.deps.fetch, now: this.deps.now })
      .then(async (refreshed) => {
        if (stored)
          await updateSettings(this.deps.store, (settings) => ({ ...settings, signIn: refreshed }));
        else Object.assign(signIn, refreshed);
        return refreshed.accessToken;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}

import type { IdentityApi } from '../host/thunderbird-api';
import type { EntraSignIn } from './settings';

// Entra ID sign-in for a public client: authorization code + PKCE through Thunderbird's web auth
// flow (identity.launchWebAuthFlow), tokens fetched from the background. The redirect URI is
// identity.getRedirectURL() — stable per add-on id; register it once in the app registration.

/** The app registration the CRM server publishes at GET /api/v1/auth/methods. */
export interface EntraClientConfig {
  /** e.g. `https://login.microsoftonline.com/<tenant id>` (a local fake in tests). */
  authority: string;
  clientId: string;
  /** The CRM API scope, e.g. `api://<app id>/access_as_user`. */
  scope: string;
}

export class EntraSignInError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'EntraSignInError';
  }
}

const refreshMarginMs = 60_000;

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function pkcePair(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
) {
  const verifier = base64Url(random(32));
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  );
  return { verifier, challenge: base64Url(digest) };
}

function endpoint(config: EntraClientConfig, name: 'authorize' | 'token'): string {
  return `${config.authority.replace(/\/+$/, '')}/oauth2/v2.0/${name}`;
}

function scopes(config: EntraClientConfig): string {
  return `${config.scope} offline_access openid profile`;
}

export async function signInWithEntra(
  identity: IdentityApi,
  config: EntraClientConfig,
  options: { interactive: boolean; fetch?: typeof fetch; now?: () => number },
): Promise<EntraSignIn> {
  const { verifier, challenge } = await pkcePair();
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  const redirectUri = identity.getRedirectURL();
  const authorize = new URL(endpoint(config, 'authorize'));
  authorize.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    response_mode: 'query',
    scope: scopes(config),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    prompt: 'select_account',
  }).toString();

  let finalUrl: string;
  try {
    finalUrl = await identity.launchWebAuthFlow({
      url: authorize.toString(),
      interactive: options.interactive,
    });
  } catch (error) {
    throw new EntraSignInError(
      `Sign-in was cancelled or could not start: ${(error as Error).message}`,
      'flow_failed',
    );
  }
  const answer = new URL(finalUrl).searchParams;
  if (answer.get('error')) {
    throw new EntraSignInError(
      answer.get('error_description') ?? answer.get('error') ?? 'sign-in failed',
      answer.get('error')!,
    );
  }
  if (answer.get('state') !== state)
    throw new EntraSignInError('Sign-in answer did not match the request.', 'state_mismatch');
  const code = answer.get('code');
  if (!code) throw new EntraSignInError('Sign-in returned no authorization code.', 'no_code');

  return requestTokens(
    config,
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    options,
  );
}

export async function refreshEntraSignIn(
  signIn: EntraSignIn,
  options: { fetch?: typeof fetch; now?: () => number } = {},
): Promise<EntraSignIn> {
  if (!signIn.refreshToken)
    throw new EntraSignInError('Your Microsoft sign-in expired. Sign in again.', 'expired');
  const refreshed = await requestTokens(
    signIn,
    { grant_type: 'refresh_token', refresh_token: signIn.refreshToken },
    options,
  );
  return {
    ...refreshed,
    refreshToken: refreshed.refreshToken ?? signIn.refreshToken,
    account: refreshed.account ?? signIn.account,
  };
}

export function needsRefresh(signIn: EntraSignIn, now = Date.now()): boolean {
  return signIn.expiresAt - refreshMarginMs <= now;
}

async function requestTokens(
  config: EntraClientConfig,
  grant: Record<string, string>,
  options: { fetch?: typeof fetch; now?: () => number },
): Promise<EntraSignIn> {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const response = await doFetch(endpoint(config, 'token'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: config.clientId,
      scope: scopes(config),
      ...grant,
    }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
    const description =
      typeof body.error_description === 'string'
        ? body.error_description.split('\r\n')[0]
        : undefined;
    throw new EntraSignInError(description ?? `Microsoft sign-in failed (${code}).`, code);
  }
  return {
    kind: 'entra',
    authority: config.authority,
    clientId: config.clientId,
    scope: config.scope,
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: now() + Number(body.expires_in ?? 3600) * 1000,
    account: typeof body.id_token === 'string' ? accountOf(body.id_token) : undefined,
  };
}

/** The signed-in account's name from the ID token (display only; the server validates tokens). */
function accountOf(idToken: string): string | undefined {
  try {
    const payload = idToken.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    const name = json.preferred_username ?? json.email ?? json.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

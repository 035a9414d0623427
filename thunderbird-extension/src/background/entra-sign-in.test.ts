import { createHash } from 'node:crypto';
import {
  EntraSignInError,
  needsRefresh,
  pkcePair,
  refreshEntraSignIn,
  signInWithEntra,
} from './entra-sign-in';

const config = {
  authority: 'http://127.0.0.1:9/contoso',
  clientId: 'client-1',
  scope: 'api://crm/access_as_user',
};
const redirect = 'https://0123abcd.extensions.allizom.org/';
const idToken = `h.${Buffer.from(JSON.stringify({ preferred_username: 'sofia@larchmont.example.net' })).toString('base64url')}.s`;

function fakeIdentity(answer: (authorize: URL) => string) {
  return {
    getRedirectURL: () => redirect,
    launchWebAuthFlow: jest.fn(async ({ url }: { url: string }) => answer(new URL(url))),
  };
}

function tokenEndpoint(reply: { status?: number; body: Record<string, unknown> }) {
  const calls: URLSearchParams[] = [];
  const fetch = jest.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(new URLSearchParams(String(init?.body)));
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200 });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls, mock: fetch };
}

describe('pkcePair', () => {
  it('makes an S256 challenge of the verifier', async () => {
    const { verifier, challenge } = await pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });
});

describe('signInWithEntra', () => {
  it('runs the code flow with PKCE and exchanges the code at the token endpoint', async () => {
    let sentChallenge = '';
    const identity = fakeIdentity((authorize) => {
      expect(authorize.pathname).toBe('/contoso/oauth2/v2.0/authorize');
      expect(authorize.searchParams.get('redirect_uri')).toBe(redirect);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('scope')).toContain('api://crm/access_as_user');
      sentChallenge = authorize.searchParams.get('code_challenge')!;
      return `${redirect}?code=the-code&state=${authorize.searchParams.get('state')}`;
    });
    const token = tokenEndpoint({
      body: { access_token: 'at', refresh_token: 'rt', expires_in: 3600, id_token: idToken },
    });
    const signIn = await signInWithEntra(identity, config, {
      interactive: true,
      fetch: token.fetch,
      now: () => 1000,
    });
    expect(signIn).toMatchObject({
      kind: 'entra',
      accessToken: 'at',
      refreshToken: 'rt',
      expiresAt: 3_601_000,
      account: 'sofia@larchmont.example.net',
    });
    const exchange = token.calls[0]!;
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code')).toBe('the-code');
    expect(createHash('sha256').update(exchange.get('code_verifier')!).digest('base64url')).toBe(
      sentChallenge,
    );
  });

  it('refuses an answer whose state does not match', async () => {
    const identity = fakeIdentity(() => `${redirect}?code=x&state=forged`);
    const token = tokenEndpoint({ body: {} });
    await expect(
      signInWithEntra(identity, config, { interactive: true, fetch: token.fetch }),
    ).rejects.toMatchObject({
      code: 'state_mismatch',
    });
    expect(token.mock).not.toHaveBeenCalled();
  });

  it('reports the identity provider’s error readably', async () => {
    const identity = fakeIdentity(
      () => `${redirect}?error=access_denied&error_description=The+user+declined`,
    );
    await expect(signInWithEntra(identity, config, { interactive: true })).rejects.toThrow(
      'The user declined',
    );
  });

  it('reports a failed token exchange with the provider’s description', async () => {
    const identity = fakeIdentity((a) => `${redirect}?code=x&state=${a.searchParams.get('state')}`);
    const token = tokenEndpoint({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'AADSTS70008: expired\r\nTrace' },
    });
    const failure = signInWithEntra(identity, config, { interactive: true, fetch: token.fetch });
    await expect(failure).rejects.toBeInstanceOf(EntraSignInError);
    await expect(failure).rejects.toThrow('AADSTS70008: expired');
  });
});

describe('refreshEntraSignIn', () => {
  const signIn = {
    kind: 'entra' as const,
    ...config,
    accessToken: 'old',
    refreshToken: 'rt',
    expiresAt: 0,
    account: 'a@b',
  };

  it('uses the refresh token and keeps it when none is returned', async () => {
    const token = tokenEndpoint({ body: { access_token: 'new', expires_in: 60 } });
    const refreshed = await refreshEntraSignIn(signIn, { fetch: token.fetch, now: () => 0 });
    expect(token.calls[0]!.get('grant_type')).toBe('refresh_token');
    expect(refreshed).toMatchObject({
      accessToken: 'new',
      refreshToken: 'rt',
      expiresAt: 60_000,
      account: 'a@b',
    });
  });

  it('asks to sign in again without a refresh token', async () => {
    await expect(refreshEntraSignIn({ ...signIn, refreshToken: undefined })).rejects.toMatchObject({
      code: 'expired',
    });
  });

  it('refreshes a minute before expiry', () => {
    expect(needsRefresh({ ...signIn, expiresAt: 100_000 }, 30_000)).toBe(false);
    expect(needsRefresh({ ...signIn, expiresAt: 100_000 }, 50_000)).toBe(true);
  });
});

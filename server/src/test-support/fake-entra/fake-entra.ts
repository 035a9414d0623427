/**
 * A local Microsoft Entra ID for tests (never imported by production code): an HTTP server on
 * 127.0.0.1 serving the v2 OpenID metadata, a JWKS of RSA keys generated in the test, an authorize
 * endpoint that signs the chosen user straight in, and a token endpoint for the authorization code
 * grant with a PKCE S256 check. Tokens look like Entra's v2 tokens: `iss`
 * `https://login.microsoftonline.com/{tid}/v2.0`, whichever host served the keys (identity.md §12).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

export const realEntraAuthority = 'https://login.microsoftonline.com';

export interface FakeEntraUser {
  oid: string;
  tid: string;
  name: string;
  preferredUsername: string;
  email?: string;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  nonce?: string;
  user: FakeEntraUser;
  tenant: string;
}

export type EndpointMode = 'ok' | 'error-500' | 'html' | 'hang';

export interface IssueTokenOptions {
  /** Claims to override or add (set a claim to `undefined` to drop it). */
  claims?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (same or other `kid`). */
  signingKey?: SigningKey;
  kid?: string;
}

export class FakeEntra {
  readonly hits = new Map<string, number>();
  jwksMode: EndpointMode = 'ok';
  metadataMode: EndpointMode = 'ok';
  /** Who the authorize endpoint signs in next. */
  nextUser: FakeEntraUser | undefined;
  readonly clients = new Map<string, string>();
  /**
   * Redirect URIs registered as single-page application: codes issued for them are redeemed
   * without a client secret, from the browser (CORS), like Entra's SPA platform.
   */
  readonly spaRedirectUris = new Set<string>();
  /** Delegated API scopes (`api://<id>/access_as_user`) → the audience of the access token issued. */
  readonly apiScopes = new Map<string, string>();
  /**
   * Show a sign-in page first, as Entra does without a session: the authorize request answers
   * 200 with a page whose "Sign in" link (`#fake-entra-sign-in`) continues to the redirect.
   */
  signInPage = false;
  /** `expires_in` of the tokens handed out (short ones make a client refresh at once). */
  accessTokenLifetimeSeconds = 3600;
  /** Refresh tokens handed out (when `offline_access` was asked for); each is used once. */
  private readonly refreshTokens = new Map<string, PendingCode>();
  /** The next authorize request is answered with this error (e.g. consent refused). */
  nextAuthorizeError: { error: string; description: string } | undefined;
  private readonly keys: SigningKey[] = [];
  private readonly codes = new Map<string, PendingCode>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeEntra> {
    const started: { fake?: FakeEntra } = {};
    const server = createServer((req, res) => {
      started.fake?.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeEntra(server, `http://127.0.0.1:${port}`);
    started.fake = fake;
    await fake.addKey();
    return fake;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Publishes a new signing key (key rotation); new tokens are signed with it. */
  async addKey(): Promise<SigningKey> {
    const key = await FakeEntra.generateKey();
    this.keys.push(key);
    return key;
  }

  /** A key pair that is not published: tokens signed with it must be refused. */
  static async generateKey(kid = randomBytes(16).toString('base64url')): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, x5t: kid, use: 'sig', alg: 'RS256' };
    return { kid, privateKey, publicJwk };
  }

  get currentKey(): SigningKey {
    const key = this.keys.at(-1);
    if (!key) throw new Error('no key');
    return key;
  }

  issuerFor(tenantId: string): string {
    return `${realEntraAuthority}/${tenantId}/v2.0`;
  }

  /** A v2 access token for `audience` (our API), shaped like Entra's. */
  async issueAccessToken(
    user: FakeEntraUser,
    audience: string,
    options: IssueTokenOptions = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: audience,
      iss: this.issuerFor(user.tid),
      iat: now - 5,
      nbf: now - 5,
      exp: now + 3600,
      tid: user.tid,
      oid: user.oid,
      sub: createHash('sha256').update(user.oid).digest('base64url').slice(0, 43),
      scp: 'access_as_user',
      azp: randomUUID(),
      ver: '2.0',
      name: user.name,
      preferred_username: user.preferredUsername,
      ...options.claims,
    };
    return this.sign(claims, options.signingKey ?? this.currentKey, options.kid);
  }

  async sign(
    claims: Record<string, unknown>,
    key: SigningKey = this.currentKey,
    kid = key.kid,
  ): Promise<string> {
    const payload = Object.fromEntries(
      Object.entries(claims).filter(([, value]) => value !== undefined),
    ) as JWTPayload;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  private count(name: string): void {
    this.hits.set(name, (this.hits.get(name) ?? 0) + 1);
  }

  private answer(res: ServerResponse, mode: EndpointMode, body: unknown): void {
    if (mode === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (mode === 'error-500') {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
      return;
    }
    if (mode === 'html') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body>Maintenance</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url); // query strings (x-client-SKU …) are ignored
    const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
    const tenant = match?.[1] ?? '';
    const rest = match?.[2] ?? '';
    if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      this.count('metadata');
      this.answer(res, this.metadataMode, this.metadata(tenant));
      return;
    }
    if (req.method === 'GET' && rest === 'discovery/v2.0/keys') {
      this.count('jwks');
      this.answer(res, this.jwksMode, { keys: this.keys.map((key) => key.publicJwk) });
      return;
    }
    if (req.method === 'GET' && rest === 'oauth2/v2.0/authorize') {
      this.count('authorize');
      this.authorize(url, tenant, res);
      return;
    }
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
      this.count('token');
      await this.token(req, res);
      return;
    }
    res.writeHead(404).end();
  }

  private metadata(tenant: string): Record<string, unknown> {
    const issuerTenant = tenant === 'organizations' || tenant === 'common' ? '{tenantid}' : tenant;
    return {
      token_endpoint: `${this.url}/${tenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${realEntraAuthority}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${this.url}/${tenant}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${this.url}/${tenant}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'nonce',
        'name',
        'preferred_username',
        'oid',
        'tid',
        'ver',
        'email',
      ],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    };
  }

  private authorize(url: URL, tenant: string, res: ServerResponse): void {
    const redirectUri = url.searchParams.get('redirect_uri');
    const clientId = url.searchParams.get('client_id');
    const user = this.nextUser;
    if (!redirectUri || !clientId || !this.clients.has(clientId) || !user) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}');
      return;
    }
    if (this.signInPage && url.searchParams.get('fake_signed_in') !== '1') {
      const next = new URL(url.href);
      next.searchParams.set('fake_signed_in', '1');
      const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><title>Sign in to your account</title><p>${escape(user.preferredUsername)}</p>` +
            `<a id="fake-entra-sign-in" href="${escape(next.pathname + next.search)}">Sign in</a>`,
        );
      return;
    }
    // The answer goes in the query, or in the fragment when asked (MSAL.js's default).
    const answer = new URLSearchParams();
    const failure = this.nextAuthorizeError;
    this.nextAuthorizeError = undefined;
    if (failure) {
      answer.set('error', failure.error);
      answer.set('error_description', failure.description);
    } else {
      const code = randomBytes(24).toString('base64url');
      this.codes.set(code, {
        clientId,
        redirectUri,
        scope: url.searchParams.get('scope') ?? '',
        codeChallenge: url.searchParams.get('code_challenge') ?? undefined,
        nonce: url.searchParams.get('nonce') ?? undefined,
        user,
        tenant,
      });
      answer.set('code', code);
    }
    const state = url.searchParams.get('state');
    if (state) answer.set('state', state);
    const back = new URL(redirectUri);
    if (url.searchParams.get('response_mode') === 'fragment') back.hash = answer.toString();
    else for (const [name, value] of answer) back.searchParams.set(name, value);
    res.writeHead(302, { location: back.href }).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    // Entra answers SPA token requests cross-origin.
    const cors: Record<string, string> = req.headers.origin
      ? { 'access-control-allow-origin': '*' }
      : {};
    const fail = (error: string): void => {
      res
        .writeHead(400, { 'content-type': 'application/json', ...cors })
        .end(JSON.stringify({ error }));
    };
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    let pending: PendingCode | undefined;
    if (form.get('grant_type') === 'refresh_token') {
      // Refresh tokens rotate: the one used is spent, the answer carries a new one.
      const refreshToken = form.get('refresh_token') ?? '';
      pending = this.refreshTokens.get(refreshToken);
      this.refreshTokens.delete(refreshToken);
      if (!pending || clientId !== pending.clientId) return fail('invalid_grant');
      this.count('refresh');
    } else {
      const code = form.get('code') ?? '';
      pending = this.codes.get(code);
      this.codes.delete(code);
      if (form.get('grant_type') !== 'authorization_code' || !pending) return fail('invalid_grant');
      const spa = this.spaRedirectUris.has(pending.redirectUri);
      if (clientId !== pending.clientId || (!spa && this.clients.get(clientId) !== clientSecret))
        return fail('invalid_client');
      if (form.get('redirect_uri') !== pending.redirectUri) return fail('invalid_grant');
      if (pending.codeChallenge) {
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge)
          return fail('invalid_grant');
      }
    }
    const now = Math.floor(Date.now() / 1000);
    const idToken = await this.sign({
      aud: pending.clientId,
      iss: this.issuerFor(pending.user.tid),
      iat: now,
      nbf: now,
      exp: now + 3600,
      sub: createHash('sha256')
        .update(pending.user.oid + pending.clientId)
        .digest('base64url')
        .slice(0, 43),
      oid: pending.user.oid,
      tid: pending.user.tid,
      name: pending.user.name,
      preferred_username: pending.user.preferredUsername,
      email: pending.user.email,
      nonce: pending.nonce,
      ver: '2.0',
    });
    // An access token for our API when its scope was asked for; else an opaque one (Graph's).
    const requested = `${form.get('scope') ?? ''} ${pending.scope}`.split(' ');
    const apiScope = requested.find((scope) => this.apiScopes.has(scope));
    const accessToken = apiScope
      ? await this.issueAccessToken(pending.user, this.apiScopes.get(apiScope)!)
      : randomBytes(32).toString('base64url');
    let refreshToken: string | undefined;
    if (requested.includes('offline_access')) {
      refreshToken = randomBytes(32).toString('base64url');
      this.refreshTokens.set(refreshToken, pending);
    }
    res.writeHead(200, { 'content-type': 'application/json', ...cors }).end(
      JSON.stringify({
        token_type: 'Bearer',
        scope: apiScope ? `${apiScope} openid profile email` : 'openid profile email',
        expires_in: this.accessTokenLifetimeSeconds,
        access_token: accessToken,
        id_token: idToken,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      }),
    );
  }
}

export function fakeEntraUser(tenantId: string, name = 'Ana Popescu'): FakeEntraUser {
  const login = name.toLowerCase().replace(/[^a-z]+/g, '.');
  return {
    oid: randomUUID(),
    tid: tenantId,
    name,
    preferredUsername: `${login}@contoso.test`,
    email: `${login}@contoso.test`,
  };
}

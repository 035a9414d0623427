/**
 * A local Entra ID token endpoint for the On-Behalf-Of grant (outlook.md §5.4), for tests: it
 * checks what msal-node sends (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`,
 * `requested_token_use=on_behalf_of`, client id + secret, the Graph scope, an assertion), answers
 * with a Graph access token and a refresh token, and serves the `refresh_token` grant. Tokens it
 * issues are registered with the fake Graph, which refuses any other.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEntraOboOptions {
  clientId: string;
  clientSecret: string;
  /** Called with every access token issued and whose mailbox it opens (the fake Graph accepts it). */
  onAccessToken(token: string, owner: string): void;
}

export class FakeEntraObo {
  /** Assertions (incoming user tokens) the endpoint refuses: `invalid_grant`, like an expired token. */
  readonly refusedAssertions = new Set<string>();
  /** Refuse every assertion (`invalid_grant`), e.g. consent withdrawn for the whole tenant. */
  refuseEveryAssertion = false;
  /** Every grant served, in order (`on_behalf_of` | `refresh_token`). */
  readonly grants: string[] = [];
  /** Form bodies received (tests check what msal sent). */
  readonly bodies: URLSearchParams[] = [];
  private readonly refreshTokens = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeEntraOboOptions,
  ) {}

  static async start(options: FakeEntraOboOptions): Promise<FakeEntraObo> {
    const started: { fake?: FakeEntraObo } = {};
    const server = createServer((req, res) => {
      const fake = started.fake;
      if (!fake) return void res.writeHead(503).end();
      fake.handle(req, res).catch((error: unknown) => {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'server_error', error_description: String(error) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeEntraObo(server, `http://127.0.0.1:${port}`, options);
    started.fake = fake;
    return fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method !== 'POST' || !/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      return void res.writeHead(404).end();
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    this.bodies.push(form);
    if (
      form.get('client_id') !== this.options.clientId ||
      form.get('client_secret') !== this.options.clientSecret
    ) {
      return refuse(res, 401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').includes('https://graph.microsoft.com/Contacts.ReadWrite')) {
      return refuse(res, 400, 'invalid_scope', 'AADSTS70011: The provided scope is not valid.');
    }
    const grantType = form.get('grant_type');
    if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const assertion = form.get('assertion') ?? '';
      if (form.get('requested_token_use') !== 'on_behalf_of' || !assertion) {
        return refuse(res, 400, 'invalid_request', 'AADSTS900144: assertion is required.');
      }
      if (this.refuseEveryAssertion || this.refusedAssertions.has(assertion)) {
        return refuse(
          res,
          400,
          'invalid_grant',
          'AADSTS500133: Assertion is not within its valid time range.',
        );
      }
      this.grants.push('on_behalf_of');
      return this.issue(res, scope, ownerOf(assertion));
    }
    if (grantType === 'refresh_token') {
      const owner = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!owner) {
        return refuse(res, 400, 'invalid_grant', 'AADSTS70000: The refresh token has expired.');
      }
      this.grants.push('refresh_token');
      return this.issue(res, scope, owner);
    }
    refuse(res, 400, 'unsupported_grant_type', 'AADSTS70003: unsupported grant type.');
  }

  /** Revoke every refresh token (the user withdrew consent, or an admin revoked sessions). */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  private issue(res: ServerResponse, scope: string, owner: string): void {
    const accessToken = `graph-at-${randomBytes(18).toString('base64url')}`;
    const refreshToken = `graph-rt-${randomBytes(18).toString('base64url')}`;
    this.refreshTokens.set(refreshToken, owner);
    this.options.onAccessToken(accessToken, owner);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        token_type: 'Bearer',
        scope: scope
          .split(' ')
          .filter((item) => item.startsWith('https://'))
          .join(' '),
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
        refresh_token: refreshToken,
      }),
    );
  }
}

/** The user an assertion stands for: a JWT's `oid`, else the assertion itself (opaque test tokens). */
function ownerOf(assertion: string): string {
  const parts = assertion.split('.');
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as {
        oid?: unknown;
      };
      if (typeof payload.oid === 'string') return payload.oid;
    } catch {
      // not a JWT: opaque
    }
  }
  return assertion;
}

function refuse(res: ServerResponse, status: number, error: string, description: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      error,
      error_description: description,
      error_codes: [Number(description.slice(5, 11)) || 0],
    }),
  );
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One Entra authority URL in front of the two local fakes the server tests already use: the
 * identity fake (`server/src/test-support/fake-entra`: metadata, keys, authorize, code grant) and
 * the On-Behalf-Of fake (`graph-contact-sync/__fakes__/fake-entra-obo`: jwt-bearer and
 * refresh-token grants). The real Entra is one host too, so ENTRA_AUTHORITY_URL points here.
 */
export class EntraFront {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(targets: { entraUrl: string; oboUrl: string }): Promise<EntraFront> {
    const started: { front?: EntraFront } = {};
    const server = createServer((req, res) => {
      forward(req, targets, started.front!.url).then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        (error: unknown) => res.writeHead(502).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const front = new EntraFront(server, `http://127.0.0.1:${port}`);
    started.front = front;
    return front;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function forward(
  req: IncomingMessage,
  targets: { entraUrl: string; oboUrl: string },
  ownUrl: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const grant = new URLSearchParams(body).get('grant_type');
  const toObo =
    req.method === 'POST' &&
    (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer' || grant === 'refresh_token');
  const target = toObo ? targets.oboUrl : targets.entraUrl;
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'authorization', 'origin']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const response = await fetch(`${target}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    redirect: 'manual',
  });
  const answer: Record<string, string> = {};
  for (const name of ['content-type', 'location', 'access-control-allow-origin']) {
    const value = response.headers.get(name);
    if (value) answer[name] = value;
  }
  // Metadata names the fake's own URLs: show this front's instead.
  const text = (await response.text()).replaceAll(targets.entraUrl, ownUrl);
  return { status: response.status, headers: answer, body: text };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-error';
import { createApiClient, type ApiClientOptions } from './api-client';
import { contactConflictAlreadyResolvedDetailsSchema } from '../schemas/contact-sync.schemas';
import { apiResponseSchemas } from './response-schemas';

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: Array<{
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};
const feed = { changes: [], nextToken: 't1', hasMore: false };
const sleeps: number[] = [];
const client = (options: Partial<ApiClientOptions> = {}) =>
  createApiClient({
    baseUrl,
    getAccessToken: async () => 'icrm_token',
    responseSchemas: apiResponseSchemas,
    retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });

describe('createApiClient', () => {
  it('sends the bearer token and validates the answer with the schema', async () => {
    handler = (_request, _body, response) => json(response, 200, feed);
    await expect(client().pullContacts({ token: 'abc', limit: 10 })).resolves.toEqual(feed);
    expect(seen[0]!.headers.authorization).toBe('Bearer icrm_token');
    expect(seen[0]!.url).toBe('/api/v1/sync/contacts?token=abc&limit=10');
  });

  it('retries idempotent calls on 503 and 429, honouring Retry-After', async () => {
    sleeps.length = 0;
    let calls = 0;
    handler = (_request, _body, response) => {
      calls += 1;
      if (calls === 1)
        return json(response, 503, { error: { code: 'unavailable', message: 'busy' } });
      if (calls === 2)
        return json(
          response,
          429,
          { error: { code: 'rate_limited', message: 'slow down' } },
          { 'retry-after': '2' },
        );
      return json(response, 200, feed);
    };
    await expect(client().pullContacts({})).resolves.toEqual(feed);
    expect(calls).toBe(3);
    expect(sleeps).toEqual([5, 2000]);
  });

  it('gives up after the retries with a typed error a user can read', async () => {
    handler = (_request, _body, response) =>
      json(response, 503, { error: { code: 'unavailable', message: 'down' } });
    const error = await client()
      .pullContacts({})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, isTransient: true });
    expect((error as ApiError).userMessage).toMatch(/server had a problem/);
    expect(seen).toHaveLength(3);
  });

  it('does not retry a call that is not idempotent', async () => {
    handler = (_request, _body, response) =>
      json(response, 503, { error: { code: 'unavailable', message: 'down' } });
    const request = client().request({
      method: 'PATCH',
      path: '/teams/1',
      body: {},
      response: (await import('zod')).z.unknown(),
    });
    await expect(request).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(1);
  });

  it('maps 400 field issues, 401, 403 and 413 to readable messages', async () => {
    const cases: Array<[number, unknown, RegExp]> = [
      [
        400,
        {
          error: {
            code: 'validation_failed',
            message: 'bad',
            details: { issues: [{ field: 'body.draft.name', message: 'must not be empty' }] },
          },
        },
        /draft name must not be empty/,
      ],
      [401, { error: { code: 'unauthenticated', message: 'no' } }, /signed out/],
      [403, { error: { code: 'forbidden', message: 'no' } }, /not allowed/],
      [413, { error: { code: 'payload_too_large', message: 'big' } }, /too large/],
    ];
    for (const [status, body, message] of cases) {
      handler = (_request, _body, response) => json(response, status, body);
      const error = (await client()
        .me()
        .catch((caught: unknown) => caught)) as ApiError;
      expect(error.status).toBe(status);
      expect(error.userMessage).toMatch(message);
      if (status === 400)
        expect(error.fieldIssues).toEqual([
          { field: 'body.draft.name', message: 'must not be empty' },
        ]);
    }
  });

  it('times out a silent server, retries, then reports a timeout', async () => {
    handler = () => undefined; // never answers
    const error = (await client({
      timeoutMs: 50,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    })
      .pullContacts({})
      .catch((caught: unknown) => caught)) as ApiError;
    expect(error.code).toBe('timeout');
    expect(error.isOffline).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('reports a closed port as network trouble', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = (await client({ baseUrl: `http://127.0.0.1:${port}`, retry: { retries: 0 } })
      .me()
      .catch((caught: unknown) => caught)) as ApiError;
    expect(error).toMatchObject({ code: 'network', status: 0 });
    expect(error.userMessage).toMatch(/cannot be reached/);
  });

  it('refuses an answer that does not match the schema', async () => {
    handler = (_request, _body, response) => json(response, 200, { changes: 'nope' });
    await expect(client().pullContacts({})).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('uploads the raw mail as multipart with the JSON payload', async () => {
    const result = {
      status: 'created',
      record: { resModel: 'lead', resId: 'abc' },
      attachmentIds: [],
      idempotencyKey: '<a@b>',
    };
    handler = (_request, _body, response) => json(response, 201, result);
    const body = {
      mail: { messageId: '<a@b>', from: { address: 'a@b.example' } },
      draft: { name: 'Chairs' },
    };
    const eml = new TextEncoder().encode('From: a@b.example\r\nSubject: Chairs\r\n\r\nhello\r\n');
    await expect(client().createOpportunityFromMail(body, { eml })).resolves.toEqual(result);
    const request = seen[0]!;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const text = request.body.toString('utf8');
    expect(text).toContain('name="payload"');
    expect(text).toContain(JSON.stringify(body));
    expect(text).toMatch(/name="eml"; filename="mail.eml"\r\nContent-Type: message\/rfc822/);
    expect(text).toContain('Subject: Chairs');
  });

  it('sends mail context lists as repeated parameters', async () => {
    handler = (_request, _body, response) =>
      json(response, 200, {
        sender: { email: 'a@b.example', partner: null, company: null, freeMailDomain: false },
        recipients: [],
        openOpportunities: [],
        recentActivities: [],
        alreadyLoggedOn: [],
        threadOn: [],
      });
    await client().mailContext({
      from: 'a@b.example',
      to: ['c@d.example', 'e@f.example'],
      references: ['<1@x>', '<2@x>'],
    });
    expect(seen[0]!.url).toBe(
      '/api/v1/mail/context?from=a%40b.example&to=c%40d.example&to=e%40f.example&references=%3C1%40x%3E+%3C2%40x%3E',
    );
  });
});

describe('createApiClient without response schemas (small bundles)', () => {
  it('trusts the answer as typed and still maps errors', async () => {
    handler = (_request, _body, response) => json(response, 200, { changes: 'unchecked' });
    const light = client({ responseSchemas: undefined });
    await expect(light.pullContacts({})).resolves.toEqual({ changes: 'unchecked' });
    handler = (_request, _body, response) =>
      json(response, 401, { error: { code: 'unauthenticated', message: 'no' } });
    await expect(light.me()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});

describe('contact sync conflicts', () => {
  const conflict = {
    id: '65f000000000000000000001',
    contactId: '65f000000000000000000002',
    kind: 'field',
    path: 'jobPosition',
    base: 'Procurement Manager',
    server: 'Head of Procurement',
    client: 'Purchasing Lead',
    changeId: 'change-0001',
    source: { clientId: 'tb-laptop', host: 'thunderbird', device: "Sofia's laptop" },
    detectedAt: '2026-11-29T10:00:00.000Z',
  };

  it('lists open conflicts with the paging and contact filter in the query', async () => {
    const page = {
      items: [{ ...conflict, contactName: 'Margaret Lindqvist', canResolve: true }],
      total: 1,
      limit: 20,
      offset: 0,
    };
    handler = (_request, _body, response) => json(response, 200, page);
    await expect(
      client().listContactConflicts({ limit: 20, contactId: conflict.contactId }),
    ).resolves.toEqual(page);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe(`/api/v1/sync/conflicts?limit=20&contactId=${conflict.contactId}`);
    await client().listContactConflicts();
    expect(seen[1]!.url).toBe('/api/v1/sync/conflicts');
  });

  it('refuses a conflict list that does not match the schema', async () => {
    handler = (_request, _body, response) =>
      json(response, 200, { items: [conflict], total: 1, limit: 50, offset: 0 });
    await expect(client().listContactConflicts()).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  it('posts the resolution and returns the resolved conflict with the stored contact', async () => {
    const answer = {
      conflict: {
        ...conflict,
        resolvedAt: '2026-11-29T10:05:00.000Z',
        resolution: 'use-device',
        resolvedBy: '65f000000000000000000003',
      },
      version: 42,
      deleted: true,
    };
    handler = (_request, _body, response) => json(response, 200, answer);
    await expect(client().resolveContactConflict(conflict.id, 'use-device')).resolves.toEqual(
      answer,
    );
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe(`/api/v1/sync/conflicts/${conflict.id}/resolve`);
    expect(JSON.parse(seen[0]!.body.toString('utf8'))).toEqual({ resolution: 'use-device' });
  });

  it('does not resend a resolve, and hands over the stored resolution of a 409', async () => {
    handler = (_request, _body, response) =>
      json(response, 503, { error: { code: 'unavailable', message: 'busy' } });
    await expect(client().resolveContactConflict(conflict.id, 'keep-crm')).rejects.toMatchObject({
      status: 503,
    });
    expect(seen).toHaveLength(1);

    const details = {
      resolution: 'keep-crm',
      resolvedAt: '2026-11-29T10:05:00.000Z',
      resolvedBy: '65f000000000000000000003',
    };
    handler = (_request, _body, response) =>
      json(response, 409, {
        error: { code: 'conflict', message: 'This conflict is already resolved', details },
      });
    const error = (await client()
      .resolveContactConflict(conflict.id, 'use-device')
      .catch((caught: unknown) => caught)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'conflict', details });
    expect(contactConflictAlreadyResolvedDetailsSchema.parse(error.details)).toEqual(details);
    expect(seen).toHaveLength(2);
  });
});

/**
 * A local Microsoft Graph for tests (never imported by production code): an HTTP server on
 * 127.0.0.1 serving the contact endpoints the Outlook sync uses (outlook.md §6) with Graph's
 * behaviour: bearer tokens, contact folders, contacts with `changeKey`, the 3-address/2-phone
 * limits, folder delta with `$skiptoken` paging (`Prefer: odata.maxpagesize`), `$deltatoken`
 * links, `@removed` entries, 410 for expired delta state and 429 + Retry-After on demand.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  graphMaxBusinessPhones,
  graphMaxEmailAddresses,
  type GraphContact,
  type GraphContactFolder,
  type GraphContactWrite,
} from '../graph-contact';

interface StoredContact extends GraphContact {
  id: string;
  parentFolderId: string;
  changeKey: string;
}

interface ChangeEntry {
  seq: number;
  id: string;
  folderId: string;
}

interface PageCursor {
  /** Changes after this sequence number; `null` = the initial (full) delta. */
  since: number | null;
  /** The sequence number the round started at: the deltaLink's token. */
  upto: number;
  offset: number;
}

const writableFields = [
  'displayName',
  'givenName',
  'surname',
  'companyName',
  'jobTitle',
  'emailAddresses',
  'businessPhones',
  'mobilePhone',
  'businessAddress',
  'businessHomePage',
  'personalNotes',
  'singleValueExtendedProperties',
] as const satisfies ReadonlyArray<keyof GraphContactWrite>;

/** One user's mailbox: its contact folders, contacts and change sequence. */
export class FakeMailbox {
  readonly folders = new Map<string, GraphContactFolder>();
  private readonly contacts = new Map<string, StoredContact>();
  private readonly changes: ChangeEntry[] = [];
  private seq = 0;
  /** Delta tokens carry the generation they were issued in; older ones answer 410. */
  deltaGeneration = 0;

  get currentSeq(): number {
    return this.seq;
  }

  /** Every delta token issued so far becomes invalid (Exchange dropped the sync state). */
  expireDeltaTokens(): void {
    this.deltaGeneration += 1;
  }

  // ------------------------------------------------------------------ what the user does in Outlook

  folderByName(displayName: string): GraphContactFolder | undefined {
    return [...this.folders.values()].find((folder) => folder.displayName === displayName);
  }

  contactsIn(folderId: string): StoredContact[] {
    return [...this.contacts.values()]
      .filter((contact) => contact.parentFolderId === folderId)
      .map((contact) => structuredClone(contact));
  }

  contact(id: string): StoredContact | undefined {
    const stored = this.contacts.get(id);
    return stored && structuredClone(stored);
  }

  userCreates(folderId: string, contact: GraphContactWrite): StoredContact {
    return this.createContact(folderId, contact);
  }

  userEdits(id: string, patch: GraphContactWrite): StoredContact {
    const updated = this.updateContact(id, patch);
    if (!updated) throw new Error(`no contact ${id}`);
    return updated;
  }

  /** Deletes the folder and the contacts in it (Outlook moves them to Deleted Items). */
  userDeletesFolder(folderId: string): void {
    for (const contact of this.contactsIn(folderId)) this.deleteContact(contact.id);
    this.folders.delete(folderId);
  }

  userDeletes(id: string): void {
    if (!this.deleteContact(id)) throw new Error(`no contact ${id}`);
  }

  // ------------------------------------------------------------------ the store

  createFolder(displayName: string): GraphContactFolder {
    const folder = {
      id: `AQMk${randomUUID().replaceAll('-', '')}`,
      displayName,
      parentFolderId: 'contacts-root',
    };
    this.folders.set(folder.id, folder);
    return folder;
  }

  private record(id: string, folderId: string): void {
    this.seq += 1;
    this.changes.push({ seq: this.seq, id, folderId });
  }

  createContact(folderId: string, body: GraphContactWrite): StoredContact {
    const now = new Date().toISOString();
    const contact: StoredContact = {
      ...pickWritable(body),
      id: `AAMk${randomUUID().replaceAll('-', '')}`,
      parentFolderId: folderId,
      changeKey: randomUUID(),
      createdDateTime: now,
      lastModifiedDateTime: now,
    } as StoredContact;
    this.contacts.set(contact.id, contact);
    this.record(contact.id, folderId);
    return structuredClone(contact);
  }

  updateContact(id: string, patch: GraphContactWrite): StoredContact | undefined {
    const stored = this.contacts.get(id);
    if (!stored) return undefined;
    const next: StoredContact = {
      ...stored,
      ...pickWritable(patch),
      changeKey: randomUUID(),
      lastModifiedDateTime: new Date().toISOString(),
    };
    if (patch.singleValueExtendedProperties) {
      const merged = new Map(
        (stored.singleValueExtendedProperties ?? []).map((property) => [property.id, property]),
      );
      for (const property of patch.singleValueExtendedProperties) merged.set(property.id, property);
      next.singleValueExtendedProperties = [...merged.values()];
    }
    this.contacts.set(id, next);
    this.record(id, next.parentFolderId);
    return structuredClone(next);
  }

  deleteContact(id: string): boolean {
    const stored = this.contacts.get(id);
    if (!stored) return false;
    this.contacts.delete(id);
    this.record(id, stored.parentFolderId);
    return true;
  }

  /** The round's entries in a stable order: current contacts, or the latest change per id. */
  deltaEntries(folderId: string, cursor: PageCursor): unknown[] {
    if (cursor.since === null) {
      const ids = new Set<string>();
      for (const change of this.changes)
        if (change.seq <= cursor.upto && change.folderId === folderId) ids.add(change.id);
      return [...ids]
        .sort()
        .map((id) => this.contacts.get(id))
        .filter((contact): contact is StoredContact => contact?.parentFolderId === folderId)
        .map(withoutExtendedProperties);
    }
    const latest = new Map<string, ChangeEntry>();
    for (const change of this.changes)
      if (change.seq > cursor.since && change.seq <= cursor.upto && change.folderId === folderId)
        latest.set(change.id, change);
    return [...latest.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((change) => {
        const contact = this.contacts.get(change.id);
        return contact && contact.parentFolderId === folderId
          ? withoutExtendedProperties(contact)
          : { id: change.id, '@removed': { reason: 'deleted' } };
      });
  }
}

export class FakeGraph {
  /** Requests served, as `METHOD /path` without the query (tests assert paging and calls). */
  readonly requests: string[] = [];
  /** The next N requests answer 429 with `Retry-After: 0`. */
  throttleNext = 0;
  /** Page size when the client sends no `Prefer: odata.maxpagesize`. */
  defaultPageSize = 10;
  private readonly mailboxes = new Map<string, FakeMailbox>();
  /** While set, requests wait for it (after being counted in `requests`): tests overlap runs. */
  private gate: Promise<void> | undefined;
  /** Which mailbox each accepted token opens (the user the token was issued for). */
  private readonly tokenOwners = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  /** The Graph base URL to configure (`…/v1.0`). */
  get baseUrl(): string {
    return `${this.origin}/v1.0`;
  }

  static async start(): Promise<FakeGraph> {
    const started: { fake?: FakeGraph } = {};
    const server = createServer((req, res) => {
      const fake = started.fake;
      if (!fake) return void res.writeHead(503).end();
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(error) } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeGraph(server, `http://127.0.0.1:${port}`);
    started.fake = fake;
    return fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Accept a bearer token for `owner`'s mailbox (the fake Entra calls this when it issues one). */
  acceptToken(token: string, owner: string): void {
    this.tokenOwners.set(token, owner);
  }

  /** Requests from now on wait until the returned function is called. */
  hold(): () => void {
    let release: () => void = () => undefined;
    this.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = undefined;
      release();
    };
  }

  mailbox(owner: string): FakeMailbox {
    let mailbox = this.mailboxes.get(owner);
    if (!mailbox) {
      mailbox = new FakeMailbox();
      this.mailboxes.set(owner, mailbox);
    }
    return mailbox;
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    if (this.gate) await this.gate;
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const owner = this.tokenOwners.get(token);
    if (!owner) {
      return sendError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    }
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      res.setHeader('Retry-After', '0');
      return sendError(
        res,
        429,
        'ApplicationThrottled',
        'Application is over its MailboxConcurrency limit.',
      );
    }
    const path = url.pathname.replace(/^\/v1\.0/, '');
    const body = method === 'POST' || method === 'PATCH' ? await readJson(req) : undefined;
    let match: RegExpExecArray | null;
    const box = this.mailbox(owner);

    if (path === '/me/contactFolders' && method === 'GET') {
      const filter = /^displayName eq '(.*)'$/.exec(url.searchParams.get('$filter') ?? '');
      const folders = [...box.folders.values()].filter(
        (folder) => !filter || folder.displayName === filter[1]?.replaceAll("''", "'"),
      );
      return sendJson(res, 200, { value: folders });
    }
    if (path === '/me/contactFolders' && method === 'POST') {
      const displayName = (body as { displayName?: unknown } | undefined)?.displayName;
      if (typeof displayName !== 'string' || !displayName) {
        return sendError(res, 400, 'ErrorInvalidRequest', 'displayName is required.');
      }
      if (box.folderByName(displayName)) {
        return sendError(
          res,
          409,
          'ErrorFolderExists',
          'A folder with the specified name already exists.',
        );
      }
      return sendJson(res, 201, box.createFolder(displayName));
    }
    if ((match = /^\/me\/contactFolders\/([^/]+)$/.exec(path)) && method === 'GET') {
      const folder = box.folders.get(decodeURIComponent(match[1]!));
      if (!folder)
        return sendError(
          res,
          404,
          'ErrorItemNotFound',
          'The specified object was not found in the store.',
        );
      return sendJson(res, 200, folder);
    }
    if (
      (match = /^\/me\/contactFolders\/([^/]+)\/contacts\/delta$/.exec(path)) &&
      method === 'GET'
    ) {
      return this.delta(box, match[1]!, url, req, res);
    }
    if ((match = /^\/me\/contactFolders\/([^/]+)\/contacts$/.exec(path))) {
      const folderId = decodeURIComponent(match[1]!);
      if (!box.folders.has(folderId))
        return sendError(
          res,
          404,
          'ErrorItemNotFound',
          'The specified object was not found in the store.',
        );
      if (method === 'POST') {
        const invalid = invalidContact(body as GraphContactWrite);
        if (invalid) return sendError(res, 400, 'ErrorInvalidArgument', invalid);
        return sendJson(res, 201, box.createContact(folderId, body as GraphContactWrite));
      }
      if (method === 'GET') {
        const top = Number(url.searchParams.get('$top') ?? this.defaultPageSize);
        const skip = Number(url.searchParams.get('$skip') ?? 0);
        const all = box.contactsIn(folderId).sort((a, b) => a.id.localeCompare(b.id));
        const page: Record<string, unknown> = { value: all.slice(skip, skip + top) };
        if (skip + top < all.length) {
          page['@odata.nextLink'] =
            `${this.baseUrl}/me/contactFolders/${folderId}/contacts?$top=${top}&$skip=${skip + top}`;
        }
        return sendJson(res, 200, page);
      }
    }
    if ((match = /^\/me\/contacts\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(match[1]!);
      if (!box.contact(id))
        return sendError(
          res,
          404,
          'ErrorItemNotFound',
          'The specified object was not found in the store.',
        );
      if (method === 'GET') return sendJson(res, 200, box.contact(id));
      if (method === 'PATCH') {
        const invalid = invalidContact(body as GraphContactWrite);
        if (invalid) return sendError(res, 400, 'ErrorInvalidArgument', invalid);
        return sendJson(res, 200, box.updateContact(id, body as GraphContactWrite));
      }
      if (method === 'DELETE') {
        box.deleteContact(id);
        return void res.writeHead(204).end();
      }
    }
    return sendError(res, 400, 'BadRequest', `Unsupported request ${method} ${path}`);
  }

  private delta(
    box: FakeMailbox,
    rawFolderId: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const folderId = decodeURIComponent(rawFolderId);
    if (!box.folders.has(folderId))
      return sendError(
        res,
        404,
        'ErrorItemNotFound',
        'The specified object was not found in the store.',
      );
    const deltaToken = url.searchParams.get('$deltatoken');
    const skipToken = url.searchParams.get('$skiptoken');
    let cursor: PageCursor;
    if (skipToken) {
      cursor = JSON.parse(Buffer.from(skipToken, 'base64url').toString('utf8')) as PageCursor;
    } else if (deltaToken) {
      const [generation, since] = Buffer.from(deltaToken, 'base64url')
        .toString('utf8')
        .split(':')
        .map(Number);
      if (!Number.isInteger(since) || generation !== box.deltaGeneration) {
        res.setHeader('Location', `${this.baseUrl}/me/contactFolders/${folderId}/contacts/delta`);
        return sendError(res, 410, 'SyncStateNotFound', 'The sync state generation is not found.');
      }
      cursor = { since: since!, upto: box.currentSeq, offset: 0 };
    } else {
      cursor = { since: null, upto: box.currentSeq, offset: 0 };
    }
    const prefer = /odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ''));
    const pageSize = prefer ? Number(prefer[1]) : this.defaultPageSize;
    const entries = box.deltaEntries(folderId, cursor);
    const page: Record<string, unknown> = {
      value: entries.slice(cursor.offset, cursor.offset + pageSize),
    };
    const link = `${this.baseUrl}/me/contactFolders/${folderId}/contacts/delta`;
    if (cursor.offset + pageSize < entries.length) {
      const next = { ...cursor, offset: cursor.offset + pageSize };
      page['@odata.nextLink'] =
        `${link}?$skiptoken=${Buffer.from(JSON.stringify(next)).toString('base64url')}`;
    } else {
      page['@odata.deltaLink'] =
        `${link}?$deltatoken=${Buffer.from(`${box.deltaGeneration}:${cursor.upto}`).toString('base64url')}`;
    }
    sendJson(res, 200, page);
  }
}

/** Delta does not expand extended properties (outlook.md §6): the sync must not rely on them. */
function withoutExtendedProperties(contact: StoredContact): GraphContact {
  const { singleValueExtendedProperties: _dropped, ...rest } = contact;
  return structuredClone(rest);
}

function pickWritable(body: GraphContactWrite): GraphContactWrite {
  const picked: Record<string, unknown> = {};
  for (const field of writableFields) if (body[field] !== undefined) picked[field] = body[field];
  return picked as GraphContactWrite;
}

function invalidContact(body: GraphContactWrite | undefined): string | undefined {
  if (!body || typeof body !== 'object') return 'The request body must be a contact.';
  if ((body.emailAddresses?.length ?? 0) > graphMaxEmailAddresses) {
    return `The multi value property EmailAddresses has ${body.emailAddresses!.length} entries, that exceeds the max allowed value of ${graphMaxEmailAddresses}.`;
  }
  if ((body.businessPhones?.length ?? 0) > graphMaxBusinessPhones) {
    return `The multi value property BusinessPhones has ${body.businessPhones!.length} entries, that exceeds the max allowed value of ${graphMaxBusinessPhones}.`;
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

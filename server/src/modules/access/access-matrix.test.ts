/**
 * THE access matrix: for each access level and each route/action, the expected status — one table.
 * Another salesperson's leads (and quotations) must be invisible to `own` users through every
 * route, filter, sort, kanban and summary: 404 for the record, never counted, never named.
 * Configuration is for managers; users, tokens of others and the audit log are for admins.
 * The last test fails when a registered route is neither in the table nor listed (with a reason)
 * in `coveredElsewhere`.
 */
import { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { storeAttachment } from '../attachments/attachment.service';
import { followRecord } from '../followers/follower.service';

useTestDatabase();

const levels = ['own', 'all', 'manager', 'admin'] as const;
type Level = (typeof levels)[number];

/** Text only the colleague's leads carry: an `own` user must never receive it. */
const colleagueMarker = 'colleague-secret';

interface Fixtures {
  users: Record<Level, TestUser>;
  /** An `own` salesperson whose records the others try to reach. */
  colleague: TestUser;
  teamId: string;
  /** A team led by nobody in `users` (the manager does not lead it). */
  otherTeamId: string;
  /** Only two opportunities: the colleague's (7777) and the own user's (1111). */
  isolationTeamId: string;
  stageId: string;
  secondStageId: string;
  colleagueLeadId: string;
  unassignedLeadId: string;
  colleagueLeadAttachmentId: string;
  partnerId: string;
  colleagueQuotationId: string;
}

interface MatrixRequest {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  url: string;
  body?: unknown;
  attach?: { field: string; content: Buffer; fileName: string };
}

interface MatrixRow {
  /** `METHOD /path` exactly as registered in the ApiRouter. */
  route: string;
  action: string;
  /** Builds the request; may create per-level fixtures (each level gets its own target). */
  request: (fixtures: Fixtures, level: Level) => Promise<MatrixRequest> | MatrixRequest;
  expected: Record<Level, number>;
  /** Extra assertions on a successful answer (counts, sums). */
  check?: (body: unknown, level: Level, fixtures: Fixtures) => void;
}

const everyone = (status: number): Record<Level, number> => ({
  own: status,
  all: status,
  manager: status,
  admin: status,
});
const adminsOnly = (status: number): Record<Level, number> => ({
  own: 403,
  all: 403,
  manager: 403,
  admin: status,
});
const managersOnly = (status: number): Record<Level, number> => ({
  own: 403,
  all: 403,
  manager: status,
  admin: status,
});
/** Another salesperson's record: invisible to `own` (404), reachable for the rest. */
const hiddenFromOwn = (status: number): Record<Level, number> => ({
  own: 404,
  all: status,
  manager: status,
  admin: status,
});

const suffix = () => new Types.ObjectId().toString().slice(-6);
const uniqueName = (prefix: string, level: Level) => `${prefix} ${level} ${suffix()}`;

let context: ReturnType<typeof createTestContext>;

async function asAdmin(
  f: Fixtures,
  method: 'post' | 'patch',
  path: string,
  body: object,
): Promise<{ id: string } & Record<string, unknown>> {
  const response = await context.request[method](`/api/v1${path}`)
    .set(f.users.admin.auth)
    .send(body);
  if (response.status >= 300)
    throw new Error(
      `fixture ${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  return response.body as { id: string };
}

async function createTokenFor(user: TestUser): Promise<string> {
  const response = await context.request
    .post('/api/v1/me/tokens')
    .set(user.auth)
    .send({ name: 'matrix' })
    .expect(201);
  return response.body.id as string;
}

/** A fresh opportunity of the colleague (each level acts on its own copy). */
async function colleagueLead(f: Fixtures, extra: Record<string, unknown> = {}): Promise<string> {
  const lead = await asAdmin(f, 'post', '/leads', {
    type: 'opportunity',
    name: `Deal ${colleagueMarker} ${suffix()}`,
    userId: f.colleague.userId,
    teamId: f.teamId,
    stageId: f.stageId,
    expectedRevenue: 7777,
    emailFrom: 'buyer@colleague-customer.test',
    ...extra,
  });
  return lead.id;
}

async function ownLead(
  f: Fixtures,
  level: Level,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const lead = await asAdmin(f, 'post', '/leads', {
    type: 'opportunity',
    name: `Own deal ${suffix()}`,
    userId: f.users[level].userId,
    teamId: f.teamId,
    stageId: f.stageId,
    emailFrom: 'someone@colleague-customer.test',
    ...extra,
  });
  return lead.id;
}

async function attachToLead(leadId: string): Promise<string> {
  const stored = await storeAttachment({
    resModel: 'lead',
    resId: leadId,
    fileName: 'x.txt',
    contentType: 'text/plain',
    content: Buffer.from('x'),
  });
  return stored.id;
}

async function newPartner(f: Fixtures, name = `Contact ${suffix()}`): Promise<string> {
  return (await asAdmin(f, 'post', '/partners', { name })).id;
}

/**
 * An open address-book sync conflict raised by `raiser`'s address book on a fresh contact whose
 * salesperson is `salespersonId` (the CRM changed the job title, the book changed it too).
 */
async function syncConflict(f: Fixtures, raiser: TestUser, salespersonId: string): Promise<string> {
  const pushAs = async (change: Record<string, unknown>) => {
    const response = await context.request
      .post('/api/v1/sync/contacts')
      .set(raiser.auth)
      .send({ clientId: 'matrix-book', host: 'thunderbird', changes: [change] });
    if (response.status !== 200)
      throw new Error(`fixture push answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.results[0] as {
      id: string;
      version: number;
      conflicts?: Array<{ id: string }>;
    };
  };
  const created = await pushAs({
    changeId: new Types.ObjectId().toString(),
    op: 'create',
    fields: { name: { value: `Synced ${suffix()}` }, jobPosition: { value: 'Buyer' } },
  });
  await asAdmin(f, 'patch', `/partners/${created.id}`, {
    userId: salespersonId,
    jobPosition: 'Head buyer',
  });
  const updated = await pushAs({
    changeId: new Types.ObjectId().toString(),
    op: 'update',
    id: created.id,
    baseVersion: created.version,
    fields: { jobPosition: { value: 'Purchaser', base: 'Buyer' } },
  });
  const conflictId = updated.conflicts?.[0]?.id;
  if (!conflictId) throw new Error('fixture push raised no conflict');
  return conflictId;
}

/** A fresh partner following the record, so each level removes its own follower. */
async function followingPartner(
  f: Fixtures,
  resModel: 'lead' | 'partner' | 'quotation',
  resId: string,
): Promise<string> {
  const partnerId = await newPartner(f);
  await followRecord({
    resModel,
    resId: new Types.ObjectId(resId),
    partnerId: new Types.ObjectId(partnerId),
  });
  return partnerId;
}

/** A configuration record created by the admin, for each level to act on. */
async function createAs(
  f: Fixtures,
  path: string,
  name: string,
  extra: object = {},
): Promise<string> {
  return (await asAdmin(f, 'post', path, { name: `${name} ${suffix()}`, ...extra })).id;
}

async function activityOnColleagueLead(f: Fixtures): Promise<string> {
  return (
    await asAdmin(f, 'post', '/activities', {
      resModel: 'lead',
      resId: await colleagueLead(f),
      userId: f.colleague.userId,
      summary: 'Call back',
    })
  ).id;
}

async function colleagueQuotation(f: Fixtures): Promise<string> {
  const quotation = await asAdmin(f, 'post', `/leads/${await colleagueLead(f)}/quotations`, {
    partnerId: f.partnerId,
    note: `Offer ${colleagueMarker}`,
  });
  return quotation.id;
}

function mailFrom(address: string): Record<string, unknown> {
  return {
    messageId: `<${suffix()}.${Date.now()}@mail.test>`,
    subject: 'Offer',
    from: { address },
    bodyText: 'Hello',
    host: 'other',
  };
}

interface ListBody {
  items: Array<{ userId?: string | null }>;
  total: number;
}
interface PipelineBody {
  columns: Array<{ count: number; expectedRevenue: number; cards: unknown[] }>;
}
interface SummaryBody {
  stages: Array<{ count: number; expectedRevenue: number }>;
}

/** A list as `own` sees it: nothing of the colleague's, and `total` counts only what is listed. */
function ownSeesNoColleagueLead(body: unknown, level: Level, f: Fixtures): void {
  const list = body as ListBody;
  if (level !== 'own') return;
  expect(list.items.every((item) => item.userId !== f.colleague.userId)).toBe(true);
  // Fewer than one page here: the count must be exactly what is listed (no hidden records counted).
  expect(list.total).toBe(list.items.length);
}

const isolationCounts = { own: { count: 1, revenue: 1111 }, others: { count: 2, revenue: 8888 } };

const rows: MatrixRow[] = [
  // --- identity: the caller, own tokens
  {
    route: 'GET /me',
    action: 'read my profile',
    request: () => ({ method: 'get', url: '/me' }),
    expected: everyone(200),
  },
  {
    route: 'POST /auth/logout',
    action: 'sign out (no session: no-op)',
    request: () => ({ method: 'post', url: '/auth/logout' }),
    expected: everyone(204),
  },
  {
    route: 'GET /me/tokens',
    action: 'list my tokens',
    request: () => ({ method: 'get', url: '/me/tokens' }),
    expected: everyone(200),
  },
  {
    route: 'POST /me/tokens',
    action: 'create a token',
    request: () => ({ method: 'post', url: '/me/tokens', body: { name: 'cli' } }),
    expected: everyone(201),
  },
  {
    route: 'DELETE /me/tokens/:id',
    action: 'revoke my token',
    request: async (f, level) => ({
      method: 'delete',
      url: `/me/tokens/${await createTokenFor(f.users[level])}`,
    }),
    expected: everyone(204),
  },
  {
    route: 'DELETE /me/tokens/:id',
    action: "revoke a colleague's token through /me",
    request: async (f) => ({
      method: 'delete',
      url: `/me/tokens/${await createTokenFor(f.colleague)}`,
    }),
    expected: everyone(404),
  },
  // --- administration
  {
    route: 'GET /users',
    action: 'list users',
    request: () => ({ method: 'get', url: '/users' }),
    expected: adminsOnly(200),
  },
  {
    route: 'GET /users/directory',
    action: 'read the names of all users (no logins, e-mails or levels)',
    request: () => ({ method: 'get', url: '/users/directory' }),
    expected: everyone(200),
    check: (body, _level, f) => {
      const items = (body as { items: Array<Record<string, unknown>> }).items;
      const colleague = items.find((item) => item.id === f.colleague.userId);
      expect(colleague).toEqual({ id: f.colleague.userId, name: expect.any(String), active: true });
      expect(items.every((item) => Object.keys(item).sort().join() === 'active,id,name')).toBe(
        true,
      );
    },
  },
  {
    route: 'POST /users',
    action: 'add a user',
    request: (_f, level) => ({
      method: 'post',
      url: '/users',
      body: { login: uniqueName('new', level).replace(/ /g, '-'), name: 'New' },
    }),
    expected: adminsOnly(201),
  },
  {
    route: 'GET /users/:id',
    action: 'read a user',
    request: (f) => ({ method: 'get', url: `/users/${f.colleague.userId}` }),
    expected: adminsOnly(200),
  },
  {
    route: 'PATCH /users/:id',
    action: "change a user's access level",
    request: (f) => ({
      method: 'patch',
      url: `/users/${f.colleague.userId}`,
      body: { accessLevel: 'own' },
    }),
    expected: adminsOnly(200),
  },
  {
    route: 'PATCH /users/:id',
    action: 'raise my own access level',
    request: (f, level) => ({
      method: 'patch',
      url: `/users/${f.users[level].userId}`,
      body: { accessLevel: 'manager' },
    }),
    expected: adminsOnly(200),
  },
  {
    route: 'GET /users/:userId/tokens',
    action: "list a colleague's tokens",
    request: (f) => ({ method: 'get', url: `/users/${f.colleague.userId}/tokens` }),
    expected: adminsOnly(200),
  },
  {
    route: 'POST /users/:userId/tokens',
    action: 'create a token for a colleague',
    request: (f) => ({
      method: 'post',
      url: `/users/${f.colleague.userId}/tokens`,
      body: { name: 'service' },
    }),
    expected: adminsOnly(201),
  },
  {
    route: 'DELETE /users/:userId/tokens/:id',
    action: "revoke a colleague's token",
    request: async (f) => ({
      method: 'delete',
      url: `/users/${f.colleague.userId}/tokens/${await createTokenFor(f.colleague)}`,
    }),
    expected: adminsOnly(204),
  },
  {
    route: 'GET /audit-events',
    action: 'read the audit log',
    request: () => ({ method: 'get', url: '/audit-events' }),
    expected: adminsOnly(200),
  },
  // --- configuration: readable by all, changed by managers
  {
    route: 'GET /activity-types',
    action: 'list activity types',
    request: () => ({ method: 'get', url: '/activity-types' }),
    expected: everyone(200),
  },
  {
    route: 'POST /activity-types',
    action: 'create an activity type',
    request: (_f, level) => ({
      method: 'post',
      url: '/activity-types',
      body: { name: uniqueName('Call', level) },
    }),
    expected: managersOnly(201),
  },
  {
    route: 'GET /products',
    action: 'list products',
    request: () => ({ method: 'get', url: '/products' }),
    expected: everyone(200),
  },
  {
    route: 'POST /products',
    action: 'create a product',
    request: (_f, level) => ({
      method: 'post',
      url: '/products',
      body: { name: uniqueName('Widget', level) },
    }),
    expected: managersOnly(201),
  },
  // --- another salesperson's lead, through everything hanging off it
  {
    route: 'GET /leads/:id/messages',
    action: "read a colleague's lead chatter",
    request: (f) => ({ method: 'get', url: `/leads/${f.colleagueLeadId}/messages` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /leads/:id/messages',
    action: 'read an unassigned lead chatter',
    request: (f) => ({ method: 'get', url: `/leads/${f.unassignedLeadId}/messages` }),
    expected: everyone(200),
  },
  {
    route: 'POST /leads/:id/messages',
    action: "log a note on a colleague's lead",
    request: (f) => ({
      method: 'post',
      url: `/leads/${f.colleagueLeadId}/messages`,
      body: { kind: 'note', bodyHtml: '<p>hi</p>' },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'GET /leads/:id/followers',
    action: "list a colleague's lead followers",
    request: (f) => ({ method: 'get', url: `/leads/${f.colleagueLeadId}/followers` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /leads/:id/attachments',
    action: "list a colleague's lead attachments",
    request: (f) => ({ method: 'get', url: `/leads/${f.colleagueLeadId}/attachments` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /leads/:id/attachments',
    action: "attach a file to a colleague's lead",
    request: (f) => ({
      method: 'post',
      url: `/leads/${f.colleagueLeadId}/attachments`,
      attach: { field: 'file', content: Buffer.from('hello'), fileName: 'a.txt' },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'GET /attachments/:id',
    action: "read a colleague's lead attachment",
    request: (f) => ({ method: 'get', url: `/attachments/${f.colleagueLeadAttachmentId}` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /attachments/:id/content',
    action: "download a colleague's lead attachment",
    request: (f) => ({ method: 'get', url: `/attachments/${f.colleagueLeadAttachmentId}/content` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'DELETE /attachments/:id',
    action: "delete a colleague's lead attachment",
    request: async (f) => ({
      method: 'delete',
      url: `/attachments/${await attachToLead(f.colleagueLeadId)}`,
    }),
    expected: hiddenFromOwn(204),
  },
  {
    route: 'POST /leads/:id/followers',
    action: "subscribe a partner to a colleague's lead",
    request: async (f) => ({
      method: 'post',
      url: `/leads/${f.colleagueLeadId}/followers`,
      body: { partnerId: await newPartner(f, 'New follower') },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'DELETE /leads/:id/followers/:partnerId',
    action: "remove a follower of a colleague's lead",
    request: async (f) => ({
      method: 'delete',
      url: `/leads/${f.colleagueLeadId}/followers/${await followingPartner(f, 'lead', f.colleagueLeadId)}`,
    }),
    expected: hiddenFromOwn(204),
  },
  // --- quotations follow their salesperson like leads
  {
    route: 'GET /quotations/:id/messages',
    action: "read a colleague's quotation chatter",
    request: (f) => ({ method: 'get', url: `/quotations/${f.colleagueQuotationId}/messages` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /quotations/:id/messages',
    action: "log a note on a colleague's quotation",
    request: (f) => ({
      method: 'post',
      url: `/quotations/${f.colleagueQuotationId}/messages`,
      body: { kind: 'note', bodyHtml: '<p>hi</p>' },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'GET /quotations/:id/followers',
    action: "list a colleague's quotation followers",
    request: (f) => ({ method: 'get', url: `/quotations/${f.colleagueQuotationId}/followers` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /quotations/:id/followers',
    action: "subscribe a partner to a colleague's quotation",
    request: async (f) => ({
      method: 'post',
      url: `/quotations/${f.colleagueQuotationId}/followers`,
      body: { partnerId: await newPartner(f, 'New follower') },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'DELETE /quotations/:id/followers/:partnerId',
    action: "remove a follower of a colleague's quotation",
    request: async (f) => ({
      method: 'delete',
      url: `/quotations/${f.colleagueQuotationId}/followers/${await followingPartner(f, 'quotation', f.colleagueQuotationId)}`,
    }),
    expected: hiddenFromOwn(204),
  },
  {
    route: 'GET /quotations/:id/attachments',
    action: "list a colleague's quotation attachments",
    request: (f) => ({ method: 'get', url: `/quotations/${f.colleagueQuotationId}/attachments` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /quotations/:id/attachments',
    action: "attach a file to a colleague's quotation",
    request: (f) => ({
      method: 'post',
      url: `/quotations/${f.colleagueQuotationId}/attachments`,
      attach: { field: 'file', content: Buffer.from('q'), fileName: 'q.txt' },
    }),
    expected: hiddenFromOwn(201),
  },
  // --- partners: readable and writable by every salesperson (Odoo's ACL)
  {
    route: 'GET /partners/:id/messages',
    action: 'read a partner chatter',
    request: (f) => ({ method: 'get', url: `/partners/${f.partnerId}/messages` }),
    expected: everyone(200),
  },
  {
    route: 'POST /partners/:id/messages',
    action: 'log a note on a partner',
    request: (f) => ({
      method: 'post',
      url: `/partners/${f.partnerId}/messages`,
      body: { kind: 'note', bodyHtml: '<p>hi</p>' },
    }),
    expected: everyone(201),
  },
  {
    route: 'GET /partners/:id/followers',
    action: 'list partner followers',
    request: (f) => ({ method: 'get', url: `/partners/${f.partnerId}/followers` }),
    expected: everyone(200),
  },
  {
    route: 'POST /partners/:id/followers',
    action: 'subscribe a partner to a partner',
    request: async (f) => ({
      method: 'post',
      url: `/partners/${f.partnerId}/followers`,
      body: { partnerId: await newPartner(f, 'New follower') },
    }),
    expected: everyone(201),
  },
  {
    route: 'DELETE /partners/:id/followers/:partnerId',
    action: 'remove a partner follower',
    request: async (f) => ({
      method: 'delete',
      url: `/partners/${f.partnerId}/followers/${await followingPartner(f, 'partner', f.partnerId)}`,
    }),
    expected: everyone(204),
  },
  {
    route: 'GET /partners/:id/attachments',
    action: 'list partner attachments',
    request: (f) => ({ method: 'get', url: `/partners/${f.partnerId}/attachments` }),
    expected: everyone(200),
  },
  {
    route: 'POST /partners/:id/attachments',
    action: 'attach a file to a partner',
    request: (f) => ({
      method: 'post',
      url: `/partners/${f.partnerId}/attachments`,
      attach: { field: 'file', content: Buffer.from('p'), fileName: 'p.txt' },
    }),
    expected: everyone(201),
  },
  // --- configuration records
  {
    route: 'GET /activity-types/:id',
    action: 'read an activity type',
    request: async (f) => ({
      method: 'get',
      url: `/activity-types/${await createAs(f, '/activity-types', 'Meeting')}`,
    }),
    expected: everyone(200),
  },
  {
    route: 'PATCH /activity-types/:id',
    action: 'rename an activity type',
    request: async (f, level) => ({
      method: 'patch',
      url: `/activity-types/${await createAs(f, '/activity-types', 'Mail')}`,
      body: { name: uniqueName('Renamed', level) },
    }),
    expected: managersOnly(200),
  },
  {
    route: 'DELETE /activity-types/:id',
    action: 'delete an activity type',
    request: async (f) => ({
      method: 'delete',
      url: `/activity-types/${await createAs(f, '/activity-types', 'Temp')}`,
    }),
    expected: managersOnly(204),
  },
  {
    route: 'GET /products/:id',
    action: 'read a product',
    request: async (f) => ({
      method: 'get',
      url: `/products/${await createAs(f, '/products', 'Gadget')}`,
    }),
    expected: everyone(200),
  },
  {
    route: 'PATCH /products/:id',
    action: 'change a product',
    request: async (f, level) => ({
      method: 'patch',
      url: `/products/${await createAs(f, '/products', 'Tool')}`,
      body: { name: uniqueName('Renamed', level) },
    }),
    expected: managersOnly(200),
  },
  {
    route: 'DELETE /products/:id',
    action: 'archive a product',
    request: async (f) => ({
      method: 'delete',
      url: `/products/${await createAs(f, '/products', 'Old')}`,
    }),
    expected: managersOnly(204),
  },
  // --- contact sync: per user, over partners (readable by every level)
  {
    route: 'GET /sync/contacts',
    action: 'pull contact changes',
    request: () => ({ method: 'get', url: '/sync/contacts' }),
    expected: everyone(200),
  },
  {
    route: 'GET /sync/contacts/settings',
    action: 'read my sync settings',
    request: () => ({ method: 'get', url: '/sync/contacts/settings' }),
    expected: everyone(200),
  },
  // --- sync conflicts: seen by every level (partners are); deciding over a colleague's address
  // book on a colleague's contact needs `all` or more
  {
    route: 'GET /sync/conflicts',
    action: 'list open sync conflicts',
    request: async (f) => {
      await syncConflict(f, f.colleague, f.colleague.userId);
      return { method: 'get', url: '/sync/conflicts?limit=200' };
    },
    expected: everyone(200),
    check: (body, level) => {
      const items = (body as { items: Array<{ canResolve: boolean }> }).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.some((item) => item.canResolve === (level !== 'own'))).toBe(true);
    },
  },
  {
    route: 'POST /sync/conflicts/:id/resolve',
    action: "resolve a conflict of the colleague's address book on the colleague's contact",
    request: async (f) => ({
      method: 'post',
      url: `/sync/conflicts/${await syncConflict(f, f.colleague, f.colleague.userId)}/resolve`,
      body: { resolution: 'use-device' },
    }),
    expected: { own: 403, all: 200, manager: 200, admin: 200 },
  },
  {
    route: 'POST /sync/conflicts/:id/resolve',
    action: "resolve a conflict of my own address book on the colleague's contact",
    request: async (f, level) => ({
      method: 'post',
      url: `/sync/conflicts/${await syncConflict(f, f.users[level], f.colleague.userId)}/resolve`,
      body: { resolution: 'keep-crm' },
    }),
    expected: everyone(200),
  },
  // --- Outlook contact sync through Graph: per user, open to every level (no Entra here → 503)
  {
    route: 'GET /outlook-sync/status',
    action: 'read my Outlook sync status',
    request: () => ({ method: 'get', url: '/outlook-sync/status' }),
    expected: everyone(200),
  },
  {
    route: 'POST /outlook-sync/run',
    action: 'run my Outlook sync (Entra not configured)',
    request: () => ({ method: 'post', url: '/outlook-sync/run' }),
    expected: everyone(503),
  },
  // --- leads: lists with every filter and sort never show or count the colleague's leads to `own`
  ...[
    ['', 'list leads'],
    ['?userId=COLLEAGUE', "filter by the colleague's id"],
    ['?search=Deal', 'search by name prefix'],
    ['?email=buyer@colleague-customer.test', "filter by the colleague's customer e-mail"],
    ['?sort=-expectedRevenue&includeArchived=1', 'sort by revenue, archived included'],
    ['?teamId=TEAM&type=opportunity', 'filter by team'],
    ['?userId=none', 'unassigned only'],
  ].map(([query, action]): MatrixRow => ({
    route: 'GET /leads',
    action: action ?? '',
    request: (f) => ({
      method: 'get',
      url: `/leads${(query ?? '').replace('COLLEAGUE', f.colleague.userId).replace('TEAM', f.teamId)}`,
    }),
    expected: everyone(200),
    check: ownSeesNoColleagueLead,
  })),
  {
    route: 'GET /leads',
    action: "others see the colleague's lead",
    request: (f) => ({ method: 'get', url: `/leads?userId=${f.colleague.userId}` }),
    expected: everyone(200),
    check: (body, level) => expect((body as ListBody).total > 0).toBe(level !== 'own'),
  },
  {
    route: 'GET /leads/:id',
    action: "read a colleague's lead",
    request: (f) => ({ method: 'get', url: `/leads/${f.colleagueLeadId}` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /leads/:id',
    action: 'read an unassigned lead',
    request: (f) => ({ method: 'get', url: `/leads/${f.unassignedLeadId}` }),
    expected: everyone(200),
  },
  {
    route: 'POST /leads',
    action: 'create a lead for myself',
    request: (f) => ({
      method: 'post',
      url: '/leads',
      body: { type: 'opportunity', name: `Mine ${suffix()}`, teamId: f.teamId, stageId: f.stageId },
    }),
    expected: everyone(201),
  },
  {
    route: 'PATCH /leads/:id',
    action: "change a colleague's lead",
    request: async (f) => ({
      method: 'patch',
      url: `/leads/${await colleagueLead(f)}`,
      body: { priority: '2' },
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'PATCH /leads/:id',
    action: 'change my own lead',
    request: async (f, level) => ({
      method: 'patch',
      url: `/leads/${await ownLead(f, level)}`,
      body: { priority: '1' },
    }),
    expected: everyone(200),
  },
  {
    route: 'POST /leads/:id/stage',
    action: "move a colleague's lead",
    request: async (f) => ({
      method: 'post',
      url: `/leads/${await colleagueLead(f)}/stage`,
      body: { stageId: f.secondStageId },
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /leads/:id/won',
    action: "mark a colleague's lead won",
    request: async (f) => ({ method: 'post', url: `/leads/${await colleagueLead(f)}/won` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /leads/:id/lost',
    action: "mark a colleague's lead lost",
    request: async (f) => ({
      method: 'post',
      url: `/leads/${await colleagueLead(f)}/lost`,
      body: {},
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /leads/:id/restore',
    action: "restore a colleague's lost lead",
    request: async (f) => {
      const id = await colleagueLead(f);
      await asAdmin(f, 'post', `/leads/${id}/lost`, {});
      return { method: 'post', url: `/leads/${id}/restore` };
    },
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /leads/:id/convert',
    action: "convert a colleague's lead",
    request: async (f) => ({
      method: 'post',
      url: `/leads/${await colleagueLead(f, { type: 'lead' })}/convert`,
      body: { customer: 'nothing' },
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /leads/:id/merge',
    action: "merge a colleague's lead into mine",
    request: async (f, level) => ({
      method: 'post',
      url: `/leads/${await ownLead(f, level)}/merge`,
      body: { ids: [await colleagueLead(f)] },
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /leads/:id/duplicates',
    action: "duplicates of a colleague's lead",
    request: (f) => ({ method: 'get', url: `/leads/${f.colleagueLeadId}/duplicates` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /leads/:id/duplicates',
    action: "duplicates of my lead (same domain as the colleague's)",
    request: async (f, level) => {
      const domain = `dup-${suffix()}.test`;
      await colleagueLead(f, { emailFrom: `buyer@${domain}` });
      return {
        method: 'get',
        url: `/leads/${await ownLead(f, level, { emailFrom: `me@${domain}` })}/duplicates`,
      };
    },
    expected: everyone(200),
    check: (body, level) =>
      expect(JSON.stringify(body).includes(colleagueMarker)).toBe(level !== 'own'),
  },
  // --- kanban and summary count only what the caller may see
  {
    route: 'GET /teams/:id/pipeline',
    action: 'kanban of a team with one lead of mine and one of the colleague',
    request: (f) => ({ method: 'get', url: `/teams/${f.isolationTeamId}/pipeline` }),
    expected: everyone(200),
    check: (body, level) => {
      const columns = (body as PipelineBody).columns;
      const expected = level === 'own' ? isolationCounts.own : isolationCounts.others;
      expect({
        count: columns.reduce((sum, column) => sum + column.count, 0),
        cards: columns.reduce((sum, column) => sum + column.cards.length, 0),
        revenue: columns.reduce((sum, column) => sum + column.expectedRevenue, 0),
      }).toEqual({ count: expected.count, cards: expected.count, revenue: expected.revenue });
    },
  },
  {
    route: 'GET /teams/:id/pipeline-summary',
    action: 'summary of that team',
    request: (f) => ({ method: 'get', url: `/teams/${f.isolationTeamId}/pipeline-summary` }),
    expected: everyone(200),
    check: (body, level) => {
      const stages = (body as SummaryBody).stages;
      const expected = level === 'own' ? isolationCounts.own : isolationCounts.others;
      expect({
        count: stages.reduce((sum, stage) => sum + stage.count, 0),
        revenue: stages.reduce((sum, stage) => sum + stage.expectedRevenue, 0),
      }).toEqual({ count: expected.count, revenue: expected.revenue });
    },
  },
  // --- activities follow the record (and their assignee)
  {
    route: 'GET /activities',
    action: "activities of a colleague's lead",
    request: (f) => ({
      method: 'get',
      url: `/activities?resModel=lead&resId=${f.colleagueLeadId}`,
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'GET /activities/:id',
    action: "read an activity on a colleague's lead",
    request: async (f) => ({
      method: 'get',
      url: `/activities/${await activityOnColleagueLead(f)}`,
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /activities',
    action: "schedule an activity on a colleague's lead",
    request: (f) => ({
      method: 'post',
      url: '/activities',
      body: { resModel: 'lead', resId: f.colleagueLeadId, summary: 'Follow up' },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'PATCH /activities/:id',
    action: "edit an activity on a colleague's lead",
    request: async (f) => ({
      method: 'patch',
      url: `/activities/${await activityOnColleagueLead(f)}`,
      body: { summary: 'Changed' },
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'POST /activities/:id/done',
    action: "mark done an activity on a colleague's lead",
    request: async (f) => ({
      method: 'post',
      url: `/activities/${await activityOnColleagueLead(f)}/done`,
      body: {},
    }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'DELETE /activities/:id',
    action: "cancel an activity on a colleague's lead",
    request: async (f) => ({
      method: 'delete',
      url: `/activities/${await activityOnColleagueLead(f)}`,
    }),
    expected: hiddenFromOwn(204),
  },
  {
    route: 'GET /activities/counts',
    action: 'count my open activities',
    request: () => ({ method: 'get', url: '/activities/counts' }),
    expected: everyone(200),
  },
  // --- partners: every salesperson reads, creates and changes them
  {
    route: 'GET /partners',
    action: 'list partners',
    request: () => ({ method: 'get', url: '/partners' }),
    expected: everyone(200),
  },
  {
    route: 'GET /partners/:id',
    action: 'read a partner',
    request: (f) => ({ method: 'get', url: `/partners/${f.partnerId}` }),
    expected: everyone(200),
  },
  {
    route: 'POST /partners',
    action: 'create a partner',
    request: (_f, level) => ({
      method: 'post',
      url: '/partners',
      body: { name: uniqueName('Client', level) },
    }),
    expected: everyone(201),
  },
  {
    route: 'PATCH /partners/:id',
    action: 'change a partner',
    request: async (f) => ({
      method: 'patch',
      url: `/partners/${await newPartner(f)}`,
      body: { city: 'Cluj' },
    }),
    expected: everyone(200),
  },
  {
    route: 'DELETE /partners/:id',
    action: 'archive a partner',
    request: async (f) => ({ method: 'delete', url: `/partners/${await newPartner(f)}` }),
    expected: everyone(200),
  },
  {
    route: 'POST /partners/:id/restore',
    action: 'restore a partner',
    request: async (f) => {
      const id = await newPartner(f);
      await context.request.delete(`/api/v1/partners/${id}`).set(f.users.admin.auth);
      return { method: 'post', url: `/partners/${id}/restore` };
    },
    expected: everyone(200),
  },
  // --- tags: salespeople create and edit, managers delete
  {
    route: 'GET /tags',
    action: 'list tags',
    request: () => ({ method: 'get', url: '/tags' }),
    expected: everyone(200),
  },
  {
    route: 'GET /tags/:id',
    action: 'read a tag',
    request: async (f) => ({ method: 'get', url: `/tags/${await createAs(f, '/tags', 'Hot')}` }),
    expected: everyone(200),
  },
  {
    route: 'POST /tags',
    action: 'create a tag',
    request: (_f, level) => ({
      method: 'post',
      url: '/tags',
      body: { name: uniqueName('Tag', level) },
    }),
    expected: everyone(201),
  },
  {
    route: 'PATCH /tags/:id',
    action: 'rename a tag',
    request: async (f, level) => ({
      method: 'patch',
      url: `/tags/${await createAs(f, '/tags', 'Warm')}`,
      body: { name: uniqueName('Renamed', level) },
    }),
    expected: everyone(200),
  },
  {
    route: 'DELETE /tags/:id',
    action: 'delete a tag',
    request: async (f) => ({
      method: 'delete',
      url: `/tags/${await createAs(f, '/tags', 'Cold')}`,
    }),
    expected: managersOnly(204),
  },
  // --- lost reasons and stages: read by all, configured by managers
  {
    route: 'GET /lost-reasons',
    action: 'list lost reasons',
    request: () => ({ method: 'get', url: '/lost-reasons' }),
    expected: everyone(200),
  },
  {
    route: 'GET /lost-reasons/:id',
    action: 'read a lost reason',
    request: async (f) => ({
      method: 'get',
      url: `/lost-reasons/${await createAs(f, '/lost-reasons', 'Too expensive')}`,
    }),
    expected: everyone(200),
  },
  {
    route: 'POST /lost-reasons',
    action: 'create a lost reason',
    request: (_f, level) => ({
      method: 'post',
      url: '/lost-reasons',
      body: { name: uniqueName('Reason', level) },
    }),
    expected: managersOnly(201),
  },
  {
    route: 'PATCH /lost-reasons/:id',
    action: 'rename a lost reason',
    request: async (f, level) => ({
      method: 'patch',
      url: `/lost-reasons/${await createAs(f, '/lost-reasons', 'No budget')}`,
      body: { name: uniqueName('Renamed', level) },
    }),
    expected: managersOnly(200),
  },
  {
    route: 'DELETE /lost-reasons/:id',
    action: 'delete a lost reason',
    request: async (f) => ({
      method: 'delete',
      url: `/lost-reasons/${await createAs(f, '/lost-reasons', 'Other')}`,
    }),
    expected: managersOnly(204),
  },
  {
    route: 'GET /stages',
    action: 'list stages',
    request: () => ({ method: 'get', url: '/stages' }),
    expected: everyone(200),
  },
  {
    route: 'GET /stages/:id',
    action: 'read a stage',
    request: (f) => ({ method: 'get', url: `/stages/${f.stageId}` }),
    expected: everyone(200),
  },
  {
    route: 'POST /stages',
    action: 'create a stage',
    request: (_f, level) => ({
      method: 'post',
      url: '/stages',
      body: { name: uniqueName('Stage', level) },
    }),
    expected: managersOnly(201),
  },
  {
    route: 'PATCH /stages/:id',
    action: 'change a stage',
    request: async (f, level) => ({
      method: 'patch',
      url: `/stages/${await createAs(f, '/stages', 'Qualified')}`,
      body: { name: uniqueName('Renamed', level) },
    }),
    expected: managersOnly(200),
  },
  {
    route: 'DELETE /stages/:id',
    action: 'delete an empty stage',
    request: async (f) => ({
      method: 'delete',
      url: `/stages/${await createAs(f, '/stages', 'Empty')}`,
    }),
    expected: managersOnly(204),
  },
  // --- teams: read by all; created by managers; changed by their leader (manager) or an admin
  {
    route: 'GET /teams',
    action: 'list teams',
    request: () => ({ method: 'get', url: '/teams' }),
    expected: everyone(200),
  },
  {
    route: 'GET /teams/:id',
    action: 'read a team',
    request: (f) => ({ method: 'get', url: `/teams/${f.teamId}` }),
    expected: everyone(200),
  },
  {
    route: 'POST /teams',
    action: 'create a team',
    request: (_f, level) => ({
      method: 'post',
      url: '/teams',
      body: { name: uniqueName('Team', level) },
    }),
    expected: managersOnly(201),
  },
  {
    route: 'PATCH /teams/:id',
    action: 'change the team the manager leads',
    request: (f) => ({
      method: 'patch',
      url: `/teams/${f.teamId}`,
      body: { invoicedTarget: 5000 },
    }),
    expected: managersOnly(200),
  },
  {
    route: 'PATCH /teams/:id',
    action: 'change a team led by someone else',
    request: (f) => ({
      method: 'patch',
      url: `/teams/${f.otherTeamId}`,
      body: { invoicedTarget: 5000 },
    }),
    expected: adminsOnly(200),
  },
  {
    route: 'DELETE /teams/:id',
    action: 'archive a team the manager leads',
    request: async (f) => ({
      method: 'delete',
      url: `/teams/${await createAs(f, '/teams', 'Short-lived', { leaderId: f.users.manager.userId })}`,
    }),
    expected: managersOnly(200),
  },
  {
    route: 'DELETE /teams/:id',
    action: 'archive a team led by someone else',
    request: async (f) => ({
      method: 'delete',
      url: `/teams/${await createAs(f, '/teams', 'Foreign')}`,
    }),
    expected: adminsOnly(200),
  },
  // --- quotations follow their salesperson like leads
  {
    route: 'POST /leads/:id/quotations',
    action: "quote a colleague's opportunity",
    request: async (f) => ({
      method: 'post',
      url: `/leads/${await colleagueLead(f)}/quotations`,
      body: { partnerId: f.partnerId },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'GET /quotations',
    action: 'list quotations',
    request: () => ({ method: 'get', url: '/quotations' }),
    expected: everyone(200),
    check: (body, level, f) => {
      const list = body as { items: Array<{ id: string }>; total: number };
      expect(list.items.some((item) => item.id === f.colleagueQuotationId)).toBe(level !== 'own');
      if (level === 'own') expect(list.total).toBe(list.items.length);
    },
  },
  {
    route: 'GET /quotations/:id',
    action: "read a colleague's quotation",
    request: (f) => ({ method: 'get', url: `/quotations/${f.colleagueQuotationId}` }),
    expected: hiddenFromOwn(200),
  },
  {
    route: 'PATCH /quotations/:id',
    action: "change a colleague's quotation",
    request: async (f) => ({
      method: 'patch',
      url: `/quotations/${await colleagueQuotation(f)}`,
      body: { clientOrderRef: 'PO-1' },
    }),
    expected: hiddenFromOwn(200),
  },
  // --- the add-ins' mail endpoints
  {
    route: 'GET /mail/context',
    action: "the card of the colleague's customer",
    request: () => ({ method: 'get', url: '/mail/context?from=buyer@colleague-customer.test' }),
    expected: everyone(200),
  },
  {
    route: 'POST /mail/log',
    action: "log a mail on a colleague's lead",
    request: async (f) => ({
      method: 'post',
      url: '/mail/log',
      body: {
        mail: mailFrom('buyer@colleague-customer.test'),
        target: { resModel: 'lead', resId: await colleagueLead(f) },
      },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'POST /mail/opportunities',
    action: 'create an opportunity from a mail',
    request: (f) => ({
      method: 'post',
      url: '/mail/opportunities',
      body: {
        mail: mailFrom('new@prospect.test'),
        draft: { name: `From mail ${suffix()}`, teamId: f.teamId },
      },
    }),
    expected: everyone(201),
  },
  {
    route: 'POST /mail/opportunities/batch',
    action: 'create opportunities from two mails',
    request: (f) => ({
      method: 'post',
      url: '/mail/opportunities/batch',
      body: {
        items: [1, 2].map(() => ({
          mail: mailFrom('batch@prospect.test'),
          draft: { name: `Batch ${suffix()}`, teamId: f.teamId },
        })),
      },
    }),
    expected: everyone(200),
  },
  {
    route: 'POST /mail/contacts',
    action: 'add the sender as a contact',
    request: () => ({
      method: 'post',
      url: '/mail/contacts',
      body: { email: `sender-${suffix()}@prospect.test`, name: 'Sender' },
    }),
    expected: everyone(201),
  },
];

/** Registered routes that are not rows above, each with the reason and where it is tested. */
const coveredElsewhere: Record<string, string> = {
  'POST /outlook-sync/consent':
    'per-user consent (open to every level; needs Entra); graph-contact-sync.routes.test.ts',
  'DELETE /outlook-sync/consent':
    'per-user: disables only the caller’s own Outlook sync; graph-contact-sync.routes.test.ts',
  'GET /auth/methods': 'public (route-guard allow-list)',
  'GET /auth/csrf': 'public (route-guard allow-list); console-session.test.ts',
  'POST /auth/login': 'public (route-guard allow-list); console-session.test.ts',
  'POST /sync/contacts':
    'per-user address-book push over partners (open to every level); contact-sync.routes.test.ts',
  'PUT /sync/contacts/settings':
    "per-user setting; which leads' contacts sync is scoped by leadReadFilter in contact-sync.service",
  'GET /sync/contacts/:id/conflicts':
    'per-user conflicts of a partner (partners open to every level); contact-sync tests',
};

describe('access matrix (level × route/action → status)', () => {
  context = createTestContext();
  let fixtures: Fixtures;

  beforeAll(async () => {
    const users = {
      own: await context.createUser({ accessLevel: 'own' }),
      all: await context.createUser({ accessLevel: 'all' }),
      manager: await context.createUser({ accessLevel: 'manager' }),
      admin: await context.createUser({ accessLevel: 'own', isAdmin: true }),
    };
    const colleague = await context.createUser({ accessLevel: 'own' });
    const partial = { users, colleague } as Fixtures;
    const members = [users.own, users.all, users.manager, colleague].map((user) => ({
      userId: user.userId,
    }));
    partial.teamId = (
      await asAdmin(partial, 'post', '/teams', {
        name: `Direct sales ${suffix()}`,
        leaderId: users.manager.userId,
        members,
        useLeads: true,
      })
    ).id;
    partial.otherTeamId = (
      await asAdmin(partial, 'post', '/teams', { name: `Channel sales ${suffix()}` })
    ).id;
    partial.isolationTeamId = (
      await asAdmin(partial, 'post', '/teams', { name: `Isolation ${suffix()}` })
    ).id;
    partial.stageId = (await asAdmin(partial, 'post', '/stages', { name: 'New', sequence: 1 })).id;
    partial.secondStageId = (
      await asAdmin(partial, 'post', '/stages', { name: 'Proposition', sequence: 2 })
    ).id;
    await asAdmin(partial, 'post', '/stages', {
      name: 'Won',
      sequence: 70,
      isWon: true,
      probability: 100,
    });
    partial.colleagueLeadId = await colleagueLead(partial);
    partial.unassignedLeadId = (
      await asAdmin(partial, 'post', '/leads', {
        type: 'opportunity',
        name: `Unassigned ${suffix()}`,
        userId: null,
        teamId: partial.teamId,
        stageId: partial.stageId,
      })
    ).id;
    await asAdmin(partial, 'post', '/leads', {
      type: 'opportunity',
      name: `Iso ${colleagueMarker}`,
      userId: colleague.userId,
      teamId: partial.isolationTeamId,
      stageId: partial.stageId,
      expectedRevenue: 7777,
    });
    await asAdmin(partial, 'post', '/leads', {
      type: 'opportunity',
      name: 'Iso mine',
      userId: users.own.userId,
      teamId: partial.isolationTeamId,
      stageId: partial.stageId,
      expectedRevenue: 1111,
    });
    partial.colleagueLeadAttachmentId = (
      await storeAttachment({
        resModel: 'lead',
        resId: partial.colleagueLeadId,
        fileName: 'offer.txt',
        contentType: 'text/plain',
        content: Buffer.from(`offer ${colleagueMarker}`),
      })
    ).id;
    partial.partnerId = await newPartner(partial, 'Acme SRL');
    partial.colleagueQuotationId = await colleagueQuotation(partial);
    fixtures = partial;
  }, 180_000); // generous: five argon2 users and ~15 writes on a shared, sometimes busy machine

  const cases = rows.flatMap((row) =>
    levels.map(
      (level) =>
        [`${row.route} — ${row.action} — as ${level}`, row, level, row.expected[level]] as const,
    ),
  );

  it.each(cases)('%s', async (_name, row, level, expectedStatus) => {
    const { method, url, body, attach } = await row.request(fixtures, level);
    let call = context.request[method](`/api/v1${url}`).set(fixtures.users[level].auth);
    if (attach) call = call.attach(attach.field, attach.content, attach.fileName);
    else if (body !== undefined) call = call.send(body as object);
    const response = await call;
    expect({
      status: response.status,
      error: response.status >= 400 ? response.body?.error : undefined,
    }).toEqual({
      status: expectedStatus,
      error: expectedStatus >= 400 ? response.body?.error : undefined,
    });
    if (level === 'own') {
      // Invisible means invisible: an `own` user never receives the colleague's leads, by any route.
      expect(JSON.stringify(response.body ?? '')).not.toContain(colleagueMarker);
    }
    if (row.check && response.status < 300) row.check(response.body, level, fixtures);
  });

  it('covers every registered route (or says where it is covered)', () => {
    const inTable = new Set(rows.map((row) => row.route));
    const registered = context.apiRouter.routes.map(
      (route) => `${route.method.toUpperCase()} ${route.path}`,
    );
    const missing = registered.filter(
      (route) => !inTable.has(route) && !(route in coveredElsewhere),
    );
    const stale = [...inTable, ...Object.keys(coveredElsewhere)].filter(
      (route) => !registered.includes(route),
    );
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });
});

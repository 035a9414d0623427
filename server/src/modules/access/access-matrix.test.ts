/**
 * THE access matrix: for each access level and each route/action, the expected status — one table.
 * Records of another salesperson must be invisible (404, never 403-with-content) to `own` users
 * through every route; configuration is for managers; users, tokens of others and the audit log
 * are for admins. The last test fails when a registered route is neither in the table nor listed
 * (with a reason) in `coveredElsewhere`.
 */
import mongoose, { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { storeAttachment } from '../attachments/attachment.service';
import { followRecord } from '../followers/follower.service';

useTestDatabase();

const levels = ['own', 'all', 'manager', 'admin'] as const;
type Level = (typeof levels)[number];

interface Fixtures {
  users: Record<Level, TestUser>;
  /** An `own` salesperson whose records the others try to reach. */
  colleague: TestUser;
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

const uniqueName = (prefix: string, level: Level) =>
  `${prefix} ${level} ${new Types.ObjectId().toString().slice(-6)}`;

let context: ReturnType<typeof createTestContext>;

async function createTokenFor(user: TestUser): Promise<string> {
  const response = await context.request
    .post('/api/v1/me/tokens')
    .set(user.auth)
    .send({ name: 'matrix' })
    .expect(201);
  return response.body.id as string;
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

async function insertPartner(name: string): Promise<Types.ObjectId> {
  const id = new Types.ObjectId();
  await mongoose.connection
    .collection('partners')
    .insertOne({
      _id: id,
      name,
      nameNormalized: name.toLowerCase(),
      isCompany: false,
      commercialPartnerId: id,
      active: true,
      emails: [],
      phones: [],
    });
  return id;
}

/** A fresh partner following the record, so each level removes its own follower. */
async function followingPartner(
  resModel: 'lead' | 'partner' | 'quotation',
  resId: string,
): Promise<string> {
  const partnerId = await insertPartner(`Follower ${new Types.ObjectId().toString().slice(-6)}`);
  await followRecord({ resModel, resId: new Types.ObjectId(resId), partnerId });
  return partnerId.toString();
}

/** A configuration record created by the admin, for each level to act on. */
async function createAs(f: Fixtures, path: string, name: string): Promise<string> {
  const response = await context.request
    .post(`/api/v1${path}`)
    .set(f.users.admin.auth)
    .send({ name: `${name} ${new Types.ObjectId().toString().slice(-6)}` })
    .expect(201);
  return response.body.id as string;
}

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
      body: { partnerId: (await insertPartner('New follower')).toString() },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'DELETE /leads/:id/followers/:partnerId',
    action: "remove a follower of a colleague's lead",
    request: async (f) => ({
      method: 'delete',
      url: `/leads/${f.colleagueLeadId}/followers/${await followingPartner('lead', f.colleagueLeadId)}`,
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
      body: { partnerId: (await insertPartner('New follower')).toString() },
    }),
    expected: hiddenFromOwn(201),
  },
  {
    route: 'DELETE /quotations/:id/followers/:partnerId',
    action: "remove a follower of a colleague's quotation",
    request: async (f) => ({
      method: 'delete',
      url: `/quotations/${f.colleagueQuotationId}/followers/${await followingPartner('quotation', f.colleagueQuotationId)}`,
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
      body: { partnerId: (await insertPartner('New follower')).toString() },
    }),
    expected: everyone(201),
  },
  {
    route: 'DELETE /partners/:id/followers/:partnerId',
    action: 'remove a partner follower',
    request: async (f) => ({
      method: 'delete',
      url: `/partners/${f.partnerId}/followers/${await followingPartner('partner', f.partnerId)}`,
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
];

/** Registered routes that are not rows above, each with the reason and where it is tested. */
const coveredElsewhere: Record<string, string> = {
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
    const leads = mongoose.connection.collection('leads');
    const colleagueLeadId = new Types.ObjectId();
    const unassignedLeadId = new Types.ObjectId();
    await leads.insertMany([
      {
        _id: colleagueLeadId,
        name: "Colleague's deal",
        type: 'opportunity',
        active: true,
        userId: new Types.ObjectId(colleague.userId),
      },
      {
        _id: unassignedLeadId,
        name: 'Unassigned deal',
        type: 'opportunity',
        active: true,
        userId: null,
      },
    ]);
    const attachment = await storeAttachment({
      resModel: 'lead',
      resId: colleagueLeadId,
      fileName: 'offer.txt',
      contentType: 'text/plain',
      content: Buffer.from('secret offer'),
    });
    const partnerId = await insertPartner('Acme SRL');
    const colleagueQuotationId = new Types.ObjectId();
    await mongoose.connection.collection('quotations').insertOne({
      _id: colleagueQuotationId,
      name: 'S00042',
      partnerId,
      state: 'draft',
      userId: new Types.ObjectId(colleague.userId),
      dateOrder: new Date(),
      lines: [],
    });
    fixtures = {
      users,
      partnerId: partnerId.toString(),
      colleagueQuotationId: colleagueQuotationId.toString(),
      colleague,
      colleagueLeadId: colleagueLeadId.toString(),
      unassignedLeadId: unassignedLeadId.toString(),
      colleagueLeadAttachmentId: attachment.id,
    };
  });

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
      error: response.status >= 400 ? response.body?.error?.code : undefined,
    }).toEqual({
      status: expectedStatus,
      error: expectedStatus >= 400 ? response.body?.error?.code : undefined,
    });
    if (expectedStatus === 404) {
      // Invisible means invisible: no name, no content of the record in the answer.
      expect(JSON.stringify(response.body)).not.toMatch(/Colleague's deal|secret offer/);
    }
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

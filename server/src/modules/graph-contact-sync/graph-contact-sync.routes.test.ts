import type { OutlookSyncStatus } from '@inbox-crm/shared/schemas';
import { loadConfig } from '../../config';
import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { appModules } from '../app-modules';
import { ContactConflictModel } from '../contact-sync/contact-sync.model';
import { PartnerModel } from '../partners/partner.model';
import { FakeEntraObo } from './__fakes__/fake-entra-obo';
import { FakeGraph, type FakeMailbox } from './__fakes__/fake-graph';
import { crmIdPropertyId } from './graph-contact';
import { OutlookSyncAccountModel } from './graph-contact-sync.model';
import { entraSettingsFrom } from '../auth/entra-settings';
import { createGraphContactSyncModule, outlookSyncIntervalMs } from './graph-contact-sync.routes';
import { OutlookContactSyncService, outlookSyncLeaseKey } from './graph-contact-sync.service';
import { RunLeaseModel } from './run-lease';
import { buildActor } from '../auth/actor-factory';
import { UserModel } from '../users/user.model';
import { MsalGraphTokenSource } from './graph-token-source';

useTestDatabase();
jest.setTimeout(60_000);

const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
const clientSecret = 'test-client-secret-value';
let graph: FakeGraph;
let entra: FakeEntraObo;
let context: TestContext;
let unconfigured: TestContext;
let userCounter = 0;

beforeAll(async () => {
  graph = await FakeGraph.start();
  entra = await FakeEntraObo.start({
    clientId,
    clientSecret,
    onAccessToken: (token, owner) => graph.acceptToken(token, owner),
  });
  const withFakeGraph = (options: Parameters<typeof createGraphContactSyncModule>[0]) =>
    appModules.map((module) =>
      module.name === 'graph-contact-sync' ? createGraphContactSyncModule(options) : module,
    );
  context = createTestContext({
    env: {
      ENTRA_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      ENTRA_CLIENT_ID: clientId,
      ENTRA_CLIENT_SECRET: clientSecret,
      ENTRA_AUTHORITY_URL: entra.url,
      // Through the configuration, as in production (no module override of the Graph URL).
      GRAPH_BASE_URL: graph.baseUrl,
    },
    // Small delta pages: every sync below pages through nextLinks.
    modules: withFakeGraph({ deltaPageSize: 2 }),
  });
  unconfigured = createTestContext({ modules: withFakeGraph({ graphBaseUrl: graph.baseUrl }) });
});

afterAll(async () => {
  await graph.stop();
  await entra.stop();
});

/** A JWT-shaped Entra access token of the user `oid` (the fake Entra reads `oid` to pick the mailbox). */
function entraTokenFor(oid: string, claims: Record<string, unknown> = {}): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part({ oid, nonce: Math.random(), ...claims })}.c2lnbmF0dXJl`;
}

interface Outlook {
  oid: string;
  user: TestUser;
  mailbox: FakeMailbox;
  folderId: string;
}

/** A user who enabled the sync with their (opaque, fake-Entra) access token. */
async function enabledUser(): Promise<Outlook> {
  const user = await context.createUser({ accessLevel: 'own' });
  userCounter += 1;
  const oid = `00000000-0000-4000-8000-${String(userCounter).padStart(12, '0')}`;
  const assertion = entraTokenFor(oid);
  const response = await context.request
    .post('/api/v1/outlook-sync/consent')
    .set(user.auth)
    .send({ accessToken: assertion });
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ available: true, enabled: true, folderName: 'CRM' });
  const mailbox = graph.mailbox(oid);
  const folder = mailbox.folderByName('CRM');
  expect(folder).toBeDefined();
  return { oid, user, mailbox, folderId: folder!.id };
}

async function run(user: TestUser): Promise<OutlookSyncStatus> {
  const response = await context.request.post('/api/v1/outlook-sync/run').set(user.auth);
  expect(response.status).toBe(200);
  return response.body as OutlookSyncStatus;
}

async function createCrmContact(user: TestUser, body: Record<string, unknown>): Promise<string> {
  const response = await context.request.post('/api/v1/partners').set(user.auth).send(body);
  expect(response.status).toBe(201);
  return (response.body as { id: string }).id;
}

async function crmContactsOf(user: TestUser) {
  // The user's own partner (created with the user) is not a contact of their book.
  return PartnerModel.find({ createdBy: user.userId, active: true, _id: { $ne: user.partnerId } })
    .sort({ name: 1 })
    .lean();
}

function deltaRequests(): number {
  return graph.requests.filter((request) => request.endsWith('/contacts/delta')).length;
}

describe('Outlook contact sync through Microsoft Graph', () => {
  it('answers 503 without Entra ID configured, and reports itself unavailable', async () => {
    const user = await unconfigured.createUser();
    const status = await unconfigured.request.get('/api/v1/outlook-sync/status').set(user.auth);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ available: false, enabled: false, lastSuccessAt: null });
    const consent = await unconfigured.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({ accessToken: 'some-entra-access-token' });
    expect(consent.status).toBe(503);
    expect(consent.body.error.details.reason).toBe('entra_not_configured');
  });

  it('takes Graph from GRAPH_BASE_URL, which must be https (http only on loopback)', () => {
    expect(context.config.GRAPH_BASE_URL).toBe(graph.baseUrl);
    expect(loadConfig({}).GRAPH_BASE_URL).toBe('https://graph.microsoft.com/v1.0');
    expect(() => loadConfig({ GRAPH_BASE_URL: 'http://graph.example.net/v1.0' })).toThrow(
      /GRAPH_BASE_URL: must be https/,
    );
    expect(() => loadConfig({ GRAPH_BASE_URL: 'graph' })).toThrow(/GRAPH_BASE_URL: Invalid URL/);
  });

  it('keeps one service per app: apps built in one process do not share their configuration', async () => {
    // Both use the shared module object of app-modules.ts.
    const plain = createTestContext();
    const configured = createTestContext({
      env: {
        ENTRA_TENANT_ID: context.config.ENTRA_TENANT_ID!,
        ENTRA_CLIENT_ID: clientId,
        ENTRA_CLIENT_SECRET: clientSecret,
        ENTRA_AUTHORITY_URL: entra.url,
      },
    });
    const available = async (app: TestContext) => {
      const user = await app.createUser();
      const status = await app.request.get('/api/v1/outlook-sync/status').set(user.auth);
      return (status.body as OutlookSyncStatus).available;
    };
    expect(await available(plain)).toBe(false);
    expect(await available(configured)).toBe(true);
  });

  it('remembers whose mailbox it syncs, and refuses a Microsoft account other than the one linked to the CRM user', async () => {
    const user = await context.createUser();
    const linkedOid = '00000000-0000-4000-8000-00000000a11c';
    await UserModel.updateOne(
      { _id: user.userId },
      { $set: { entraObjectId: linkedOid, entraTenantId: context.config.ENTRA_TENANT_ID } },
    );
    const grantsBefore = entra.grants.length;
    const other = await context.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({
        accessToken: entraTokenFor('00000000-0000-4000-8000-0000000000b0', {
          preferred_username: 'bob@contoso.test',
        }),
      });
    expect(other.status).toBe(403);
    expect(other.body.error.details.reason).toBe('other_microsoft_account');
    expect(other.body.error.message).toContain('bob@contoso.test');
    expect(entra.grants.length).toBe(grantsBefore); // never sent to Entra
    const off = await context.request.get('/api/v1/outlook-sync/status').set(user.auth);
    expect(off.body).toMatchObject({ enabled: false, microsoftAccount: null });

    const own = await context.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({
        accessToken: entraTokenFor(linkedOid, { preferred_username: 'alice@contoso.test' }),
      });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ enabled: true, microsoftAccount: 'alice@contoso.test' });
  });

  it('starts over in the new mailbox when the user consents with another Microsoft account', async () => {
    const { user, mailbox: first, folderId: firstFolder } = await enabledUser();
    await createCrmContact(user, { name: 'Moving Contact', email: 'moving@example.com' });
    await run(user);
    expect(first.contactsIn(firstFolder)).toHaveLength(1);

    const otherOid = '00000000-0000-4000-8000-0000000c0ffe';
    const consent = await context.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({ accessToken: entraTokenFor(otherOid, { preferred_username: 'other@contoso.test' }) });
    expect(consent.status).toBe(200);
    expect(consent.body).toMatchObject({ microsoftAccount: 'other@contoso.test', contactCount: 0 });
    const status = await run(user);
    expect(status.lastError).toBeNull();
    const second = graph.mailbox(otherOid);
    const folder = second.folderByName('CRM')!;
    expect(second.contactsIn(folder.id).map((contact) => contact.displayName)).toEqual([
      'Moving Contact',
    ]);
    // The first mailbox is left as it was; the CRM keeps its one contact.
    expect(first.contactsIn(firstFolder)).toHaveLength(1);
    expect((await crmContactsOf(user)).map((partner) => partner.name)).toEqual(['Moving Contact']);
  });

  it('refuses to run before consent (409) and a consent without a token (400)', async () => {
    const user = await context.createUser();
    const runBefore = await context.request.post('/api/v1/outlook-sync/run').set(user.auth);
    expect(runBefore.status).toBe(409);
    expect(runBefore.body.error.details.reason).toBe('not_enabled');
    const noToken = await context.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({});
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.details.issues[0].field).toBe('body.accessToken');
  });

  it('exchanges the user token On-Behalf-Of through msal, and a refused token is a 409 asking for consent', async () => {
    const before = entra.bodies.length;
    await enabledUser();
    const sent = entra.bodies.slice(before).find((form) => form.get('assertion'));
    expect(sent?.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(sent?.get('requested_token_use')).toBe('on_behalf_of');
    expect(sent?.get('scope')?.split(' ')).toContain(
      'https://graph.microsoft.com/Contacts.ReadWrite',
    );

    const user = await context.createUser();
    entra.refusedAssertions.add('an-expired-entra-access-token');
    const refused = await context.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({ accessToken: 'an-expired-entra-access-token' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reason).toBe('consent_required');
    expect(JSON.stringify(refused.body)).not.toContain('an-expired-entra-access-token');
  });

  it('puts the CRM contacts into the Outlook folder, paging the delta, with the CRM id on each', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    const ids = [];
    for (const [name, email] of [
      ['Margaret Lindqvist', 'margaret@bluefin.example.com'],
      ['Jonas Berg', 'jonas@bluefin.example.com'],
      ['Ana Silva', 'ana@harbor.example.com'],
    ])
      ids.push(await createCrmContact(user, { name, email, phone: '+46 8 123 45 67' }));

    const status = await run(user);
    expect(status.lastError).toBeNull();
    expect(status.lastSuccessAt).not.toBeNull();
    expect(status.lastSummary).toMatchObject({ outlookCreated: 3, conflicts: 0 });
    expect(status.contactCount).toBe(3);
    const inOutlook = mailbox.contactsIn(folderId);
    expect(inOutlook.map((contact) => contact.displayName).sort()).toEqual([
      'Ana Silva',
      'Jonas Berg',
      'Margaret Lindqvist',
    ]);
    const margaret = inOutlook.find((contact) => contact.displayName === 'Margaret Lindqvist')!;
    expect(margaret.emailAddresses?.[0]?.address).toBe('margaret@bluefin.example.com');
    expect(margaret.businessPhones).toEqual(['+46 8 123 45 67']);
    expect(
      inOutlook.map((contact) => contact.singleValueExtendedProperties?.[0]?.value).sort(),
    ).toEqual(ids.sort());
    expect(
      inOutlook.every(
        (contact) => contact.singleValueExtendedProperties?.[0]?.id === crmIdPropertyId,
      ),
    ).toBe(true);

    // A second run reads our own writes back through the delta link (3 contacts, pages of 2) and
    // changes nothing on either side: no echo.
    const deltaBefore = deltaRequests();
    const again = await run(user);
    expect(deltaRequests() - deltaBefore).toBeGreaterThanOrEqual(2);
    expect(again.lastSummary).toMatchObject({
      pushed: 0,
      outlookCreated: 0,
      outlookUpdated: 0,
      outlookDeleted: 0,
    });
    expect(mailbox.contactsIn(folderId)).toHaveLength(3);
    expect(await crmContactsOf(user)).toHaveLength(3);
    // Later runs use the refresh token msal kept, not a new OBO exchange; it is stored sealed.
    expect(entra.grants).toContain('refresh_token');
    const stored = await OutlookSyncAccountModel.findOne({ userId: user.userId })
      .select('+tokenCache')
      .lean();
    expect(stored?.tokenCache).toMatch(/^v1\./);
    expect(stored?.tokenCache).not.toContain('graph-rt-');
  });

  it('brings contacts created, edited and deleted in Outlook into the CRM', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    await createCrmContact(user, { name: 'Kept Contact', email: 'kept@example.com' });
    const doomedId = await createCrmContact(user, {
      name: 'Doomed Contact',
      email: 'doomed@example.com',
    });
    await run(user);

    // Five new contacts typed in Outlook: more than two delta pages.
    for (let index = 1; index <= 5; index += 1)
      mailbox.userCreates(folderId, {
        displayName: `Outlook Person ${index}`,
        emailAddresses: [{ address: `person${index}@outlook.example.com` }],
      });
    const kept = mailbox
      .contactsIn(folderId)
      .find((contact) => contact.displayName === 'Kept Contact')!;
    mailbox.userEdits(kept.id, {
      jobTitle: 'Head of Procurement',
      mobilePhone: '+46 70 111 22 33',
    });
    const doomed = mailbox
      .contactsIn(folderId)
      .find((contact) => contact.displayName === 'Doomed Contact')!;
    mailbox.userDeletes(doomed.id);

    const deltaBefore = deltaRequests();
    const status = await run(user);
    expect(deltaRequests() - deltaBefore).toBeGreaterThanOrEqual(3); // 6 changes + 1 removal, pages of 2
    expect(status.lastError).toBeNull();
    const crm = await crmContactsOf(user);
    expect(crm.map((partner) => partner.name)).toEqual([
      'Kept Contact',
      'Outlook Person 1',
      'Outlook Person 2',
      'Outlook Person 3',
      'Outlook Person 4',
      'Outlook Person 5',
    ]);
    const keptInCrm = crm.find((partner) => partner.name === 'Kept Contact')!;
    expect(keptInCrm.jobPosition).toBe('Head of Procurement');
    expect(keptInCrm.mobile).toBe('+46 70 111 22 33');
    expect((await PartnerModel.findById(doomedId).lean())?.active).toBe(false);
    // The Outlook-created contacts now carry their CRM ids; nothing was duplicated.
    const inOutlook = mailbox.contactsIn(folderId);
    expect(inOutlook).toHaveLength(6);
    const after = await run(user);
    expect(after.lastSummary).toMatchObject({ pushed: 0, outlookCreated: 0, outlookDeleted: 0 });
    expect(mailbox.contactsIn(folderId)).toHaveLength(6);
  });

  it('keeps the CRM value and a conflict record when both sides edit the same field', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    const id = await createCrmContact(user, {
      name: 'Both Sides',
      email: 'both@example.com',
      phone: '+1 555 0100',
    });
    await run(user);
    const patched = await context.request
      .patch(`/api/v1/partners/${id}`)
      .set(user.auth)
      .send({ phone: '+1 555 0200', city: 'Boston' });
    expect(patched.status).toBe(200);
    const contact = mailbox.contactsIn(folderId)[0]!;
    mailbox.userEdits(contact.id, { businessPhones: ['+1 555 0300'], jobTitle: 'Buyer' });

    const status = await run(user);
    expect(status.lastSummary?.conflicts).toBe(1);
    const partner = (await PartnerModel.findById(id).lean())!;
    expect(partner.phone).toBe('+1 555 0200'); // the CRM's edit is kept …
    expect(partner.jobPosition).toBe('Buyer'); // … the other Outlook edit merged in …
    const conflicts = await ContactConflictModel.find({ contactId: id }).lean();
    expect(conflicts).toHaveLength(1); // … and the Outlook value is not lost.
    expect(conflicts[0]).toMatchObject({
      path: 'phone',
      client: '+1 555 0300',
      server: '+1 555 0200',
    });
    expect(conflicts[0]!.source.host).toBe('outlook');
    const outlookNow = mailbox.contact(contact.id)!;
    expect(outlookNow.businessPhones).toEqual(['+1 555 0200']);
    expect(outlookNow.businessAddress?.city).toBe('Boston');
    expect(outlookNow.jobTitle).toBe('Buyer');
  });

  it('reads the folder again on 410 without duplicating anything on either side', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    for (let index = 1; index <= 4; index += 1)
      await createCrmContact(user, {
        name: `Resync ${index}`,
        email: `resync${index}@example.com`,
      });
    await run(user);
    const [first, second] = mailbox
      .contactsIn(folderId)
      .sort((a, b) => a.displayName!.localeCompare(b.displayName!));
    mailbox.userEdits(first!.id, { jobTitle: 'Edited while the token expired' });
    mailbox.userDeletes(second!.id);
    mailbox.expireDeltaTokens();
    graph.throttleNext = 1; // and one 429 on the way: retried after Retry-After

    const status = await run(user);
    expect(status.lastError).toBeNull();
    expect(status.lastSummary?.graphResync).toBe(true);
    const crm = await crmContactsOf(user);
    expect(crm.map((partner) => partner.name)).toEqual(['Resync 1', 'Resync 3', 'Resync 4']);
    expect(crm[0]!.jobPosition).toBe('Edited while the token expired');
    const inOutlook = mailbox.contactsIn(folderId);
    expect(inOutlook.map((contact) => contact.displayName).sort()).toEqual([
      'Resync 1',
      'Resync 3',
      'Resync 4',
    ]);

    const after = await run(user);
    expect(after.lastSummary).toMatchObject({ graphResync: false, pushed: 0, outlookCreated: 0 });
    expect(mailbox.contactsIn(folderId)).toHaveLength(3);
  });

  it('records a refused Graph run in the status and asks for consent again', async () => {
    const { user } = await enabledUser();
    await run(user);
    entra.revokeRefreshTokens();
    const failed = await context.request.post('/api/v1/outlook-sync/run').set(user.auth);
    expect(failed.status).toBe(409);
    expect(failed.body.error.details.reason).toBe('consent_required');
    const status = await context.request.get('/api/v1/outlook-sync/status').set(user.auth);
    expect(status.body.lastError).toMatchObject({ code: 'conflict' });
    expect(status.body.lastSuccessAt).not.toBeNull();
  });

  it('stops on disable, and a consent later resumes without duplicates', async () => {
    const { oid, user, mailbox, folderId } = await enabledUser();
    await createCrmContact(user, { name: 'Paused Contact', email: 'paused@example.com' });
    await run(user);
    const disabled = await context.request.delete('/api/v1/outlook-sync/consent').set(user.auth);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false });
    const refused = await context.request.post('/api/v1/outlook-sync/run').set(user.auth);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reason).toBe('not_enabled');

    const contact = mailbox.contactsIn(folderId)[0]!;
    mailbox.userEdits(contact.id, { jobTitle: 'Edited while paused' });
    const again = await context.request
      .post('/api/v1/outlook-sync/consent')
      .set(user.auth)
      .send({ accessToken: entraTokenFor(oid) }); // a new token of the same user
    expect(again.status).toBe(200);
    expect(again.body.enabled).toBe(true);
    await run(user);
    expect(mailbox.folderByName('CRM')!.id).toBe(folderId);
    expect(mailbox.contactsIn(folderId)).toHaveLength(1);
    const crm = await crmContactsOf(user);
    expect(crm.map((partner) => [partner.name, partner.jobPosition])).toEqual([
      ['Paused Contact', 'Edited while paused'],
    ]);
  });

  it('starts over as a first sync when the folder is deleted in Outlook, deleting nothing in the CRM', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    await createCrmContact(user, { name: 'Survivor One', email: 'one@example.com' });
    await createCrmContact(user, { name: 'Survivor Two', email: 'two@example.com' });
    await run(user);
    mailbox.userDeletesFolder(folderId);

    const status = await run(user);
    expect(status.lastError).toBeNull();
    expect((await crmContactsOf(user)).map((partner) => partner.name)).toEqual([
      'Survivor One',
      'Survivor Two',
    ]);
    const recreated = mailbox.folderByName('CRM')!;
    expect(recreated.id).not.toBe(folderId);
    expect(
      mailbox
        .contactsIn(recreated.id)
        .map((contact) => contact.displayName)
        .sort(),
    ).toEqual(['Survivor One', 'Survivor Two']);
  });

  it('syncs enabled accounts in the background once their last run is older than the interval', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    await createCrmContact(user, { name: 'Background Contact', email: 'background@example.com' });
    const service = new OutlookContactSyncService({
      tokenSource: new MsalGraphTokenSource(entraSettingsFrom(context.config)!),
      graphBaseUrl: graph.baseUrl,
    });
    const first = await service.runDue(outlookSyncIntervalMs);
    expect(first.ran).toBeGreaterThanOrEqual(1); // never run yet: due
    expect(mailbox.contactsIn(folderId).map((contact) => contact.displayName)).toEqual([
      'Background Contact',
    ]);
    const status = await context.request.get('/api/v1/outlook-sync/status').set(user.auth);
    expect(status.body.lastSuccessAt).not.toBeNull();
    // Just ran: not due again within the interval, due after it.
    const soon = await service.runDue(outlookSyncIntervalMs);
    expect(soon.ran).toBe(0);
    const later = await service.runDue(
      outlookSyncIntervalMs,
      new Date(Date.now() + outlookSyncIntervalMs + 1000),
    );
    expect(later.ran).toBeGreaterThanOrEqual(1);
  });

  it('never lets two server instances sync one mailbox at once; a stale lease is taken over', async () => {
    const { user, mailbox, folderId } = await enabledUser();
    await createCrmContact(user, { name: 'Lease One', email: 'lease.one@example.com' });
    await createCrmContact(user, { name: 'Lease Two', email: 'lease.two@example.com' });
    const instance = () =>
      new OutlookContactSyncService({
        tokenSource: new MsalGraphTokenSource(entraSettingsFrom(context.config)!),
        graphBaseUrl: graph.baseUrl,
      });
    const [serverA, serverB] = [instance(), instance()];
    const actor = await buildActor((await UserModel.findById(user.userId).lean())!, 'entra');

    const release = graph.hold();
    const before = graph.requests.length;
    const first = serverA.run(actor);
    // Server A is inside its run (its first Graph request is held).
    while (graph.requests.length === before) await new Promise((resolve) => setImmediate(resolve));
    await expect(serverB.run(actor)).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'sync_running' },
    });
    const during = await context.request.get('/api/v1/outlook-sync/status').set(user.auth);
    expect(during.body.running).toBe(true);
    const viaHttp = await context.request.post('/api/v1/outlook-sync/run').set(user.auth);
    expect(viaHttp.status).toBe(409);
    expect(viaHttp.body.error.details.reason).toBe('sync_running');
    release();
    const done = await first;
    expect(done).toMatchObject({ running: false, lastError: null });
    expect(done.lastSummary?.outlookCreated).toBe(2);
    expect(
      mailbox
        .contactsIn(folderId)
        .map((contact) => contact.displayName)
        .sort(),
    ).toEqual(['Lease One', 'Lease Two']);
    // The refused run left no error on the account.
    const after = await context.request.get('/api/v1/outlook-sync/status').set(user.auth);
    expect(after.body).toMatchObject({ running: false, lastError: null });

    // An instance that died mid-run left its lease: once expired, the next run takes it over.
    const past = new Date(Date.now() - 60_000);
    await RunLeaseModel.create({
      _id: outlookSyncLeaseKey(user.userId),
      owner: 'crashed-instance',
      expiresAt: past,
      acquiredAt: new Date(past.getTime() - 120_000),
    });
    await createCrmContact(user, { name: 'Lease Three', email: 'lease.three@example.com' });
    const takenOver = await serverB.run(actor);
    expect(takenOver.lastSummary?.outlookCreated).toBe(1);
    expect(mailbox.contactsIn(folderId)).toHaveLength(3);
    expect(await RunLeaseModel.findById(outlookSyncLeaseKey(user.userId)).lean()).toBeNull();

    // A live lease of another instance: the background pass skips the account, not fails it.
    await RunLeaseModel.create({
      _id: outlookSyncLeaseKey(user.userId),
      owner: 'busy-instance',
      expiresAt: new Date(Date.now() + 60_000),
      acquiredAt: new Date(),
    });
    const pass = await serverA.runDue(0, new Date(Date.now() + 3_600_000));
    expect(pass.skipped).toBeGreaterThanOrEqual(1);
    expect(
      (await OutlookSyncAccountModel.findOne({ userId: user.userId }).lean())?.lastError,
    ).toBeNull();
    await RunLeaseModel.deleteOne({ _id: outlookSyncLeaseKey(user.userId) });
  });
});

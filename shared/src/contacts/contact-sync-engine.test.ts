import { MemoryKeyValueStorage } from '../offline/key-value-storage';
import type { SyncContact } from '../schemas/contact-sync.schemas';
import { ContactSyncEngine, sameContact, type SyncProgress } from './contact-sync-engine';
import { MemoryContactHost } from './memory-contact-host';
import { MemoryContactSyncServer } from './memory-contact-sync-server.test-support';
import { emptySyncContact } from './sync-contact-mapping';

function setup(options: { pageSize?: number; batchSize?: number } = {}) {
  const server = new MemoryContactSyncServer();
  const host = new MemoryContactHost();
  const storage = new MemoryKeyValueStorage();
  let counter = 0;
  const progress: SyncProgress[] = [];
  const makeEngine = (hostAdapter = host, store = storage) => {
    const engine = new ContactSyncEngine({
      host: hostAdapter,
      transport: server,
      storage: store,
      hostKind: 'thunderbird',
      newId: () => `id-${++counter}`,
      onProgress: (entry) => progress.push(entry),
      ...options,
    });
    engine.start();
    return engine;
  };
  return { server, host, storage, makeEngine, progress };
}

const flushEvents = () => new Promise((resolve) => setTimeout(resolve, 5));
const byEmail = (contacts: Array<{ contact: SyncContact }>, email: string) =>
  contacts.find((entry) => entry.contact.email === email)?.contact;

function expectConverged(server: MemoryContactSyncServer, host: MemoryContactHost) {
  const live = server.live();
  const local = host.contacts();
  expect(local).toHaveLength(live.length);
  for (const stored of live) {
    const linked = local.find((entry) => entry.crmId === stored.id);
    expect(linked).toBeDefined();
    expect(sameContact(linked!.contact, stored.contact)).toBe(true);
  }
}

describe('ContactSyncEngine', () => {
  it('first sync brings the CRM contacts into an empty book, in pages, with progress', async () => {
    const { server, host, makeEngine, progress } = setup({ pageSize: 2 });
    for (let index = 0; index < 5; index += 1)
      server.serverCreate(emptySyncContact(`Contact ${index}`, { email: `c${index}@x.example` }));
    const summary = await makeEngine().sync();
    expect(summary).toMatchObject({ hostCreated: 5, pushed: 0 });
    expectConverged(server, host);
    expect(progress.filter((entry) => entry.phase === 'resync').length).toBeGreaterThanOrEqual(3);
  });

  it('pushes a local contact once and does not hear its own writes', async () => {
    const { server, host, makeEngine } = setup();
    const engine = makeEngine();
    await engine.sync();
    host.userCreate(emptySyncContact('Margaret Lindqvist', { email: 'margaret@bluefin.example' }));
    await flushEvents();
    expect((await engine.sync()).pushed).toBe(1);
    expect(server.live()).toHaveLength(1);
    expectConverged(server, host);
    await flushEvents();
    const before = server.requests.push;
    const quiet = await engine.sync();
    expect(quiet).toMatchObject({ pushed: 0, pulled: 0, hostUpdated: 0 });
    expect(server.requests.push).toBe(before);
  });

  it('merges edits of different fields on both sides', async () => {
    const { server, host, makeEngine } = setup();
    const id = server.serverCreate(
      emptySyncContact('Thomas Reyes', { email: 't@bluefin.example' }),
    );
    const engine = makeEngine();
    await engine.sync();
    const localId = host.contacts()[0]!.localId;
    host.userUpdate(localId, { jobPosition: 'Facilities Coordinator' });
    server.serverUpdate(id, { phone: '+31 10 555 0178' });
    await flushEvents();
    const summary = await engine.sync();
    expect(summary.conflicts).toEqual([]);
    expect(server.contacts.get(id)!.contact).toMatchObject({
      jobPosition: 'Facilities Coordinator',
      phone: '+31 10 555 0178',
    });
    expectConverged(server, host);
  });

  it('keeps the server value on a true conflict and reports the client value', async () => {
    const { server, host, makeEngine } = setup();
    const id = server.serverCreate(emptySyncContact('Priya Nair', { email: 'p@bluefin.example' }));
    const engine = makeEngine();
    await engine.sync();
    host.userUpdate(host.contacts()[0]!.localId, { jobPosition: 'Procurement Manager' });
    server.serverUpdate(id, { jobPosition: 'Head of Procurement' });
    await flushEvents();
    const summary = await engine.sync();
    expect(summary.conflicts).toEqual([
      expect.objectContaining({
        path: 'jobPosition',
        server: 'Head of Procurement',
        client: 'Procurement Manager',
      }),
    ]);
    expect(host.contacts()[0]!.contact.jobPosition).toBe('Head of Procurement');
    expect(await engine.conflicts()).toHaveLength(1);
    expectConverged(server, host);
  });

  it('resends a batch whose answer was lost, without duplicates or lost later edits (§9.2)', async () => {
    const { server, host, makeEngine } = setup();
    const engine = makeEngine();
    await engine.sync();
    const localId = host.userCreate(
      emptySyncContact('Helen Achterberg', { email: 'helen@meridian.example' }),
    );
    await flushEvents();
    server.dropNextPushResponse = true;
    await expect(engine.sync()).rejects.toMatchObject({ code: 'network' });
    host.userUpdate(localId, { jobPosition: 'Office Manager' });
    await flushEvents();
    await engine.sync();
    expect(server.live()).toHaveLength(1);
    expect(server.live()[0]!.contact.jobPosition).toBe('Office Manager');
    expectConverged(server, host);
  });

  it('resumes after a restart from its stored state and finds edits made while it was off', async () => {
    const { server, host, storage, makeEngine } = setup();
    const first = makeEngine();
    server.serverCreate(emptySyncContact('Greta Halvorsen', { email: 'greta@fjordline.example' }));
    await first.sync();
    first.stop();
    const localId = host.contacts()[0]!.localId;
    host.userUpdate(localId, { notes: 'Lockers before 4 January' }); // no engine listening
    host.userCreate(emptySyncContact('Oliver Brandt', { email: 'oliver@northgate.example' }));
    const restarted = makeEngine(host, storage);
    await restarted.sync();
    expect(server.live()).toHaveLength(2);
    expect(byEmail(server.live(), 'greta@fjordline.example')?.notes).toBe(
      'Lockers before 4 January',
    );
    expectConverged(server, host);
  });

  it('resumes a first sync interrupted by a crash without duplicating contacts', async () => {
    const { server, host, storage, makeEngine } = setup({ pageSize: 3 });
    for (let index = 0; index < 10; index += 1)
      server.serverCreate(emptySyncContact(`C${index}`, { email: `c${index}@x.example` }));
    const crashing = new MemoryContactHost();
    let creates = 0;
    const originalCreate = crashing.create.bind(crashing);
    crashing.create = async (contact, link) => {
      if (++creates === 5) throw new Error('host crashed');
      return originalCreate(contact, link);
    };
    await expect(makeEngine(crashing, storage).sync()).rejects.toThrow('host crashed');
    crashing.create = originalCreate;
    await makeEngine(crashing, storage).sync();
    expectConverged(server, crashing);
    expect(host.size()).toBe(0);
  });

  it('resyncs in full on 410 without duplicates, and drops contacts the CRM deleted', async () => {
    const { server, host, makeEngine } = setup();
    const keep = server.serverCreate(emptySyncContact('Keep', { email: 'keep@x.example' }));
    const gone = server.serverCreate(emptySyncContact('Gone', { email: 'gone@x.example' }));
    const engine = makeEngine();
    await engine.sync();
    server.serverDelete(gone);
    server.serverUpdate(keep, { city: 'Leeds' });
    server.expireTokens();
    const summary = await engine.sync();
    expect(summary.fullResync).toBe(true);
    expect(host.contacts().map((entry) => entry.contact.name)).toEqual(['Keep']);
    expect(host.contacts()[0]!.contact.city).toBe('Leeds');
    expectConverged(server, host);
  });

  it('links an existing address book by e-mail on a first sync instead of uploading it', async () => {
    const { server, host, makeEngine } = setup();
    server.serverCreate(
      emptySyncContact('Margaret Lindqvist', {
        email: 'Margaret@Bluefin.example',
        phone: '+31 10 555 0142',
      }),
    );
    host.userCreate(emptySyncContact('M. Lindqvist', { email: 'margaret@bluefin.example' }));
    host.userCreate(emptySyncContact('New Person', { email: 'new@x.example' }));
    await makeEngine().sync();
    expect(server.live()).toHaveLength(2);
    expect(host.size()).toBe(2);
    expectConverged(server, host);
  });

  it('sends local deletes, applies server deletes, and keeps a contact deleted against a newer edit', async () => {
    const { server, host, makeEngine } = setup();
    const a = server.serverCreate(emptySyncContact('A', { email: 'a@x.example' }));
    const b = server.serverCreate(emptySyncContact('B', { email: 'b@x.example' }));
    const c = server.serverCreate(emptySyncContact('C', { email: 'c@x.example' }));
    const engine = makeEngine();
    await engine.sync();
    const local = (crmId: string) =>
      host.contacts().find((entry) => entry.crmId === crmId)!.localId;
    host.userDelete(local(a));
    server.serverDelete(b);
    host.userDelete(local(c));
    server.serverUpdate(c, { notes: 'edited in the CRM' });
    await flushEvents();
    const summary = await engine.sync();
    expect(server.contacts.get(a)!.deleted).toBe(true);
    expect(host.contacts().some((entry) => entry.crmId === b)).toBe(false);
    expect(server.contacts.get(c)!.deleted).toBe(false);
    expect(summary.conflicts.map((conflict) => conflict.kind)).toEqual(['delete-vs-edit']);
    expectConverged(server, host);
  });

  it('reports a refused change once and does not resend it until the contact changes', async () => {
    const { server, host, makeEngine } = setup();
    const engine = makeEngine();
    await engine.sync();
    const localId = host.userCreate(emptySyncContact('', { email: 'nameless@x.example' }));
    await flushEvents();
    expect((await engine.sync()).rejected).toEqual([
      expect.objectContaining({ localId, message: 'name: is required' }),
    ]);
    expect((await engine.sync()).pushed).toBe(0);
    host.userUpdate(localId, { name: 'Named Now' });
    await flushEvents();
    expect((await engine.sync()).rejected).toEqual([]);
    expectConverged(server, host);
  });

  it('pushes in batches of at most batchSize', async () => {
    const { server, host, makeEngine } = setup({ batchSize: 3 });
    const engine = makeEngine();
    await engine.sync();
    for (let index = 0; index < 7; index += 1)
      host.userCreate(emptySyncContact(`P${index}`, { email: `p${index}@x.example` }));
    await flushEvents();
    const pushesBefore = server.requests.push;
    await engine.sync();
    expect(server.requests.push - pushesBefore).toBe(3);
    expectConverged(server, host);
  });
});

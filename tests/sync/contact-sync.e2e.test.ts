import {
  ContactSyncEngine,
  emptySyncContact,
  MemoryContactHost,
  sameContact,
} from '@inbox-crm/shared/contacts';
import { MemoryKeyValueStorage } from '@inbox-crm/shared/offline';
import type { SyncContact } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../server/src/db/test-database';
import {
  apiClientFor,
  crmEditor,
  serverSnapshot,
  startSyncServer,
  type SyncServerStack,
} from './sync-harness';

useTestDatabase();

let stack: SyncServerStack;
beforeAll(async () => {
  stack = await startSyncServer();
});
afterAll(() => stack?.close());

const contact = (name: string, email: string, extra: Partial<SyncContact> = {}): SyncContact =>
  emptySyncContact(name, { email, ...extra });

describe('contact sync through the core and the real server', () => {
  it('syncs both ways, merges, reports conflicts and converges', async () => {
    const user = await stack.context.createUser();
    const api = apiClientFor(stack, user);
    const crm = crmEditor(stack, user);
    const host = new MemoryContactHost();
    const engine = new ContactSyncEngine({
      host,
      transport: api,
      storage: new MemoryKeyValueStorage(),
      hostKind: 'thunderbird',
    });
    engine.start();

    const serverId = await crm.create({
      name: 'Margaret Lindqvist',
      email: 'margaret.lindqvist@bluefin-logistics.example.com',
    });
    const localId = host.userCreate(
      contact('Thomas Reyes', 'thomas.reyes@bluefin-logistics.example.com', {
        jobPosition: 'Facilities',
      }),
    );
    await engine.sync();
    let snapshot = await serverSnapshot(api);
    expect([...snapshot.values()].map((entry) => entry.name).sort()).toEqual([
      'Margaret Lindqvist',
      'Thomas Reyes',
    ]);
    expect(host.size()).toBe(2);

    // Different fields on both sides merge; the same field keeps the CRM's value with a conflict record.
    const margaretLocal = host.contacts().find((entry) => entry.crmId === serverId)!.localId;
    host.userUpdate(margaretLocal, { city: 'Rotterdam', jobPosition: 'Procurement Manager' });
    await crm.update(serverId, { notes: 'RFQ 118', jobPosition: 'Head of Procurement' });
    host.userDelete(localId);
    const summary = await engine.sync();
    expect(summary.conflicts).toEqual([
      expect.objectContaining({ path: 'jobPosition', client: 'Procurement Manager' }),
    ]);
    snapshot = await serverSnapshot(api);
    expect(snapshot.get(serverId)).toMatchObject({
      city: 'Rotterdam',
      notes: 'RFQ 118',
      jobPosition: 'Head of Procurement',
    });
    expect(snapshot.size).toBe(1);
    for (const entry of host.contacts())
      expect(sameContact(entry.contact, snapshot.get(entry.crmId!))).toBe(true);
    expect(host.size()).toBe(1);

    // Nothing changed: the next sync sends nothing.
    const quiet = await engine.sync();
    expect(quiet).toMatchObject({ pushed: 0, pulled: 0, hostCreated: 0, hostUpdated: 0 });
    engine.stop();
  });
});

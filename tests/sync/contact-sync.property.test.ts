import fc from 'fast-check';
import { ApiError, type ApiClient } from '@inbox-crm/shared/api';
import {
  ContactSyncEngine,
  emptySyncContact,
  MemoryContactHost,
  sameContact,
  type ContactSyncTransport,
} from '@inbox-crm/shared/contacts';
import { MemoryKeyValueStorage } from '@inbox-crm/shared/offline';
import type { ContactConflict, ContactSyncPushBody, SyncContact } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../server/src/db/test-database';
import {
  apiClientFor,
  crmEditor,
  serverSnapshot,
  startSyncServer,
  type SyncServerStack,
} from './sync-harness';

/**
 * Model-based property test of the sync engine against the REAL server stack (sync-and-mail.md
 * §12): random edits on both sides, lost answers, duplicated and late replayed batches, client
 * restarts — then both sides converge, no contact is duplicated, no client edit is lost without a
 * conflict record. Bounded: `SYNC_PROPERTY_RUNS` (default 6) runs, `SYNC_PROPERTY_SEED` to replay.
 */
useTestDatabase();

const numRuns = Number(process.env.SYNC_PROPERTY_RUNS ?? 6);
const seed = Number(process.env.SYNC_PROPERTY_SEED ?? 20261129);

let stack: SyncServerStack;
beforeAll(async () => {
  stack = await startSyncServer();
});
afterAll(() => stack?.close());

type Field = 'jobPosition' | 'city' | 'notes';
type Operation =
  | { kind: 'clientCreate' }
  | { kind: 'clientEdit'; index: number; field: Field; value: string }
  | { kind: 'clientDelete'; index: number }
  | { kind: 'serverCreate' }
  | { kind: 'serverEdit'; index: number; field: Field; value: string }
  | { kind: 'serverDelete'; index: number }
  | { kind: 'sync' }
  | { kind: 'syncLosingAnswer' }
  | { kind: 'syncDuplicatingBatch' }
  | { kind: 'replayOldBatch' }
  | { kind: 'restartClient' };

const field = fc.constantFrom<Field>('jobPosition', 'city', 'notes');
const value = fc.constantFrom('a', 'b', 'c', 'd');
const index = fc.nat(9);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.constant({ kind: 'clientCreate' } as const),
  fc.record({ kind: fc.constant('clientEdit' as const), index, field, value }),
  fc.record({ kind: fc.constant('clientEdit' as const), index, field, value }),
  fc.record({ kind: fc.constant('clientDelete' as const), index }),
  fc.constant({ kind: 'serverCreate' } as const),
  fc.record({ kind: fc.constant('serverEdit' as const), index, field, value }),
  fc.record({ kind: fc.constant('serverEdit' as const), index, field, value }),
  fc.record({ kind: fc.constant('serverDelete' as const), index }),
  fc.constant({ kind: 'sync' } as const),
  fc.constant({ kind: 'sync' } as const),
  fc.constant({ kind: 'syncLosingAnswer' } as const),
  fc.constant({ kind: 'syncDuplicatingBatch' } as const),
  fc.constant({ kind: 'replayOldBatch' } as const),
  fc.constant({ kind: 'restartClient' } as const),
);

/** The network between engine and server, with the faults the property injects. */
class FaultyTransport implements ContactSyncTransport {
  loseNextAnswer = false;
  duplicateNextBatch = false;
  readonly sentBatches: ContactSyncPushBody[] = [];
  readonly conflictsSeen: ContactConflict[] = [];

  constructor(private readonly api: ApiClient) {}

  pullContacts: ContactSyncTransport['pullContacts'] = (query) => this.api.pullContacts(query);

  pushContacts: ContactSyncTransport['pushContacts'] = async (body) => {
    this.sentBatches.push(structuredClone(body));
    let response = await this.api.pushContacts(body);
    if (this.duplicateNextBatch) {
      this.duplicateNextBatch = false;
      response = await this.api.pushContacts(body); // the same batch arrives twice
    }
    for (const result of response.results) this.conflictsSeen.push(...(result.conflicts ?? []));
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new ApiError({ status: 0, code: 'network', message: 'answer lost' });
    }
    return response;
  };

  /** A batch sent earlier arrives again, late (reordered after later batches). */
  async replayOld(): Promise<void> {
    const old = this.sentBatches[0];
    if (!old) return;
    const response = await this.api.pushContacts(old);
    expect(response.replayed).toBe(old.changes.length);
  }
}

interface ClientEdit {
  name: string;
  field: Field;
  value: string;
  /** Operation number, to tell whether the CRM wrote the same field afterwards. */
  at: number;
}

const blank = (name: string, email: string): SyncContact => emptySyncContact(name, { email });

async function runScenario(operations: Operation[]): Promise<void> {
  const user = await stack.context.createUser();
  const api = apiClientFor(stack, user);
  const crm = crmEditor(stack, user);
  const transport = new FaultyTransport(api);
  const host = new MemoryContactHost();
  const storage = new MemoryKeyValueStorage();
  const newEngine = () => {
    const engine = new ContactSyncEngine({
      host,
      transport,
      storage,
      hostKind: 'thunderbird',
      pageSize: 3,
      batchSize: 4,
    });
    engine.start();
    return engine;
  };
  let engine = newEngine();
  let created = 0;
  const clientEdits: ClientEdit[] = [];
  const serverWrites: Array<{ name: string; field: Field; at: number }> = [];
  const deletedNames = new Set<string>();
  const crmIds = new Map<string, string>(); // name → CRM id, as far as we know
  const sync = async () => {
    try {
      await engine.sync();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'network')) throw error;
    }
  };
  const serverNames = async () => {
    const snapshot = await serverSnapshot(api);
    return [...snapshot.entries()].map(([id, contact]) => ({ id, contact }));
  };

  for (const [at, op] of operations.entries()) {
    const locals = host.contacts();
    switch (op.kind) {
      case 'clientCreate': {
        const name = `client-${++created}`;
        host.userCreate(blank(name, `${name}@example.org`));
        break;
      }
      case 'clientEdit': {
        const target = locals[op.index % Math.max(locals.length, 1)];
        if (!target) break;
        host.userUpdate(target.localId, { [op.field]: op.value });
        clientEdits.push({ name: target.contact.name, field: op.field, value: op.value, at });
        break;
      }
      case 'clientDelete': {
        const target = locals[op.index % Math.max(locals.length, 1)];
        if (!target) break;
        deletedNames.add(target.contact.name);
        host.userDelete(target.localId);
        break;
      }
      case 'serverCreate': {
        const name = `server-${++created}`;
        crmIds.set(name, await crm.create({ name, email: `${name}@example.org` }));
        break;
      }
      case 'serverEdit':
      case 'serverDelete': {
        const remote = await serverNames();
        const target = remote[op.index % Math.max(remote.length, 1)];
        if (!target) break;
        if (op.kind === 'serverEdit') {
          await crm.update(target.id, { [op.field]: op.value });
          serverWrites.push({ name: target.contact.name, field: op.field, at });
        } else {
          deletedNames.add(target.contact.name);
          await crm.remove(target.id);
        }
        break;
      }
      case 'sync':
        await sync();
        break;
      case 'syncLosingAnswer':
        transport.loseNextAnswer = true;
        await sync();
        transport.loseNextAnswer = false;
        break;
      case 'syncDuplicatingBatch':
        transport.duplicateNextBatch = true;
        await sync();
        transport.duplicateNextBatch = false;
        break;
      case 'replayOldBatch':
        await transport.replayOld();
        break;
      case 'restartClient':
        engine.stop();
        engine = newEngine();
        break;
    }
    await new Promise((resolve) => setImmediate(resolve)); // let host events arrive
  }

  // Quiesce: fault-free syncs until nothing moves.
  for (let round = 0; round < 3; round += 1) await sync();
  const final = await engine.sync();
  expect(final).toMatchObject({ pushed: 0, hostCreated: 0, hostUpdated: 0, hostDeleted: 0 });
  engine.stop();

  // 1. Convergence: the same contacts with the same fields on both sides.
  const remote = await serverNames();
  const locals = host.contacts();
  expect(locals.map((entry) => entry.crmId).sort()).toEqual(remote.map((entry) => entry.id).sort());
  for (const { id, contact } of remote) {
    const local = locals.find((entry) => entry.crmId === id)!;
    expect(sameContact(local.contact, contact)).toBe(true);
  }
  // 2. No duplicates: every created contact exists at most once.
  const names = remote.map((entry) => entry.contact.name);
  expect(new Set(names).size).toBe(names.length);
  // 3. No lost client edit: the last value the user typed is on the server, or in a conflict
  //    record, unless the CRM wrote that field afterwards or the contact was deleted.
  const conflicts = [...transport.conflictsSeen, ...(await engine.conflicts())];
  const lastEdits = new Map<string, ClientEdit>();
  for (const edit of clientEdits) lastEdits.set(`${edit.name}|${edit.field}`, edit);
  for (const edit of lastEdits.values()) {
    if (deletedNames.has(edit.name)) continue;
    if (
      serverWrites.some(
        (write) => write.name === edit.name && write.field === edit.field && write.at > edit.at,
      )
    )
      continue;
    const onServer = remote.find((entry) => entry.contact.name === edit.name);
    if (!onServer) continue;
    const kept = onServer.contact[edit.field] === edit.value;
    const recorded = conflicts.some(
      (conflict) => conflict.path === edit.field && conflict.client === edit.value,
    );
    if (!kept && !recorded) {
      throw new Error(
        `client edit lost without a conflict record: ${JSON.stringify(edit)} → ${JSON.stringify(onServer.contact)}`,
      );
    }
  }
}

describe('contact sync property (real server)', () => {
  it('converges without duplicates or silently lost edits under faults and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 4, maxLength: 14 }), (operations) =>
        runScenario(operations),
      ),
      { numRuns, seed, endOnFailure: true, verbose: 1 },
    );
  }, 600_000);
});

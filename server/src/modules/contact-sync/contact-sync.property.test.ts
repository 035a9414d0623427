import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { ContactSyncFeedResponse, ContactSyncPushResponse } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { buildActor } from '../auth/actor-factory';
import { PartnerModel } from '../partners/partner.model';
import { updatePartner } from '../partners/partner.service';
import { UserModel } from '../users/user.model';
import { ContactChangeModel } from './contact-change.model';
import { ContactConflictModel } from './contact-sync.model';

/**
 * Model-based test of the sync protocol against the real HTTP stack (`sync-and-mail.md` §12): a
 * minimal address book edits, pushes frozen batches (lost responses are resent byte for byte)
 * and pulls the feed, while the CRM edits the same contacts. After two clean syncs: no duplicate
 * contact, both sides equal, and every value the user typed is either in the CRM's history of
 * that field or in a conflict record.
 */
useTestDatabase();
jest.setTimeout(300_000);
const context = createTestContext();

const fields = ['city', 'jobPosition'] as const;
type Field = (typeof fields)[number];
type Values = Record<Field, string | null>;

interface LocalContact {
  localRef: string;
  id?: string;
  version?: number;
  fields: Values;
  /** The server state this copy is based on (merge base). */
  base?: Values;
  dirty: Set<Field>;
  deleted: boolean;
}

type Command =
  | { kind: 'clientCreate'; value: string }
  | { kind: 'clientEdit'; index: number; field: Field; value: string }
  | { kind: 'serverEdit'; index: number; field: Field; value: string }
  | { kind: 'sync'; dropResponse: boolean };

// Small domains and few contacts make both-sides edits of one field (the interesting case) common.
const valueArb = fc.constantFrom('a', 'b', 'c', 'd');
const fieldArb = fc.constantFrom(...fields);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('clientCreate' as const), value: valueArb }),
  fc.record({
    kind: fc.constant('clientEdit' as const),
    index: fc.nat(1),
    field: fieldArb,
    value: valueArb,
  }),
  fc.record({
    kind: fc.constant('clientEdit' as const),
    index: fc.nat(1),
    field: fieldArb,
    value: valueArb,
  }),
  fc.record({
    kind: fc.constant('serverEdit' as const),
    index: fc.nat(1),
    field: fieldArb,
    value: valueArb,
  }),
  fc.record({
    kind: fc.constant('serverEdit' as const),
    index: fc.nat(1),
    field: fieldArb,
    value: valueArb,
  }),
  fc.record({ kind: fc.constant('sync' as const), dropResponse: fc.boolean() }),
  fc.record({ kind: fc.constant('sync' as const), dropResponse: fc.boolean() }),
);

class AddressBook {
  contacts: LocalContact[] = [];
  token: string | undefined;
  inflight: { body: object; refs: string[] } | undefined;
  /** The last value the user typed per contact and field. */
  typed = new Map<string, Partial<Values>>();
  creates = 0;

  constructor(readonly user: TestUser) {}

  create(value: string): void {
    const contact: LocalContact = {
      localRef: randomUUID(),
      fields: { city: value, jobPosition: null },
      dirty: new Set(['city']),
      deleted: false,
    };
    this.contacts.push(contact);
    this.typed.set(contact.localRef, { city: value });
    this.creates += 1;
  }

  edit(index: number, field: Field, value: string): void {
    const live = this.contacts.filter((contact) => !contact.deleted);
    const contact = live[index % Math.max(live.length, 1)];
    if (!contact) return;
    contact.fields[field] = value;
    contact.dirty.add(field);
    this.typed.set(contact.localRef, { ...this.typed.get(contact.localRef), [field]: value });
  }

  async sync(dropResponse: boolean): Promise<void> {
    if (!this.inflight) this.inflight = this.buildBatch();
    if (this.inflight) {
      const response = await context.request
        .post('/api/v1/sync/contacts')
        .set(this.user.auth)
        .send(this.inflight.body);
      expect(response.status).toBe(200);
      if (dropResponse) return; // the server applied it; the client never heard: resend later
      this.applyResults(response.body as ContactSyncPushResponse);
      this.inflight = undefined;
    }
    await this.pull();
  }

  private buildBatch(): { body: object; refs: string[] } | undefined {
    const changes: unknown[] = [];
    const refs: string[] = [];
    for (const contact of this.contacts) {
      if (contact.deleted || contact.dirty.size === 0) continue;
      const sent = [...contact.dirty];
      contact.dirty.clear();
      refs.push(contact.localRef);
      const changedFields = Object.fromEntries(
        sent.map((field) => [
          field,
          { value: contact.fields[field], ...(contact.base ? { base: contact.base[field] } : {}) },
        ]),
      );
      changes.push(
        contact.id
          ? {
              changeId: randomUUID(),
              op: 'update',
              id: contact.id,
              baseVersion: contact.version,
              localRef: contact.localRef,
              fields: changedFields,
            }
          : {
              changeId: randomUUID(),
              op: 'create',
              localRef: contact.localRef,
              fields: {
                name: { value: `Contact ${contact.localRef.slice(0, 8)}` },
                ...changedFields,
              },
            },
      );
    }
    if (changes.length === 0) return undefined;
    return { body: { clientId: 'property-book', host: 'thunderbird', changes }, refs };
  }

  private applyResults(response: ContactSyncPushResponse): void {
    for (const result of response.results) {
      expect(result.status).not.toBe('rejected');
      const contact = this.contacts.find((candidate) => candidate.localRef === result.localRef)!;
      contact.id = result.id;
      contact.version = result.version;
      if (result.deleted || !result.contact) {
        contact.deleted = true;
        continue;
      }
      const stored = pick(result.contact);
      contact.base = stored;
      // Edits typed while the batch was under way stay local and go out with the next batch.
      for (const field of fields)
        if (!contact.dirty.has(field)) contact.fields[field] = stored[field];
    }
  }

  private async pull(): Promise<void> {
    for (;;) {
      const response = await context.request
        .get('/api/v1/sync/contacts')
        .query({ ...(this.token ? { token: this.token } : {}), limit: 3 })
        .set(this.user.auth);
      expect(response.status).toBe(200);
      const page = response.body as ContactSyncFeedResponse;
      for (const change of page.changes) {
        const contact = this.contacts.find((candidate) => candidate.id === change.id);
        // Unknown ids are our own creates whose response was lost: the resent batch links them.
        if (
          !contact ||
          contact.dirty.size > 0 ||
          (this.inflight?.refs.includes(contact.localRef) ?? false)
        )
          continue;
        if (change.deleted || !change.contact) {
          contact.deleted = true;
          continue;
        }
        contact.version = change.version;
        contact.base = pick(change.contact);
        contact.fields = { ...contact.base };
      }
      this.token = page.nextToken;
      if (!page.hasMore) return;
    }
  }
}

function pick(contact: Partial<Values>): Values {
  return { city: contact.city ?? null, jobPosition: contact.jobPosition ?? null };
}

it('converges without duplicates or lost edits under lost responses and concurrent CRM edits', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { minLength: 4, maxLength: 10 }), async (commands) => {
      const user = await context.createUser({ accessLevel: 'own' });
      const record = await UserModel.findById(user.userId).lean();
      const actor = await buildActor(record!, 'api-token');
      const book = new AddressBook(user);
      // Start from one synced contact so that edits on both sides meet early.
      book.create('a');
      await book.sync(false);
      for (const command of commands) {
        if (command.kind === 'clientCreate') book.create(command.value);
        else if (command.kind === 'clientEdit')
          book.edit(command.index, command.field, command.value);
        else if (command.kind === 'sync') await book.sync(command.dropResponse);
        else {
          const known = book.contacts.filter((contact) => contact.id && !contact.deleted);
          const target = known[command.index % Math.max(known.length, 1)];
          if (target) await updatePartner(actor, target.id!, { [command.field]: command.value });
        }
      }
      await book.sync(false);
      await book.sync(false);

      const serverContacts = await PartnerModel.find({
        createdBy: user.userId,
        _id: { $ne: user.partnerId },
      }).lean();
      expect(serverContacts).toHaveLength(book.creates);
      for (const contact of book.contacts) {
        const server = serverContacts.find((partner) => String(partner._id) === contact.id);
        expect(server).toBeDefined();
        expect(contact.fields).toEqual({
          city: server!.city || null,
          jobPosition: server!.jobPosition || null,
        });
        const history = await ContactChangeModel.find({ partnerId: server!._id }).lean();
        const conflicts = await ContactConflictModel.find({ contactId: server!._id }).lean();
        for (const [field, value] of Object.entries(book.typed.get(contact.localRef) ?? {})) {
          const reachedServer = history.some((entry) => entry.snapshot?.[field as Field] === value);
          const keptAsConflict = conflicts.some(
            (conflict) => conflict.path === field && conflict.client === value,
          );
          expect({ field, value, kept: reachedServer || keptAsConflict }).toEqual({
            field,
            value,
            kept: true,
          });
        }
      }
    }),
    { numRuns: 15, seed: 20261129, endOnFailure: true },
  );
});

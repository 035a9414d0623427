import { ApiError } from '../api/api-error';
import type {
  ContactConflict,
  ContactSyncChange,
  ContactSyncClientChange,
  ContactSyncFeedResponse,
  ContactSyncPushBody,
  ContactSyncPushResponse,
  ContactSyncResult,
  SyncContact,
  SyncFieldValue,
} from '../schemas/contact-sync.schemas';
import { syncContactScalarFields } from '../schemas/sync-contact-fields';
import type { ContactSyncTransport } from './contact-sync-engine';
import { emptySyncContact } from './sync-contact-mapping';

const FIELDS = syncContactScalarFields;

interface StoredContact {
  id: string;
  version: number;
  contact: SyncContact;
  deleted: boolean;
}

/**
 * The sync protocol of §9 in memory, for the engine's unit tests: change feed by sequence with
 * opaque tokens, change-id replay, per-field three-way merge (server wins + conflict record),
 * delete-vs-edit keeps the contact, an epoch that can be bumped to force 410.
 */
export class MemoryContactSyncServer implements ContactSyncTransport {
  readonly contacts = new Map<string, StoredContact>();
  readonly conflicts: ContactConflict[] = [];
  readonly #results = new Map<string, ContactSyncResult>();
  #seq = 0;
  #epoch = 1;
  #nextId = 1;
  /** Fault injection: the next push is applied but its answer is lost. */
  dropNextPushResponse = false;
  requests = { pull: 0, push: 0 };

  serverCreate(contact: SyncContact): string {
    const id = (this.#nextId++).toString(16).padStart(24, '0');
    this.contacts.set(id, {
      id,
      version: ++this.#seq,
      contact: structuredClone(contact),
      deleted: false,
    });
    return id;
  }

  serverUpdate(id: string, change: Partial<SyncContact>): void {
    const stored = this.contacts.get(id)!;
    Object.assign(stored, {
      contact: { ...stored.contact, ...change },
      version: ++this.#seq,
      deleted: false,
    });
  }

  serverDelete(id: string): void {
    const stored = this.contacts.get(id)!;
    Object.assign(stored, { deleted: true, version: ++this.#seq });
  }

  /** Tokens of earlier epochs answer 410 (restore from backup, expired tombstones). */
  expireTokens(): void {
    this.#epoch += 1;
  }

  live(): StoredContact[] {
    return [...this.contacts.values()].filter((stored) => !stored.deleted);
  }

  pullContacts: ContactSyncTransport['pullContacts'] = async (query) => {
    this.requests.pull += 1;
    let after = 0;
    if (query.token) {
      const [epoch, seq] = atob(query.token).split(':').map(Number);
      if (epoch !== this.#epoch) {
        throw new ApiError({
          status: 410,
          code: 'gone',
          message: 'expired',
          details: { reason: 'SYNC_TOKEN_EXPIRED' },
        });
      }
      after = seq!;
    }
    const limit = Number(query.limit ?? 500);
    const pending = [...this.contacts.values()]
      .filter((stored) => stored.version > after && !(stored.deleted && !query.token))
      .sort((left, right) => left.version - right.version);
    const page = pending.slice(0, limit);
    const last = page.at(-1)?.version ?? Math.max(after, query.token ? after : this.#seq);
    const changes: ContactSyncChange[] = page.map((stored) =>
      stored.deleted
        ? { id: stored.id, version: stored.version, deleted: true }
        : { id: stored.id, version: stored.version, contact: structuredClone(stored.contact) },
    );
    const response: ContactSyncFeedResponse = {
      changes,
      nextToken: btoa(
        `${this.#epoch}:${pending.length > limit ? last : Math.max(last, this.#seq)}`,
      ),
      hasMore: pending.length > limit,
    };
    return response;
  };

  pushContacts: ContactSyncTransport['pushContacts'] = async (body: ContactSyncPushBody) => {
    this.requests.push += 1;
    let replayed = 0;
    const results = body.changes.map((change) => {
      const key = `${body.clientId}:${change.changeId}`;
      const stored = this.#results.get(key);
      if (stored) {
        replayed += 1;
        return stored;
      }
      const result = this.#apply(body, change);
      this.#results.set(key, result);
      return result;
    });
    const response: ContactSyncPushResponse = structuredClone({ results, replayed });
    if (this.dropNextPushResponse) {
      this.dropNextPushResponse = false;
      throw new ApiError({ status: 0, code: 'network', message: 'response lost' });
    }
    return response;
  };

  #apply(body: ContactSyncPushBody, change: ContactSyncClientChange): ContactSyncResult {
    const base = { changeId: change.changeId, localRef: change.localRef };
    if (change.op === 'create') {
      const contact = emptySyncContact('');
      for (const [field, fieldChange] of Object.entries(change.fields ?? {})) {
        (contact as Record<string, unknown>)[field] = fieldChange!.value;
      }
      if (!contact.name)
        return {
          ...base,
          status: 'rejected',
          error: { code: 'validation_failed', message: 'name: is required' },
        };
      const id = this.serverCreate(contact);
      return {
        ...base,
        status: 'applied',
        id,
        version: this.contacts.get(id)!.version,
        contact: structuredClone(contact),
      };
    }
    const stored = this.contacts.get(change.id!);
    if (!stored)
      return {
        ...base,
        status: 'rejected',
        error: { code: 'not_found', message: 'Contact not found' },
      };
    const conflicts: ContactConflict[] = [];
    const conflict = (
      kind: ContactConflict['kind'],
      path: string,
      values: Partial<ContactConflict>,
    ) => {
      const record: ContactConflict = {
        id: `c${this.conflicts.length + 1}`,
        contactId: stored.id,
        kind,
        path,
        changeId: change.changeId,
        source: { clientId: body.clientId, host: body.host ?? 'other', device: body.device },
        detectedAt: 'now',
        ...values,
      };
      conflicts.push(record);
      this.conflicts.push(record);
    };
    if (change.op === 'delete') {
      if (stored.deleted)
        return {
          ...base,
          status: 'applied',
          id: stored.id,
          deleted: true,
          version: stored.version,
        };
      if (stored.version > (change.baseVersion ?? 0)) {
        conflict('delete-vs-edit', 'contact', {});
        return {
          ...base,
          status: 'conflict',
          id: stored.id,
          version: stored.version,
          contact: structuredClone(stored.contact),
          conflicts,
        };
      }
      this.serverDelete(stored.id);
      return { ...base, status: 'applied', id: stored.id, deleted: true, version: stored.version };
    }
    const next = structuredClone(stored.contact);
    let merged = false;
    if (stored.deleted) conflict('edit-vs-delete', 'contact', {});
    for (const [field, fieldChange] of Object.entries(change.fields ?? {})) {
      const current = (stored.contact as Record<string, unknown>)[field] as SyncFieldValue;
      const { value, base: fieldBase } = fieldChange!;
      if (field === 'emails') {
        const baseSet = new Set((fieldBase as string[] | undefined) ?? []);
        const valueSet = new Set(value as string[]);
        const removed = [...baseSet].filter((email) => !valueSet.has(email));
        const added = [...valueSet].filter((email) => !baseSet.has(email));
        const result = [
          ...(current as string[]).filter((email) => !removed.includes(email)),
          ...added.filter((email) => !(current as string[]).includes(email)),
        ];
        next.emails = result;
        continue;
      }
      if (
        JSON.stringify(current) === JSON.stringify(fieldBase) ||
        JSON.stringify(current) === JSON.stringify(value) ||
        stored.deleted
      ) {
        (next as Record<string, unknown>)[field] = value;
      } else {
        merged = true;
        conflict('field', field, { base: fieldBase, server: current, client: value });
      }
    }
    stored.contact = next;
    stored.version = ++this.#seq;
    stored.deleted = false;
    const status = conflicts.length
      ? 'conflict'
      : merged || stored.version - 1 !== change.baseVersion
        ? 'merged'
        : 'applied';
    return {
      ...base,
      status,
      id: stored.id,
      version: stored.version,
      contact: structuredClone(next),
      ...(conflicts.length ? { conflicts } : {}),
    };
  }
}

export { FIELDS as memoryServerFields };

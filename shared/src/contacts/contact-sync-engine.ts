import { v7 as uuidv7 } from 'uuid';
import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import { normalizeEmail } from '../mail/mail-address';
import type { KeyValueStorage } from '../offline/key-value-storage';
import { SerialStorage } from '../offline/key-value-storage';
import type {
  ContactConflict,
  ContactSyncChange,
  ContactSyncClientChange,
  ContactSyncResult,
  SyncContact,
  SyncContactField,
  SyncFieldChange,
} from '../schemas/contact-sync.schemas';
import { syncContactFields } from '../schemas/sync-contact-fields';
import type { ContactHostAdapter, HostContact } from './contact-host-adapter';

/** The two calls of the sync protocol (the API client has them; tests may pass a fake). */
export type ContactSyncTransport = Pick<ApiClient, 'pullContacts' | 'pushContacts'>;

export type SyncPhase = 'scan' | 'push' | 'pull' | 'resync';

export interface SyncProgress {
  phase: SyncPhase;
  /** Items handled so far in this phase (changes pushed, feed entries applied, contacts scanned). */
  done: number;
  /** Known total for the phase, when there is one. */
  total?: number;
}

export interface SyncRejection {
  localId: string;
  changeId: string;
  message: string;
}

export interface SyncSummary {
  pushed: number;
  pulled: number;
  hostCreated: number;
  hostUpdated: number;
  hostDeleted: number;
  conflicts: ContactConflict[];
  rejected: SyncRejection[];
  fullResync: boolean;
}

export interface ContactSyncEngineOptions {
  host: ContactHostAdapter;
  transport: ContactSyncTransport;
  storage: KeyValueStorage;
  /** Storage key prefix; one engine per (user, CRM, address book). */
  storageKey?: string;
  hostKind?: 'thunderbird' | 'outlook' | 'other';
  device?: string;
  pageSize?: number;
  batchSize?: number;
  onProgress?: (progress: SyncProgress) => void;
  onConflict?: (conflict: ContactConflict) => void;
  /** Errors outside a sync call (recording a host change event). */
  onError?: (error: unknown) => void;
  /** Id generator (UUIDv7 by default; tests inject a counter). */
  newId?: () => string;
}

/** What the engine keeps per linked contact. */
interface Link {
  localId: string;
  /** Absent while the create is in flight or was rejected. */
  crmId?: string;
  /** Server version `base` is at (0 before the first answer). */
  version: number;
  /** The server's contact at `version`: the base of the three-way merge. */
  base?: SyncContact;
  /** What the host held when it last agreed with the engine; absent = equal to `base`. */
  local?: SyncContact;
  /** A refused change: not resent until the contact changes again. */
  rejected?: string;
}

interface SyncState {
  formatVersion: 1;
  clientId: string;
  token?: string;
  /** Set while a full resync pages through the snapshot; the crm ids seen so far. */
  resync?: { seen: string[] };
  /** Contacts the host reported as changed since they were last pushed. */
  dirty: string[];
  /** A sent batch, resent byte for byte until an answer arrives (§9.2). */
  inflight?: ContactSyncClientChange[];
  conflicts: ContactConflict[];
  /** Host contacts carrying a CRM id the CRM did not send back: created anew on the next push. */
  staleCrmIds?: string[];
}

interface UnlinkedIndex {
  byCrmId: Map<string, HostContact>;
  byEmail: Map<string, HostContact>;
}

const SHARD_COUNT = 32;
const MAX_KEPT_CONFLICTS = 200;
/** The synced fields, from the zod-free list the schema is built from (keeps zod out of bundles). */
const FIELDS = syncContactFields;

/**
 * Two-way contact sync between a host address book and the CRM (sync-and-mail.md §9): pushes
 * local changes as frozen batches with per-field bases, pulls the change feed page by page,
 * persists progress after each step (resumable), never echoes its own writes, resyncs in full
 * on 410 without duplicates, and reports the server's conflict records.
 */
export class ContactSyncEngine {
  readonly #options: Required<
    Pick<ContactSyncEngineOptions, 'pageSize' | 'batchSize' | 'storageKey' | 'hostKind'>
  > &
    ContactSyncEngineOptions;
  readonly #storage: SerialStorage;
  readonly #newId: () => string;
  #state?: SyncState;
  #links = new Map<string, Link>();
  #byCrmId = new Map<string, Link>();
  #changedShards = new Set<number>();
  /** Contacts the engine is writing right now: their change events are our own echo. */
  readonly #writing = new Set<string>();
  /** A process start scans the whole book once (events may have been missed while it was off). */
  #needsScan = true;
  #running?: Promise<SyncSummary>;
  #unsubscribe?: () => void;
  /** Unlinked host contacts by CRM id and e-mail, built once per cycle when the feed needs it. */
  #unlinkedIndex?: UnlinkedIndex;

  constructor(options: ContactSyncEngineOptions) {
    this.#options = {
      pageSize: 500,
      batchSize: 100,
      storageKey: 'inbox-crm.contact-sync',
      hostKind: 'other',
      ...options,
    };
    this.#storage = new SerialStorage(options.storage);
    this.#newId = options.newId ?? (() => uuidv7());
  }

  /** Listen to the host's change events (call once; `stop()` undoes it). */
  start(): void {
    this.#unsubscribe ??= this.#options.host.onChange?.((localId) => this.#markDirty(localId));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Conflicts the server reported to this client (most recent last). */
  async conflicts(): Promise<ContactConflict[]> {
    return [...(await this.#load()).conflicts];
  }

  /** One full cycle: resend a lost batch, push local changes, pull the feed. One at a time. */
  sync(): Promise<SyncSummary> {
    this.#running ??= this.#syncOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  // ----------------------------------------------------------------------------- the cycle

  async #syncOnce(): Promise<SyncSummary> {
    const summary: SyncSummary = {
      pushed: 0,
      pulled: 0,
      hostCreated: 0,
      hostUpdated: 0,
      hostDeleted: 0,
      conflicts: [],
      rejected: [],
      fullResync: false,
    };
    const state = await this.#load();
    this.#unlinkedIndex = undefined;
    await this.#takeDirtyEvents();
    if (state.inflight) await this.#sendInflight(summary);
    // Without a token the CRM's contacts are linked first: a first sync never uploads the whole book.
    if (!state.token) await this.#pull(summary);
    if (this.#needsScan) await this.#scan();
    await this.#pushDirty(summary);
    await this.#pull(summary);
    return summary;
  }

  async #scan(): Promise<void> {
    const state = this.#state!;
    const contacts = await this.#options.host.list();
    const present = new Set<string>();
    contacts.forEach((hostContact, index) => {
      present.add(hostContact.localId);
      const link = this.#links.get(hostContact.localId);
      if (!link || !sameContact(link.local ?? link.base, hostContact.contact))
        state.dirty.push(hostContact.localId);
      if ((index + 1) % 1000 === 0) this.#progress('scan', index + 1, contacts.length);
    });
    for (const link of this.#links.values())
      if (!present.has(link.localId)) state.dirty.push(link.localId);
    state.dirty = [...new Set(state.dirty)];
    this.#needsScan = false;
    await this.#persist();
  }

  async #pushDirty(summary: SyncSummary): Promise<void> {
    const state = this.#state!;
    let done = 0;
    while (state.dirty.length) {
      const batch: ContactSyncClientChange[] = [];
      const taken: string[] = [];
      for (const localId of state.dirty) {
        if (batch.length >= this.#options.batchSize) break;
        taken.push(localId);
        const change = await this.#changeFor(localId);
        if (change) batch.push(change);
      }
      state.dirty = state.dirty.filter((localId) => !taken.includes(localId));
      if (!batch.length) {
        await this.#persist();
        continue;
      }
      state.inflight = batch;
      await this.#persist(); // frozen before it leaves
      await this.#sendInflight(summary);
      done += batch.length;
      this.#progress('push', done);
    }
  }

  /** The change to send for one contact, from its host state against its link (or nothing). */
  async #changeFor(localId: string): Promise<ContactSyncClientChange | undefined> {
    const hostContact = await this.#options.host.get(localId);
    const link = this.#links.get(localId);
    const changeId = this.#newId();
    if (!hostContact) {
      if (!link) return undefined;
      if (!link.crmId) {
        this.#removeLink(link);
        return undefined;
      }
      return {
        changeId,
        op: 'delete',
        id: link.crmId,
        localRef: localId,
        baseVersion: link.version,
      };
    }
    if (!link || !link.crmId) {
      if (link?.rejected && sameContact(link.local, hostContact.contact)) return undefined;
      // A card that carries a CRM id but no link: written by us before a crash, linked by the feed.
      if (!link && hostContact.crmId && !this.#state!.staleCrmIds?.includes(localId))
        return undefined;
      this.#setLink({ localId, version: 0, local: hostContact.contact });
      const fields: Partial<Record<SyncContactField, SyncFieldChange>> = {};
      for (const field of FIELDS) fields[field] = { value: fieldValue(hostContact.contact, field) };
      return { changeId, op: 'create', localRef: localId, fields };
    }
    const seen = link.local ?? link.base!;
    const fields: Partial<Record<SyncContactField, SyncFieldChange>> = {};
    for (const field of FIELDS) {
      const value = fieldValue(hostContact.contact, field);
      if (!sameValue(value, fieldValue(seen, field)))
        fields[field] = { value, base: fieldValue(link.base!, field) };
    }
    if (!Object.keys(fields).length) return undefined;
    this.#setLink({ ...link, local: hostContact.contact, rejected: undefined });
    return {
      changeId,
      op: 'update',
      id: link.crmId,
      localRef: localId,
      baseVersion: link.version,
      fields,
    };
  }

  async #sendInflight(summary: SyncSummary): Promise<void> {
    const state = this.#state!;
    const changes = state.inflight!;
    const response = await this.#options.transport.pushContacts({
      clientId: state.clientId,
      host: this.#options.hostKind,
      device: this.#options.device,
      changes,
    });
    for (const [index, result] of response.results.entries()) {
      const change = changes[index];
      if (change) await this.#applyResult(change, result, summary);
    }
    summary.pushed += changes.length;
    state.inflight = undefined;
    await this.#persist();
  }

  async #applyResult(
    change: ContactSyncClientChange,
    result: ContactSyncResult,
    summary: SyncSummary,
  ): Promise<void> {
    const localId = change.localRef!;
    const link = this.#links.get(localId);
    for (const conflict of result.conflicts ?? []) this.#recordConflict(conflict, summary);
    if (result.status === 'rejected') {
      summary.rejected.push({
        localId,
        changeId: change.changeId,
        message: result.error?.message ?? 'refused',
      });
      if (link) this.#setLink({ ...link, rejected: result.error?.message ?? 'refused' });
      return;
    }
    if (result.deleted || !result.contact || !result.id || result.version === undefined) {
      if (link) this.#removeLink(link);
      return;
    }
    const existing = this.#byCrmId.get(result.id);
    if (existing && existing.localId !== localId && change.op === 'create') {
      // Our create was matched to a contact we already hold: keep one local card.
      await this.#deleteHost(localId, summary);
      this.#removeLink(link!);
      return;
    }
    if (change.op === 'delete') {
      // The CRM kept the contact (edited there after our base): it comes back into the book.
      if (link) this.#removeLink(link);
      await this.#adoptServerState(
        undefined,
        result.id,
        result.version,
        result.contact,
        summary,
        undefined,
      );
      return;
    }
    await this.#adoptServerState(
      localId,
      result.id,
      result.version,
      result.contact,
      summary,
      link?.local,
    );
    const state = this.#state!;
    if (state.staleCrmIds?.includes(localId))
      state.staleCrmIds = state.staleCrmIds.filter((id) => id !== localId);
  }

  async #pull(summary: SyncSummary): Promise<void> {
    const state = this.#state!;
    if (!state.token && !state.resync) state.resync = { seen: [] };
    for (;;) {
      let page;
      try {
        page = await this.#options.transport.pullContacts({
          token: state.token,
          limit: this.#options.pageSize,
        });
      } catch (error) {
        if (error instanceof ApiError && error.status === 410) {
          state.token = undefined;
          state.resync = { seen: [] };
          summary.fullResync = true;
          await this.#persist();
          continue;
        }
        throw error;
      }
      const phase: SyncPhase = state.resync ? 'resync' : 'pull';
      for (const change of page.changes) await this.#applyFeedChange(change, summary);
      summary.pulled += page.changes.length;
      if (state.resync)
        state.resync.seen.push(
          ...page.changes.filter((change) => !change.deleted).map((change) => change.id),
        );
      if (!page.hasMore && state.resync) await this.#finishResync(summary);
      const tokenChanged = state.token !== page.nextToken;
      state.token = page.nextToken;
      if (tokenChanged || page.changes.length || this.#changedShards.size) await this.#persist();
      this.#progress(phase, summary.pulled);
      if (!page.hasMore) return;
    }
  }

  async #applyFeedChange(change: ContactSyncChange, summary: SyncSummary): Promise<void> {
    const link = this.#byCrmId.get(change.id);
    if (link && change.version <= link.version) return; // already applied (replayed page, our own write)
    if (change.deleted || !change.contact) {
      if (!link) return;
      if (await this.#hasUnsentEdits(link)) return; // the push resurrects it with a conflict record
      await this.#deleteHost(link.localId, summary);
      this.#removeLink(link);
      return;
    }
    if (link) {
      if (await this.#hasUnsentEdits(link)) return; // merged by the server when the edit is pushed
      await this.#adoptServerState(
        link.localId,
        change.id,
        change.version,
        change.contact,
        summary,
        link.local,
      );
      return;
    }
    const match = await this.#findUnlinkedMatch(change.id, change.contact);
    if (match) this.#forgetUnlinked(match);
    await this.#adoptServerState(
      match?.localId,
      change.id,
      change.version,
      change.contact,
      summary,
      match?.contact,
    );
  }

  /**
   * Make the host hold the server's contact and remember it as the base. A host contact edited
   * since `sent` is left alone: the edit goes out with the next push and comes back merged.
   */
  async #adoptServerState(
    localId: string | undefined,
    crmId: string,
    version: number,
    contact: SyncContact,
    summary: SyncSummary,
    sent: SyncContact | undefined,
  ): Promise<void> {
    const host = this.#options.host;
    if (localId === undefined) {
      const created = await this.#write(undefined, () => host.create(contact, { crmId }));
      summary.hostCreated += 1;
      this.#setLink({
        localId: created.localId,
        crmId,
        version,
        base: contact,
        local: differentOrUndefined(created.contact, contact),
      });
      return;
    }
    const current = await host.get(localId);
    if (!current) {
      // Deleted locally meanwhile: the next push sends the delete against this version.
      this.#setLink({ localId, crmId, version, base: contact, local: contact });
      this.#state!.dirty.push(localId);
      return;
    }
    if (sent && !sameContact(current.contact, sent)) {
      this.#setLink({ localId, crmId, version, base: contact, local: sent });
      this.#state!.dirty.push(localId);
      return;
    }
    let stored = current;
    if (!sameContact(current.contact, contact) || current.crmId !== crmId) {
      stored = await this.#write(localId, () => host.update(localId, contact, { crmId }));
      summary.hostUpdated += 1;
    }
    this.#setLink({
      localId,
      crmId,
      version,
      base: contact,
      local: differentOrUndefined(stored.contact, contact),
    });
  }

  /** After a full snapshot: cards linked to contacts that did not come back are gone from the CRM. */
  async #finishResync(summary: SyncSummary): Promise<void> {
    const seen = new Set(this.#state!.resync!.seen);
    for (const link of [...this.#links.values()]) {
      if (!link.crmId || seen.has(link.crmId)) continue;
      if (await this.#hasUnsentEdits(link)) {
        // Unsynced edits of a contact the CRM no longer has: sent again as a new contact.
        this.#setLink({ localId: link.localId, version: 0, local: undefined });
        this.#state!.dirty.push(link.localId);
        continue;
      }
      await this.#deleteHost(link.localId, summary);
      this.#removeLink(link);
    }
    // Cards with a CRM id the snapshot did not contain (copied, or from another CRM): new contacts.
    const stale = [...(await this.#unlinked()).byCrmId.values()].map(
      (hostContact) => hostContact.localId,
    );
    if (stale.length) {
      this.#state!.staleCrmIds = [...new Set([...(this.#state!.staleCrmIds ?? []), ...stale])];
      this.#state!.dirty.push(...stale);
    }
    this.#state!.resync = undefined;
  }

  /** A never-linked host contact for a server contact: by stored CRM id, then by e-mail. */
  async #findUnlinkedMatch(crmId: string, contact: SyncContact): Promise<HostContact | undefined> {
    const index = await this.#unlinked();
    const byCrm = index.byCrmId.get(crmId);
    if (byCrm) return byCrm;
    const emailKey = contact.email ? normalizeEmail(contact.email) : undefined;
    return emailKey ? index.byEmail.get(emailKey) : undefined;
  }

  async #unlinked(): Promise<UnlinkedIndex> {
    if (this.#unlinkedIndex) return this.#unlinkedIndex;
    const index = {
      byCrmId: new Map<string, HostContact>(),
      byEmail: new Map<string, HostContact>(),
    };
    // A create in flight links through its own result, never by e-mail.
    const inflight = new Set((this.#state!.inflight ?? []).map((change) => change.localRef));
    for (const hostContact of await this.#options.host.list()) {
      const link = this.#links.get(hostContact.localId);
      if ((link && link.crmId) || inflight.has(hostContact.localId)) continue;
      if (hostContact.crmId) index.byCrmId.set(hostContact.crmId, hostContact);
      else if (hostContact.contact.email && !link) {
        const key = normalizeEmail(hostContact.contact.email);
        if (!index.byEmail.has(key)) index.byEmail.set(key, hostContact);
      }
    }
    this.#unlinkedIndex = index;
    return index;
  }

  #forgetUnlinked(hostContact: HostContact): void {
    if (!this.#unlinkedIndex) return;
    if (hostContact.crmId) this.#unlinkedIndex.byCrmId.delete(hostContact.crmId);
    if (hostContact.contact.email)
      this.#unlinkedIndex.byEmail.delete(normalizeEmail(hostContact.contact.email));
  }

  async #hasUnsentEdits(link: Link): Promise<boolean> {
    const current = await this.#options.host.get(link.localId);
    if (!current) return true;
    return !sameContact(current.contact, link.local ?? link.base);
  }

  async #deleteHost(localId: string, summary: SyncSummary): Promise<void> {
    await this.#write(localId, async () => {
      await this.#options.host.delete(localId);
      return undefined;
    });
    summary.hostDeleted += 1;
  }

  /** Run a host write with its change events marked as our own echo. */
  async #write<Result>(localId: string | undefined, write: () => Promise<Result>): Promise<Result> {
    if (localId) this.#writing.add(localId);
    try {
      const result = await write();
      const writtenId = (result as HostContact | undefined)?.localId;
      if (writtenId) this.#writing.add(writtenId);
      // Hosts deliver events after the write resolves: drop our marker once they have run.
      setTimeout(() => {
        if (localId) this.#writing.delete(localId);
        if (writtenId) this.#writing.delete(writtenId);
      }, 0);
      return result;
    } catch (error) {
      if (localId) this.#writing.delete(localId);
      throw error;
    }
  }

  /** Host events land in their own key, so they never write the sync state mid-cycle. */
  #markDirty(localId: string): void {
    if (this.#writing.has(localId)) return;
    const key = `${this.#options.storageKey}.changed`;
    void this.#storage
      .run(async (storage) => {
        const changed = (await storage.get<string[]>(key)) ?? [];
        if (!changed.includes(localId)) await storage.set(key, [...changed, localId]);
      })
      .catch((error: unknown) => this.#options.onError?.(error));
  }

  async #takeDirtyEvents(): Promise<void> {
    const key = `${this.#options.storageKey}.changed`;
    await this.#storage.run(async (storage) => {
      const changed = (await storage.get<string[]>(key)) ?? [];
      if (!changed.length) return;
      const state = this.#state!;
      state.dirty = [...new Set([...state.dirty, ...changed])];
      await storage.set(`${this.#options.storageKey}.state`, state);
      await storage.remove(key);
    });
  }

  #recordConflict(conflict: ContactConflict, summary: SyncSummary): void {
    const state = this.#state!;
    summary.conflicts.push(conflict);
    state.conflicts.push(conflict);
    if (state.conflicts.length > MAX_KEPT_CONFLICTS)
      state.conflicts.splice(0, state.conflicts.length - MAX_KEPT_CONFLICTS);
    this.#options.onConflict?.(conflict);
  }

  #progress(phase: SyncPhase, done: number, total?: number): void {
    this.#options.onProgress?.({ phase, done, total });
  }

  // ----------------------------------------------------------------------------- persistence

  #setLink(link: Link): void {
    const previous = this.#links.get(link.localId);
    if (previous?.crmId && previous.crmId !== link.crmId) this.#byCrmId.delete(previous.crmId);
    const clean: Link = { localId: link.localId, version: link.version };
    if (link.crmId) clean.crmId = link.crmId;
    if (link.base) clean.base = link.base;
    if (link.local && !(link.base && sameContact(link.local, link.base))) clean.local = link.local;
    if (link.rejected) clean.rejected = link.rejected;
    this.#links.set(link.localId, clean);
    if (clean.crmId) this.#byCrmId.set(clean.crmId, clean);
    this.#changedShards.add(shardOf(link.localId));
  }

  #removeLink(link: Link): void {
    this.#links.delete(link.localId);
    if (link.crmId && this.#byCrmId.get(link.crmId) === link) this.#byCrmId.delete(link.crmId);
    this.#changedShards.add(shardOf(link.localId));
  }

  async #load(): Promise<SyncState> {
    if (this.#state) return this.#state;
    const key = this.#options.storageKey;
    await this.#storage.run(async (storage) => {
      if (this.#state) return;
      const state = (await storage.get<SyncState>(`${key}.state`)) ?? {
        formatVersion: 1,
        clientId: this.#newId(),
        dirty: [],
        conflicts: [],
      };
      const shards = await Promise.all(
        Array.from({ length: SHARD_COUNT }, (_, shard) =>
          storage.get<Link[]>(`${key}.links.${shard}`),
        ),
      );
      for (const link of shards.flatMap((shard) => shard ?? [])) {
        this.#links.set(link.localId, link);
        if (link.crmId) this.#byCrmId.set(link.crmId, link);
      }
      this.#state = state;
    });
    return this.#state!;
  }

  /** Links first, then the state with the token: a crash in between replays a page, harmlessly. */
  async #persist(): Promise<void> {
    const key = this.#options.storageKey;
    const shards = [...this.#changedShards];
    this.#changedShards.clear();
    const byShard = new Map<number, Link[]>(shards.map((shard) => [shard, []]));
    if (shards.length) {
      for (const link of this.#links.values()) byShard.get(shardOf(link.localId))?.push(link);
    }
    await this.#storage.run(async (storage) => {
      for (const [shard, links] of byShard) await storage.set(`${key}.links.${shard}`, links);
      await storage.set(`${key}.state`, this.#state);
    });
  }
}

function shardOf(localId: string): number {
  let hash = 0;
  for (let index = 0; index < localId.length; index += 1)
    hash = (hash * 31 + localId.charCodeAt(index)) | 0;
  return Math.abs(hash) % SHARD_COUNT;
}

function fieldValue(contact: SyncContact, field: SyncContactField): SyncFieldChange['value'] {
  const value = (contact as Record<string, unknown>)[field];
  if (field === 'emails') return Array.isArray(value) ? (value as string[]) : [];
  return (value ?? null) as SyncFieldChange['value'];
}

function sameValue(left: unknown, right: unknown): boolean {
  if (Array.isArray(left) || Array.isArray(right)) {
    return JSON.stringify(left ?? []) === JSON.stringify(right ?? []);
  }
  return (left ?? null) === (right ?? null);
}

/** Equality of the synced fields (rule 5: compare by model, never by serialized text). */
export function sameContact(
  left: SyncContact | undefined,
  right: SyncContact | undefined,
): boolean {
  if (!left || !right) return left === right;
  return FIELDS.every((field) => sameValue(fieldValue(left, field), fieldValue(right, field)));
}

function differentOrUndefined(stored: SyncContact, server: SyncContact): SyncContact | undefined {
  return sameContact(stored, server) ? undefined : stored;
}

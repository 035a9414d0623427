import type { SyncContact } from '@inbox-crm/shared/schemas';
import type { ContactHostAdapter, HostContact } from '@inbox-crm/shared/contacts';
import type { KeyValueStorage } from '@inbox-crm/shared/offline';
import type { AnyBulkWriteOperation } from 'mongoose';
import { Types } from 'mongoose';
import { GraphDeltaExpiredError, type GraphClient } from './graph-client';
import type { GraphContact } from './graph-contact';
import { graphContactFromSync, syncContactFromGraph } from './graph-contact-mapping';
import {
  OutlookContactMirrorModel,
  OutlookSyncStateModel,
  type OutlookContactMirrorRecord,
} from './graph-contact-sync.model';

export interface DeltaRefreshResult {
  deltaLink: string;
  /** The stored link had expired (410 …): the folder was read again from scratch. */
  fullResync: boolean;
  applied: number;
  removed: number;
}

/**
 * The shared sync engine's host adapter for a contact folder in an Outlook mailbox, through
 * Microsoft Graph. The engine lists and reads the folder many times per cycle, so the adapter
 * keeps a per-user mirror in MongoDB, brought up to date by a delta round (`refresh`) before each
 * cycle and by its own writes; the engine's writes go straight to Graph.
 */
export class GraphContactHost implements ContactHostAdapter {
  readonly #userId: Types.ObjectId;

  constructor(
    private readonly graph: GraphClient,
    userId: string,
    private readonly folderId: string,
  ) {
    this.#userId = new Types.ObjectId(userId);
  }

  /**
   * One delta round from `deltaLink` (none: the whole folder). On an expired link the folder is
   * read again in full; mirror entries it did not return are gone. Replays upsert by Graph id.
   */
  async refresh(deltaLink: string | undefined): Promise<DeltaRefreshResult> {
    let fullResync = deltaLink === undefined;
    let round;
    try {
      round = await this.graph.contactsDelta(this.folderId, deltaLink);
    } catch (error) {
      if (!(error instanceof GraphDeltaExpiredError)) throw error;
      fullResync = true;
      round = await this.graph.contactsDelta(this.folderId);
    }
    const roundId = Date.now();
    const latest = new Map<string, (typeof round.entries)[number]>();
    for (const entry of round.entries) latest.set(entry.id, entry); // the last one wins
    // Graph may send only the changed properties of an updated contact: merge over what we hold.
    const held = new Map(
      (
        await OutlookContactMirrorModel.find(
          { userId: this.#userId, graphId: { $in: [...latest.keys()] } },
          { graphId: 1, json: 1 },
        ).lean()
      ).map((record) => [record.graphId, JSON.parse(record.json) as GraphContact]),
    );
    const operations: AnyBulkWriteOperation<OutlookContactMirrorRecord>[] = [];
    let removed = 0;
    for (const entry of latest.values()) {
      if (entry['@removed']) {
        removed += 1;
        operations.push({ deleteOne: { filter: { userId: this.#userId, graphId: entry.id } } });
        continue;
      }
      const contact: GraphContact = { ...held.get(entry.id), ...(entry as GraphContact) };
      if (contact.parentFolderId && contact.parentFolderId !== this.folderId) {
        // Moved out of the folder: no longer part of the synced book.
        removed += 1;
        operations.push({ deleteOne: { filter: { userId: this.#userId, graphId: entry.id } } });
        continue;
      }
      operations.push({
        updateOne: {
          filter: { userId: this.#userId, graphId: contact.id },
          update: {
            $set: {
              json: JSON.stringify(contact),
              changeKey: contact.changeKey ?? null,
              seenRound: roundId,
            },
          },
          upsert: true,
        },
      });
    }
    if (operations.length) await OutlookContactMirrorModel.bulkWrite(operations, { ordered: true });
    if (fullResync) {
      await OutlookContactMirrorModel.deleteMany({
        userId: this.#userId,
        seenRound: { $lt: roundId },
      });
    }
    return { deltaLink: round.deltaLink, fullResync, applied: latest.size - removed, removed };
  }

  async list(): Promise<HostContact[]> {
    const records = await OutlookContactMirrorModel.find({ userId: this.#userId })
      .sort({ graphId: 1 })
      .lean();
    return records.map(hostContactFrom);
  }

  async get(localId: string): Promise<HostContact | undefined> {
    const record = await OutlookContactMirrorModel.findOne({
      userId: this.#userId,
      graphId: localId,
    }).lean();
    return record ? hostContactFrom(record) : undefined;
  }

  async create(contact: SyncContact, link: { crmId: string }): Promise<HostContact> {
    const created = await this.graph.createContact(
      this.folderId,
      graphContactFromSync(contact, link.crmId),
    );
    return this.#remember(created, link.crmId);
  }

  async update(
    localId: string,
    contact: SyncContact,
    link: { crmId: string },
  ): Promise<HostContact> {
    const updated = await this.graph.updateContact(
      localId,
      graphContactFromSync(contact, link.crmId),
    );
    return this.#remember(updated, link.crmId);
  }

  async delete(localId: string): Promise<void> {
    await this.graph.deleteContact(localId);
    await OutlookContactMirrorModel.deleteOne({ userId: this.#userId, graphId: localId });
  }

  async #remember(contact: GraphContact, crmId: string): Promise<HostContact> {
    const { singleValueExtendedProperties: _ours, ...stored } = contact;
    const record = await OutlookContactMirrorModel.findOneAndUpdate(
      { userId: this.#userId, graphId: contact.id },
      {
        $set: { json: JSON.stringify(stored), changeKey: contact.changeKey ?? null, crmId },
        $setOnInsert: { seenRound: Date.now() },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return hostContactFrom(record!);
  }
}

function hostContactFrom(record: OutlookContactMirrorRecord): HostContact {
  const contact = JSON.parse(record.json) as GraphContact;
  const hostContact: HostContact = {
    localId: record.graphId,
    contact: syncContactFromGraph(contact),
  };
  if (record.crmId) hostContact.crmId = record.crmId;
  return hostContact;
}

/** The engine's key/value state for one user, in MongoDB. */
export class MongoKeyValueStorage implements KeyValueStorage {
  readonly #userId: Types.ObjectId;

  constructor(userId: string) {
    this.#userId = new Types.ObjectId(userId);
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const record = await OutlookSyncStateModel.findOne({ userId: this.#userId, key }).lean();
    return record ? (JSON.parse(record.json) as Value) : undefined;
  }

  async set<Value>(key: string, value: Value): Promise<void> {
    await OutlookSyncStateModel.updateOne(
      { userId: this.#userId, key },
      { $set: { json: JSON.stringify(value) } },
      { upsert: true },
    );
  }

  async remove(key: string): Promise<void> {
    await OutlookSyncStateModel.deleteOne({ userId: this.#userId, key });
  }

  async clear(): Promise<void> {
    await OutlookSyncStateModel.deleteMany({ userId: this.#userId });
  }
}

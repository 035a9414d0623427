import { randomUUID } from 'node:crypto';
import mongoose, { Types, type ClientSession } from 'mongoose';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import {
  ContactChangeModel,
  ContactSequenceCounterModel,
  type ContactChange,
  type ContactSnapshot,
} from './contact-change.model';

/**
 * Every contact (partner) change gets a place in one server-wide sequence; a delete leaves a
 * tombstone. Why it is safe under concurrency (`sync-and-mail.md` §10):
 *
 * - Inside a transaction (`session`), the sequence is taken with `$inc` on one counter document
 *   in the same transaction as the partner write: two transactions touching the counter conflict,
 *   so commits happen in sequence order.
 * - Without a session, allocation and log insert run through one in-process writer chain.
 * - Readers never trust a number chosen before commit: they read the counter first and stop before
 *   the first hole (a sequence allocated but not yet visible) until the hole is older than any
 *   transaction may live — the "stable high-water mark". So a change committing late is never
 *   skipped, whichever database sits underneath.
 */

const counterId = 'contacts';

/** MongoDB aborts transactions after 60 s (`transactionLifetimeLimitSeconds`); a hole older than that is abandoned. */
export const abandonedGapMs = 65_000;

/** Tombstones are kept 90 days (`sync-and-mail.md` §9.1): a client away longer resyncs in full. */
export const tombstoneRetentionMs = 90 * 24 * 3_600_000;

export interface RecordContactChangeInput {
  partnerId: Types.ObjectId | string;
  /** The partner was deleted (or should leave every address book): leaves a tombstone. */
  deleted?: boolean;
}

export interface RecordContactChangeOptions {
  session?: ClientSession | null;
}

let writerChain: Promise<unknown> = Promise.resolve();

function runSerialized<T>(work: () => Promise<T>): Promise<T> {
  const run = writerChain.then(work, work);
  writerChain = run.catch(() => undefined);
  return run;
}

/**
 * Call AFTER the partner write, with the same session: the entry snapshots the partner as
 * written. An archived or missing partner is recorded as a tombstone.
 */
export async function recordContactChange(
  input: RecordContactChangeInput,
  options: RecordContactChangeOptions = {},
): Promise<{ seq: number }> {
  const partnerId = new Types.ObjectId(String(input.partnerId));
  const session = options.session ?? undefined;
  const write = async (): Promise<{ seq: number }> => {
    const snapshot = input.deleted ? undefined : await loadContactSnapshot(partnerId, session);
    const seq = await allocateSequence(session);
    await ContactChangeModel.create(
      [{ seq, partnerId, deleted: snapshot === undefined, snapshot, recordedAt: new Date() }],
      { session },
    );
    return { seq };
  };
  return session ? write() : runSerialized(write);
}

/**
 * Many partners at once (imports, benchmark seeding): one block of sequence numbers, one insert.
 * Takes the partners as just written (no read back); same rules as `recordContactChange`.
 */
export async function recordContactChanges(
  partners: Array<PartnerDocumentFields & { _id: Types.ObjectId; active?: boolean }>,
  options: RecordContactChangeOptions = {},
): Promise<{ firstSeq: number; lastSeq: number }> {
  if (partners.length === 0) return { firstSeq: 0, lastSeq: 0 };
  const session = options.session ?? undefined;
  const write = async (): Promise<{ firstSeq: number; lastSeq: number }> => {
    const lastSeq = await allocateSequence(session, partners.length);
    const firstSeq = lastSeq - partners.length + 1;
    const recordedAt = new Date();
    const entries = partners.map((partner, index) => {
      const snapshot = partner.active === false ? undefined : snapshotFromPartner(partner);
      return {
        seq: firstSeq + index,
        partnerId: partner._id,
        deleted: snapshot === undefined,
        snapshot,
        recordedAt,
      };
    });
    await ContactChangeModel.insertMany(entries, { session });
    return { firstSeq, lastSeq };
  };
  return session ? write() : runSerialized(write);
}

let counterReadyFor: string | undefined;

/** Creates the counter outside any transaction (an upsert race inside one would abort it). */
async function ensureCounter(): Promise<void> {
  const databaseName = mongoose.connection.db?.databaseName;
  if (databaseName !== undefined && counterReadyFor === databaseName) return;
  await ContactSequenceCounterModel.updateOne(
    { _id: counterId },
    {
      $setOnInsert: {
        seq: 0,
        horizonSeq: 0,
        prunedThroughSeq: 0,
        epoch: randomUUID(),
        allocatedAt: new Date(),
      },
    },
    { upsert: true },
  ).catch((error: unknown) => {
    // Two first writers racing on the upsert: the other one created it, which is all we need.
    if (!isDuplicateKeyError(error)) throw error;
  });
  counterReadyFor = databaseName;
}

/** Takes `count` numbers; returns the last one. */
async function allocateSequence(session: ClientSession | undefined, count = 1): Promise<number> {
  await ensureCounter();
  const counter = await ContactSequenceCounterModel.findOneAndUpdate(
    { _id: counterId },
    { $inc: { seq: count }, $set: { allocatedAt: new Date() } },
    { returnDocument: 'after', session },
  ).lean();
  if (!counter) {
    // Dropped between ensureCounter and here (tests dropping the database): start again.
    counterReadyFor = undefined;
    return allocateSequence(session, count);
  }
  return counter.seq;
}

export interface CounterState {
  seq: number;
  horizonSeq: number;
  prunedThroughSeq: number;
  epoch: string;
  allocatedAt: Date;
}

export async function readCounter(): Promise<CounterState> {
  await ensureCounter();
  const counter = await ContactSequenceCounterModel.findById(counterId).lean();
  if (!counter) throw new Error('contact sequence counter missing');
  return {
    seq: counter.seq,
    horizonSeq: counter.horizonSeq,
    prunedThroughSeq: counter.prunedThroughSeq ?? 0,
    epoch: counter.epoch,
    allocatedAt: counter.allocatedAt,
  };
}

export interface StableChangesPage {
  entries: ContactChange[];
  /** Everything at or below it has been seen (the next cursor). */
  stableSeq: number;
  /** More stable entries are ready beyond `stableSeq`. */
  hasMore: boolean;
  counter: CounterState;
}

/**
 * Log entries after `afterSeq`, in sequence order, up to the stable high-water mark. `maxEntries`
 * bounds one read; callers loop while `hasMore`.
 */
export async function readStableChanges(
  afterSeq: number,
  maxEntries: number,
  now: Date = new Date(),
): Promise<StableChangesPage> {
  // The counter first: anything allocated after this read gets a higher number.
  const counter = await readCounter();
  const entries = await ContactChangeModel.find({ seq: { $gt: afterSeq, $lte: counter.seq } })
    .sort({ seq: 1 })
    .limit(maxEntries)
    .lean<ContactChange[]>();
  const stable: ContactChange[] = [];
  let expected = afterSeq + 1;
  for (const entry of entries) {
    const holeIsPruned = entry.seq - 1 <= counter.prunedThroughSeq;
    if (
      entry.seq > expected &&
      !holeIsPruned &&
      now.getTime() - entry.recordedAt.getTime() < abandonedGapMs
    ) {
      // A hole: a writer allocated `expected` and has not committed yet. Stop before it.
      return { entries: stable, stableSeq: expected - 1, hasMore: false, counter };
    }
    stable.push(entry);
    expected = entry.seq + 1;
  }
  if (entries.length === maxEntries) {
    return {
      entries: stable,
      stableSeq: expected - 1,
      hasMore: expected - 1 < counter.seq,
      counter,
    };
  }
  const tailGapAbandoned = now.getTime() - counter.allocatedAt.getTime() >= abandonedGapMs;
  const stableSeq = expected - 1 < counter.seq && tailGapAbandoned ? counter.seq : expected - 1;
  return { entries: stable, stableSeq, hasMore: false, counter };
}

/** The snapshot of a contact at a version (merge base), if still kept. */
export async function findSnapshotAt(
  partnerId: Types.ObjectId | string,
  version: number,
): Promise<ContactChange | null> {
  return ContactChangeModel.findOne({
    partnerId: new Types.ObjectId(String(partnerId)),
    seq: version,
  }).lean<ContactChange>();
}

/** The latest log entry of a contact: its current version and state. */
export async function findLatestChange(
  partnerId: Types.ObjectId | string,
  session?: ClientSession,
): Promise<ContactChange | null> {
  return ContactChangeModel.findOne({ partnerId: new Types.ObjectId(String(partnerId)) })
    .sort({ seq: -1 })
    .session(session ?? null)
    .lean<ContactChange>();
}

/**
 * Drops entries older than the retention: superseded states, and tombstones (moving the horizon
 * so that tokens older than a dropped tombstone answer 410). Returns what was removed.
 */
export async function pruneContactChanges(
  retentionMs: number,
  now: Date = new Date(),
): Promise<{ removed: number; horizonSeq: number }> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const old = await ContactChangeModel.find({ recordedAt: { $lt: cutoff } })
    .select({ seq: 1, partnerId: 1, deleted: 1 })
    .sort({ seq: 1 })
    .lean<Array<Pick<ContactChange, 'seq' | 'partnerId' | 'deleted'>>>();
  if (old.length === 0) return { removed: 0, horizonSeq: (await readCounter()).horizonSeq };
  const latestByPartner = new Map<string, number>();
  const partnerIds = [...new Set(old.map((entry) => String(entry.partnerId)))].map(
    (id) => new Types.ObjectId(id),
  );
  const latest = await ContactChangeModel.aggregate<{ _id: Types.ObjectId; seq: number }>([
    { $match: { partnerId: { $in: partnerIds } } },
    { $group: { _id: '$partnerId', seq: { $max: '$seq' } } },
  ]);
  for (const row of latest) latestByPartner.set(String(row._id), row.seq);
  const removable = old.filter(
    (entry) => entry.deleted || latestByPartner.get(String(entry.partnerId)) !== entry.seq,
  );
  if (removable.length === 0) return { removed: 0, horizonSeq: (await readCounter()).horizonSeq };
  const droppedTombstoneSeq = Math.max(
    0,
    ...removable.filter((entry) => entry.deleted).map((entry) => entry.seq),
  );
  const droppedSeq = Math.max(...removable.map((entry) => entry.seq));
  // Counter first: a reader must never accept a token whose tombstone is gone, nor wait on a
  // hole that pruning made.
  await ContactSequenceCounterModel.updateOne(
    { _id: counterId },
    { $max: { horizonSeq: droppedTombstoneSeq, prunedThroughSeq: droppedSeq } },
  );
  const result = await ContactChangeModel.deleteMany({
    seq: { $in: removable.map((entry) => entry.seq) },
  });
  return { removed: result.deletedCount, horizonSeq: (await readCounter()).horizonSeq };
}

/** Reads the partner as the sync sees it. `undefined` = gone or archived (a tombstone). */
async function loadContactSnapshot(
  partnerId: Types.ObjectId,
  session: ClientSession | undefined,
): Promise<ContactSnapshot | undefined> {
  const partner = await PartnerModel.findById(partnerId)
    .session(session ?? null)
    .lean<PartnerRecord>();
  if (!partner || !partner.active) return undefined;
  return snapshotFromPartner(partner);
}

/** The partner fields the sync reads. */
export type PartnerDocumentFields = Pick<
  PartnerRecord,
  | 'name'
  | 'isCompany'
  | 'parentId'
  | 'companyName'
  | 'jobPosition'
  | 'email'
  | 'emails'
  | 'phone'
  | 'mobile'
  | 'street'
  | 'street2'
  | 'zip'
  | 'city'
  | 'stateCode'
  | 'countryCode'
  | 'website'
  | 'lang'
  | 'notes'
  | 'userId'
  | 'teamId'
  | 'createdBy'
>;

export function snapshotFromPartner(partner: PartnerDocumentFields): ContactSnapshot {
  const text = (value: string | null | undefined): string | null =>
    value === undefined || value === null || value === '' ? null : value;
  const primary = text(partner.email);
  const extraEmails = (partner.emails ?? [])
    .map((entry) => entry.email ?? '')
    .filter((email) => email !== '' && email.toLowerCase() !== primary?.toLowerCase());
  return {
    name: partner.name ?? '',
    isCompany: partner.isCompany ?? false,
    companyName: text(partner.companyName),
    companyId: partner.parentId ? String(partner.parentId) : null,
    jobPosition: text(partner.jobPosition),
    email: primary,
    emails: [...new Set(extraEmails)],
    phone: text(partner.phone),
    mobile: text(partner.mobile),
    street: text(partner.street),
    street2: text(partner.street2),
    zip: text(partner.zip),
    city: text(partner.city),
    stateCode: text(partner.stateCode),
    countryCode: text(partner.countryCode),
    website: text(partner.website),
    lang: text(partner.lang),
    notes: text(partner.notes),
    userId: partner.userId ? String(partner.userId) : null,
    teamId: partner.teamId ? String(partner.teamId) : null,
    createdBy: partner.createdBy ? String(partner.createdBy) : null,
  };
}

function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}

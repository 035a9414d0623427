import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import mongoose, { Schema } from 'mongoose';

/**
 * A lease on one piece of work (e.g. syncing one user's Outlook contacts), shared by every server
 * instance through MongoDB: whoever holds an unexpired lease runs, the others stay out. A holder
 * that dies leaves a lease that expires and is taken over.
 */
export interface RunLeaseRecord {
  /** What is leased, e.g. `outlook-sync:<userId>`. */
  _id: string;
  /** The run holding it (instance and run id, for logs and to renew/release only one's own). */
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
}

const leaseSchema = new Schema<RunLeaseRecord>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    acquiredAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const RunLeaseModel = mongoose.model<RunLeaseRecord>(
  'RunLease',
  leaseSchema,
  'outlook_sync_leases',
);

const duplicateKey = 11000;

export interface HeldLease {
  key: string;
  owner: string;
  /** Extends the lease; false when it was lost (expired and taken over by another run). */
  renew(now?: Date): Promise<boolean>;
  /** Gives the lease up (only if still ours). */
  release(): Promise<void>;
}

/** A unique owner id for one run on this instance. */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/**
 * Takes the lease when it is free, expired, or already ours: one atomic findOneAndUpdate with
 * upsert. When another owner holds an unexpired lease the filter matches nothing and the upsert's
 * insert hits the `_id` → E11000: the lease is held, `undefined` is returned.
 */
export async function acquireLease(
  key: string,
  owner: string,
  ttlMs: number,
  now = new Date(),
): Promise<HeldLease | undefined> {
  try {
    await RunLeaseModel.findOneAndUpdate(
      { _id: key, $or: [{ expiresAt: { $lte: now } }, { owner }] },
      { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs), acquiredAt: now } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
  } catch (error) {
    if ((error as { code?: unknown }).code === duplicateKey) return undefined;
    throw error;
  }
  return {
    key,
    owner,
    async renew(at = new Date()) {
      const renewed = await RunLeaseModel.updateOne(
        { _id: key, owner },
        { $set: { expiresAt: new Date(at.getTime() + ttlMs) } },
      );
      return renewed.matchedCount === 1;
    },
    async release() {
      await RunLeaseModel.deleteOne({ _id: key, owner });
    },
  };
}

/** True when someone holds an unexpired lease on `key`. */
export async function isLeaseHeld(key: string, now = new Date()): Promise<boolean> {
  return (await RunLeaseModel.exists({ _id: key, expiresAt: { $gt: now } })) !== null;
}

/**
 * Runs `work` under the lease, renewing it every third of its lifetime; `undefined` (work not run)
 * when another run holds it. A renewal that finds the lease lost is reported through `onLost`
 * (the work goes on: its writes are idempotent, the next run reconciles).
 */
export async function withLease<T>(
  key: string,
  options: {
    ttlMs: number;
    owner?: string;
    onLost?: () => void;
    /** A renewal that could not reach the database (retried at the next tick). */
    onRenewError?: (error: unknown) => void;
  },
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const lease = await acquireLease(key, options.owner ?? newLeaseOwner(), options.ttlMs);
  if (!lease) return { ran: false };
  let lost = false;
  const timer = setInterval(
    () => {
      lease.renew().then(
        (kept) => {
          if (!kept && !lost) {
            lost = true;
            options.onLost?.();
          }
        },
        (error: unknown) => options.onRenewError?.(error),
      );
    },
    Math.max(1, Math.floor(options.ttlMs / 3)),
  );
  timer.unref();
  try {
    return { ran: true, value: await work() };
  } finally {
    clearInterval(timer);
    await lease.release();
  }
}

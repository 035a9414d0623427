import mongoose, { Schema, type ClientSession } from 'mongoose';
import { AppError } from '../../errors/app-error';

/**
 * "Do this once per key" for client retries and concurrent pushes (a mail's Message-ID, a sync
 * change id). A unique claim document decides the one writer — never read-then-write. The winner
 * runs its work in a transaction that also stores the result on the claim, so "claim done" and
 * "records written" commit together; everyone else waits for that result and answers it.
 */
export interface IdempotencyClaim {
  _id: string;
  state: 'pending' | 'done';
  result?: unknown;
  claimedAt: Date;
  completedAt?: Date;
}

const claimSchema = new Schema<IdempotencyClaim>(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: ['pending', 'done'], required: true },
    result: { type: Schema.Types.Mixed },
    claimedAt: { type: Date, required: true },
    completedAt: { type: Date },
  },
  { versionKey: false, minimize: false },
);

export const IdempotencyClaimModel = mongoose.model<IdempotencyClaim>(
  'IdempotencyClaim',
  claimSchema,
  'idempotency_claims',
);

export interface RunOnceOptions {
  /** A pending claim older than this belongs to a crashed writer and may be taken over. */
  staleAfterMs?: number;
  /** How long a concurrent caller waits for the winner's result before answering 409. */
  waitMs?: number;
}

export interface RunOnceOutcome<T> {
  result: T;
  /** True when the work had been done before (by an earlier or concurrent call). */
  replayed: boolean;
}

export async function runOnce<T>(
  key: string,
  work: (session: ClientSession) => Promise<T>,
  options: RunOnceOptions = {},
): Promise<RunOnceOutcome<T>> {
  const staleAfterMs = options.staleAfterMs ?? 120_000;
  const waitMs = options.waitMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  let delay = 10;
  for (;;) {
    const claimed = await tryClaim(key, staleAfterMs);
    if (claimed.owner) break;
    if (claimed.done) return { result: claimed.result as T, replayed: true };
    if (Date.now() > deadline) {
      throw new AppError(
        'conflict',
        'The same request is still being processed; retry in a moment',
        { key },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
  try {
    const result = await mongoose.connection.transaction(async (session) => {
      const value = await work(session);
      await IdempotencyClaimModel.updateOne(
        { _id: key },
        { $set: { state: 'done', result: toStorable(value), completedAt: new Date() } },
        { session },
      );
      return value;
    });
    // The first answer is byte-for-byte the one every replay gets.
    return { result: toStorable(result) as T, replayed: false };
  } catch (error) {
    // Release the claim so a retry can do the work; the transaction rolled everything else back.
    await IdempotencyClaimModel.deleteOne({ _id: key, state: 'pending' });
    throw error;
  }
}

type ClaimAttempt = { owner: true } | { owner: false; done: boolean; result?: unknown };

async function tryClaim(key: string, staleAfterMs: number): Promise<ClaimAttempt> {
  const now = new Date();
  try {
    await IdempotencyClaimModel.create({ _id: key, state: 'pending', claimedAt: now });
    return { owner: true };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
  }
  const existing = await IdempotencyClaimModel.findById(key).lean();
  if (!existing) return { owner: false, done: false }; // released meanwhile: try again
  if (existing.state === 'done') return { owner: false, done: true, result: existing.result };
  if (now.getTime() - existing.claimedAt.getTime() > staleAfterMs) {
    const takenOver = await IdempotencyClaimModel.findOneAndUpdate(
      { _id: key, state: 'pending', claimedAt: existing.claimedAt },
      { $set: { claimedAt: now } },
    ).lean();
    if (takenOver) return { owner: true };
  }
  return { owner: false, done: false };
}

/** Results are plain JSON (the API response); strip class instances and `undefined`. */
function toStorable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { model, Schema } from 'mongoose';
import { AppError } from '../../errors/app-error';

/** Failed password sign-ins allowed per login within the window, across server processes. */
export const maxFailuresPerLogin = 5;
const failureWindowMs = 15 * 60 * 1000;

interface LoginFailureRecord {
  _id: string;
  count: number;
  expiresAt: Date;
}

const loginFailureSchema = new Schema<LoginFailureRecord>({
  _id: { type: String, required: true },
  count: { type: Number, required: true },
  // TTL: MongoDB deletes the counter when its window ends.
  expiresAt: { type: Date, required: true, expires: 0 },
});

export const LoginFailureModel = model<LoginFailureRecord>('LoginFailure', loginFailureSchema);

export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError(
    'rate_limited',
    `Too many failed sign-in attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
    { retryAfterSeconds },
  );
}

/** Throws 429 when this login has used up its failures in the current window. */
export async function assertLoginNotLocked(login: string): Promise<void> {
  const record = await LoginFailureModel.findById(login).lean();
  if (!record || record.count < maxFailuresPerLogin || record.expiresAt.getTime() <= Date.now())
    return;
  throw tooManyAttempts(Math.max(1, Math.ceil((record.expiresAt.getTime() - Date.now()) / 1000)));
}

export async function recordLoginFailure(login: string): Promise<void> {
  const now = Date.now();
  await LoginFailureModel.deleteOne({ _id: login, expiresAt: { $lte: new Date(now) } });
  await LoginFailureModel.findOneAndUpdate(
    { _id: login },
    { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(now + failureWindowMs) } },
    { upsert: true, returnDocument: 'after' },
  );
}

export async function clearLoginFailures(login: string): Promise<void> {
  await LoginFailureModel.deleteOne({ _id: login });
}

/**
 * Per-address limit in front of the per-login counter (in memory, per process): stops one client
 * from spraying passwords over many logins.
 */
export function createLoginRateLimiter(): RequestHandler {
  return rateLimit({
    windowMs: failureWindowMs,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next, options) => {
      next(tooManyAttempts(Math.ceil(options.windowMs / 1000)));
    },
  });
}

import mongoose, { type ClientSession } from 'mongoose';

/**
 * Runs `work` inside the caller's transaction when a session is given (the caller commits), else in
 * a transaction of its own. Multi-document writes (a partner and its change-log entry, a lead
 * conversion or merge) are all-or-nothing either way.
 */
export async function runInTransaction<T>(
  session: ClientSession | undefined | null,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  if (session) return work(session);
  const ownSession = await mongoose.startSession();
  try {
    return await ownSession.withTransaction(() => work(ownSession));
  } finally {
    await ownSession.endSession();
  }
}

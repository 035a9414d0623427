import mongoose from 'mongoose';
import type { Db, Document } from 'mongodb';

/** True when the suite runs on the in-process server (no MONGODB_URI). */
export const onInProcessServer = !process.env.MONGODB_URI;

/** Tests of behaviour only the in-process server has (loud failures of unsupported features). */
export const itInProcessOnly = onInProcessServer ? it : it.skip;

export function database(): Db {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the test database is not connected');
  return db;
}

/** Runs a command and returns the error it fails with (or throws when it succeeds). */
export async function commandError(
  command: Document,
  on: Db = database(),
): Promise<Error & { code?: number; codeName?: string; errorLabels?: string[] } & Document> {
  try {
    await on.command(command);
  } catch (error) {
    return error as Error & Document;
  }
  throw new Error(`command ${JSON.stringify(Object.keys(command)[0])} unexpectedly succeeded`);
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Document> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Document;
  }
  throw new Error('expected a rejection');
}

import { canonicalKey, type Document } from './bson-values';
import type { WriteJournal } from './collection';
import { collectPathValues } from './document-paths';
import { MongoCommandError } from './errors';
import type { Storage } from './storage';

/**
 * Deletes documents whose TTL-indexed date is older than `expireAfterSeconds`, like mongod's TTL
 * monitor: the indexed field must be a date (or an array holding dates: the earliest counts).
 * Returns how many documents were removed.
 */
export function expireTtlDocuments(
  storage: Storage,
  journal: WriteJournal,
  now = Date.now(),
): number {
  let removed = 0;
  for (const collection of storage.allCollections()) {
    for (const index of collection.secondaryIndexes()) {
      const seconds = index.spec.expireAfterSeconds;
      if (seconds === undefined) continue;
      const field = index.fields[0] as string;
      const expired = collection.all().filter((document: Document) => {
        const dates = collectPathValues(document, field).filter(
          (value): value is Date => value instanceof Date,
        );
        if (dates.length === 0) return false;
        const earliest = Math.min(...dates.map((date) => date.getTime()));
        return earliest + seconds * 1000 <= now;
      });
      for (const document of expired) {
        try {
          collection.write(canonicalKey(document._id), undefined, journal);
          removed += 1;
        } catch (error) {
          // A document locked by an open transaction is retried on the next pass, as mongod does.
          if (!(error instanceof MongoCommandError)) throw error;
        }
      }
    }
  }
  return removed;
}

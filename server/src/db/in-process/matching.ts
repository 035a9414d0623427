import type { Document } from './bson-values';
import type { Collection } from './collection';
import { sortDocuments, type Filter, type SortSpec } from './query';

/**
 * The documents of a collection matching a filter, sorted, after `skip`, at most `limit`.
 * Without a sort it stops scanning as soon as enough documents matched.
 */
export function findMatches(
  collection: Collection | undefined,
  filter: Filter,
  options: { sort?: SortSpec; skip?: number; limit?: number } = {},
): Document[] {
  if (!collection) return [];
  const skip = options.skip ?? 0;
  const limit = options.limit && options.limit > 0 ? options.limit : undefined;
  const candidates = collection.candidates(filter);
  if (!options.sort) {
    const wanted = limit === undefined ? Number.POSITIVE_INFINITY : skip + limit;
    const matches: Document[] = [];
    for (const document of candidates) {
      if (!filter.test(document)) continue;
      matches.push(document);
      if (matches.length >= wanted) break;
    }
    return matches.slice(skip);
  }
  const matches = filter.matchesAll
    ? candidates
    : candidates.filter((document) => filter.test(document));
  const sorted = sortDocuments(
    matches,
    options.sort,
    limit === undefined ? Number.POSITIVE_INFINITY : skip + limit,
  );
  return skip > 0 ? sorted.slice(skip) : sorted;
}

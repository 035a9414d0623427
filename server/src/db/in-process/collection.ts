import { canonicalKey, formatDocument, isPlainObject, type Document } from './bson-values';
import {
  CollectionIndex,
  sameIndexOptions,
  type IndexKey,
  type IndexSpec,
} from './collection-index';
import { ErrorCode, MongoCommandError } from './errors';
import type { Filter } from './query';

export const idIndexSpec: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Receives every document change so a transaction can undo it and detect write conflicts. */
export interface WriteJournal {
  beforeWrite(collection: Collection, id: string, previous: Document | undefined): void;
}

/**
 * One collection: documents by canonical `_id` (a Map keeps insertion order = natural order) and
 * its secondary indexes. Stored documents are never mutated: every write swaps in a new object, so
 * open cursors and undo logs can hold plain references.
 */
export class Collection {
  readonly databaseName: string;
  readonly name: string;
  readonly options: Document;
  private readonly documents = new Map<string, Document>();
  private readonly indexes = new Map<string, CollectionIndex>();

  constructor(databaseName: string, name: string, options: Document = {}) {
    this.databaseName = databaseName;
    this.name = name;
    this.options = options;
  }

  get namespace(): string {
    return `${this.databaseName}.${this.name}`;
  }

  get size(): number {
    return this.documents.size;
  }

  all(): Document[] {
    return [...this.documents.values()];
  }

  getById(id: string): Document | undefined {
    return this.documents.get(id);
  }

  indexSpecs(): IndexSpec[] {
    return [idIndexSpec, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  secondaryIndexes(): CollectionIndex[] {
    return [...this.indexes.values()];
  }

  /**
   * Adds an index, checking the existing data. Returns false when an identical index exists.
   * Same key under another name -> 85; same name with another key or options -> 85/86.
   */
  createIndex(spec: IndexSpec): boolean {
    const isIdKey = canonicalKey(spec.key) === canonicalKey({ _id: 1 });
    if (spec.name === '_id_' || isIdKey) {
      // Re-creating the built-in _id index is a no-op; anything else on it conflicts.
      if (
        isIdKey &&
        !spec.sparse &&
        !spec.partialFilterExpression &&
        spec.expireAfterSeconds === undefined
      )
        return false;
      throw new MongoCommandError(
        ErrorCode.IndexOptionsConflict,
        `Index with name: ${spec.name} conflicts with the _id index`,
      );
    }
    const sameName = this.indexes.get(spec.name);
    if (sameName) {
      if (sameIndexOptions(sameName.spec, spec)) return false;
      if (canonicalKey(sameName.spec.key) !== canonicalKey(spec.key)) {
        throw new MongoCommandError(
          ErrorCode.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatDocument({ ...spec })}, existing index: ${formatDocument({ ...sameName.spec })}`,
        );
      }
      throw new MongoCommandError(
        ErrorCode.IndexOptionsConflict,
        `An existing index has the same name as the requested index. Requested index: ${formatDocument({ ...spec })}, existing index: ${formatDocument({ ...sameName.spec })}`,
      );
    }
    for (const existing of this.indexes.values()) {
      if (canonicalKey(existing.spec.key) !== canonicalKey(spec.key)) continue;
      if (
        canonicalKey(existing.spec.partialFilterExpression) !==
        canonicalKey(spec.partialFilterExpression)
      )
        continue;
      throw new MongoCommandError(
        ErrorCode.IndexOptionsConflict,
        `Index already exists with a different name: ${existing.spec.name}`,
      );
    }
    const index = new CollectionIndex(spec);
    for (const [id, document] of this.documents) {
      const keys = index.keysOf(document);
      if (index.unique) {
        for (const entry of keys) {
          if (index.conflictingId(entry.key, id) !== undefined)
            throw this.duplicateKeyError(index.spec, index.keyValue(entry.values));
        }
      }
      index.add(keys, id);
    }
    this.indexes.set(spec.name, index);
    return true;
  }

  dropIndex(name: string): void {
    if (name === '_id_')
      throw new MongoCommandError(ErrorCode.InvalidOptions, 'cannot drop _id index');
    if (!this.indexes.delete(name))
      throw new MongoCommandError(ErrorCode.IndexNotFound, `index not found with name [${name}]`);
  }

  findIndexByKey(key: Document): CollectionIndex | undefined {
    const wanted = canonicalKey(key);
    return [...this.indexes.values()].find((index) => canonicalKey(index.spec.key) === wanted);
  }

  dropAllIndexes(): void {
    this.indexes.clear();
  }

  duplicateKeyError(spec: IndexSpec, keyValue: Document): MongoCommandError {
    return new MongoCommandError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${this.namespace} index: ${spec.name} dup key: ${formatDocument(keyValue)}`,
      {
        extra: { keyPattern: spec.key, keyValue },
      },
    );
  }

  /**
   * Replaces the document stored under `id` by `next` (undefined = delete), after checking every
   * unique index. Atomic: either all maps change or nothing does.
   */
  write(id: string, next: Document | undefined, journal: WriteJournal): void {
    const previous = this.documents.get(id);
    if (previous === undefined && next === undefined) return;
    const changes: Array<{ index: CollectionIndex; oldKeys: IndexKey[]; newKeys: IndexKey[] }> = [];
    for (const index of this.indexes.values()) {
      const oldKeys = previous ? index.keysOf(previous) : [];
      const newKeys = next ? index.keysOf(next) : [];
      // Unchanged keys stay where they are (equal keys keep their order, as by record id).
      if (sameKeys(oldKeys, newKeys)) continue;
      if (index.unique) {
        for (const entry of newKeys) {
          if (index.conflictingId(entry.key, id) !== undefined)
            throw this.duplicateKeyError(index.spec, index.keyValue(entry.values));
        }
      }
      changes.push({ index, oldKeys, newKeys });
    }
    journal.beforeWrite(this, id, previous);
    for (const { index, oldKeys, newKeys } of changes) {
      index.remove(oldKeys, id);
      index.add(newKeys, id);
    }
    if (next === undefined) this.documents.delete(id);
    else this.documents.set(id, next);
  }

  /** Inserts a new document, enforcing `_id` uniqueness. */
  insert(document: Document, journal: WriteJournal): void {
    const id = canonicalKey(document._id);
    if (this.documents.has(id)) throw this.duplicateKeyError(idIndexSpec, { _id: document._id });
    this.write(id, document, journal);
  }

  /** Puts back a previous state during a rollback: no checks, the old state was consistent. */
  restore(id: string, previous: Document | undefined): void {
    const current = this.documents.get(id);
    for (const index of this.indexes.values()) {
      if (current) index.remove(index.keysOf(current), id);
      if (previous) index.add(index.keysOf(previous), id);
    }
    if (previous === undefined) this.documents.delete(id);
    else this.documents.set(id, previous);
  }

  /**
   * Documents that may match the filter (a superset; the caller tests each). The planner looks at
   * every conjunct — top-level fields and the clauses of `$and`, however nested — and takes the
   * smallest candidate set among: `_id` pinned by equality/`$in`, an index whose every field is
   * pinned, the longest pinned leading fields of a compound index, or an `$or` whose every clause
   * is served that way (the union). Sparse and partial indexes omit documents and serve nothing.
   * Otherwise it scans the collection in natural order.
   */
  candidates(filter: Filter): Document[] {
    if (filter.matchesAll) return this.all();
    const ids = this.plan(filter.source);
    return ids === undefined ? this.all() : this.byIds(ids);
  }

  /** Candidate ids for a filter, or undefined when no index narrows it down. */
  private plan(source: Document): ReadonlySet<string> | undefined {
    const pinned = new Map<string, unknown[]>();
    const alternatives: unknown[][] = [];
    collectConjuncts(source, pinned, alternatives);
    let best: ReadonlySet<string> | undefined;
    const consider = (ids: ReadonlySet<string> | undefined): void => {
      if (ids !== undefined && (best === undefined || ids.size < best.size)) best = ids;
    };
    const idValues = pinned.get('_id');
    if (idValues) {
      const ids = new Set<string>();
      for (const value of idValues) {
        const id = canonicalKey(value);
        if (this.documents.has(id)) ids.add(id);
      }
      return ids;
    }
    for (const index of this.indexes.values()) {
      if (!index.coversAllDocuments) continue;
      consider(indexLookup(index, pinned));
    }
    for (const clauses of alternatives) {
      if (best !== undefined && best.size === 0) break;
      const perClause: Array<ReadonlySet<string>> = [];
      for (const clause of clauses) {
        const ids = isPlainObject(clause) ? this.plan(clause) : undefined;
        if (ids === undefined) break;
        perClause.push(ids);
      }
      if (perClause.length === clauses.length) consider(unionOf(perClause));
    }
    return best;
  }

  private byIds(ids: Iterable<string>): Document[] {
    const found: Document[] = [];
    for (const id of ids) {
      const document = this.documents.get(id);
      if (document) found.push(document);
    }
    return found;
  }
}

/**
 * Gathers the conditions every matching document must meet: top-level fields and the clauses of
 * `$and` (recursively) pin fields to equality values; each `$or` is kept as a set of alternatives.
 */
function collectConjuncts(
  source: Document,
  pinned: Map<string, unknown[]>,
  alternatives: unknown[][],
): void {
  for (const [key, condition] of Object.entries(source)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition)
        if (isPlainObject(clause)) collectConjuncts(clause, pinned, alternatives);
    } else if (key === '$or' && Array.isArray(condition)) {
      alternatives.push(condition);
    } else if (!key.startsWith('$')) {
      const values = equalityValues(condition, !key.includes('.'));
      const known = pinned.get(key);
      if (values && (!known || values.length < known.length)) pinned.set(key, values);
    }
  }
}

function sameKeys(left: IndexKey[], right: IndexKey[]): boolean {
  if (left.length !== right.length) return false;
  return left.every((entry, position) => entry.key === right[position]?.key);
}

const noIds: ReadonlySet<string> = new Set();

/** The union of several id sets (the only set itself when there is one: no copy). */
function unionOf(sets: Array<ReadonlySet<string> | undefined>): ReadonlySet<string> {
  if (sets.length === 1) return sets[0] ?? noIds;
  const union = new Set<string>();
  for (const set of sets) for (const id of set ?? noIds) union.add(id);
  return union;
}

/** Past the first field, at most this many keys per index lookup (the product of `$in` lists). */
const maxLookupKeys = 1000;

/**
 * Ids from the longest run of leading index fields pinned by equality: the whole key, or a proper
 * prefix of a compound key (a superset of the matches: the filter still runs on every candidate).
 * The run stops before a later field whose `$in` values would take the key count past
 * `maxLookupKeys` (the first field's values alone are as many lookups as the filter lists).
 */
function indexLookup(
  index: CollectionIndex,
  pinned: Map<string, unknown[]>,
): ReadonlySet<string> | undefined {
  let combinations: unknown[][] = [[]];
  let length = 0;
  for (const field of index.fields) {
    const values = pinned.get(field);
    if (values === undefined) break;
    if (length > 0 && combinations.length * values.length > maxLookupKeys) break;
    combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
    length += 1;
  }
  if (length === 0) return undefined;
  if (length === index.fields.length)
    return unionOf(combinations.map((values) => index.lookup(index.keyFor(values))));
  return unionOf(combinations.map((values) => index.lookupPrefix(values)));
}

/**
 * The values a condition pins a field to: a plain value, `$eq`, or `$in` (other operators beside
 * them only narrow further). Only values the hash maps key exactly: no arrays, documents or
 * regexes; null only on a top-level field (an index keys a missing field as null, but a dotted
 * path through an array of documents may match null without any null key).
 */
function equalityValues(condition: unknown, nullAllowed: boolean): unknown[] | undefined {
  if (condition === undefined) return undefined;
  const usable = (value: unknown): boolean =>
    (value !== null || nullAllowed) &&
    value !== undefined &&
    !Array.isArray(value) &&
    !isPlainObject(value) &&
    !(value instanceof RegExp);
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length === 0 || !keys.every((key) => key.startsWith('$'))) return undefined;
    if ('$eq' in condition) return usable(condition.$eq) ? [condition.$eq] : undefined;
    if (Array.isArray(condition.$in))
      return condition.$in.every(usable) ? condition.$in : undefined;
    return undefined;
  }
  return usable(condition) ? [condition] : undefined;
}

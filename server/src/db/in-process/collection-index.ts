import { Query } from 'mingo';
import { canonicalKey, isPlainObject, type Document } from './bson-values';
import { collectPathValues } from './document-paths';
import { ErrorCode, MongoCommandError, unsupported } from './errors';
import { baseMingoOptions, validateFilter } from './query';

/** An index as `listIndexes` reports it. */
export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

const acceptedSpecFields = new Set([
  'v',
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'background',
  'ns',
  'hidden',
  'collation',
]);

/** Validates one entry of `createIndexes.indexes` and returns its normalized spec. */
export function parseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw))
    throw new MongoCommandError(ErrorCode.TypeMismatch, 'index specification must be an object');
  for (const field of Object.keys(raw)) {
    if (
      field === 'weights' ||
      field === 'default_language' ||
      field === 'language_override' ||
      field === 'textIndexVersion'
    )
      throw unsupported('Text indexes');
    if (field === '2dsphereIndexVersion' || field === 'bits' || field === 'min' || field === 'max')
      throw unsupported('Geospatial indexes');
    if (!acceptedSpecFields.has(field))
      throw new MongoCommandError(
        ErrorCode.InvalidOptions,
        `The field '${field}' is not valid for an index specification (in-process test server)`,
      );
  }
  if (
    raw.collation !== undefined &&
    !(isPlainObject(raw.collation) && raw.collation.locale === 'simple')
  )
    throw unsupported('Index collation');
  if (raw.hidden === true) throw unsupported('Hidden indexes');
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0)
    throw new MongoCommandError(ErrorCode.BadValue, 'Index key pattern must be a non-empty object');
  for (const [field, direction] of Object.entries(key)) {
    if (typeof direction === 'string') throw unsupported(`Index type '${direction}' on '${field}'`);
    if (direction !== 1 && direction !== -1)
      throw new MongoCommandError(
        ErrorCode.BadValue,
        `Values in the index key pattern must be 1 or -1: ${field}`,
      );
  }
  if (typeof raw.name !== 'string' || raw.name.length === 0)
    throw new MongoCommandError(
      ErrorCode.BadValue,
      "The 'name' field is a required property of an index specification",
    );
  const spec: IndexSpec = { v: 2, key, name: raw.name };
  if (raw.unique === true) spec.unique = true;
  if (raw.sparse === true) spec.sparse = true;
  if (raw.partialFilterExpression !== undefined) {
    if (!isPlainObject(raw.partialFilterExpression))
      throw new MongoCommandError(
        ErrorCode.TypeMismatch,
        'partialFilterExpression must be an object',
      );
    spec.partialFilterExpression = raw.partialFilterExpression;
  }
  if (raw.expireAfterSeconds !== undefined) {
    if (typeof raw.expireAfterSeconds !== 'number' || raw.expireAfterSeconds < 0)
      throw new MongoCommandError(
        ErrorCode.InvalidOptions,
        'expireAfterSeconds must be a non-negative number',
      );
    if (Object.keys(key).length !== 1)
      throw new MongoCommandError(
        ErrorCode.InvalidOptions,
        'TTL indexes are single-field indexes, compound indexes do not support TTL',
      );
    spec.expireAfterSeconds = raw.expireAfterSeconds;
  }
  return spec;
}

/** Two specs describe the same index (same key, same options). */
export function sameIndexOptions(left: IndexSpec, right: IndexSpec): boolean {
  return (
    canonicalKey(left.key) === canonicalKey(right.key) &&
    Boolean(left.unique) === Boolean(right.unique) &&
    Boolean(left.sparse) === Boolean(right.sparse) &&
    canonicalKey(left.partialFilterExpression) === canonicalKey(right.partialFilterExpression) &&
    left.expireAfterSeconds === right.expireAfterSeconds
  );
}

export interface IndexKey {
  key: string;
  values: unknown[];
}

/**
 * One secondary index: a hash map from the canonical key (the tuple of indexed values) to the
 * ids of the documents holding it. Unique indexes check it before every write; every index is
 * also used by the planner for equality lookups.
 */
export class CollectionIndex {
  readonly spec: IndexSpec;
  readonly fields: string[];
  private readonly partialFilter: Query | undefined;
  private readonly entries = new Map<string, Set<string>>();
  /**
   * Compound indexes also map every proper prefix of the key (position k holds the first k + 1
   * fields), for lookups that pin only the leading fields. Empty for single-field indexes.
   */
  private readonly prefixEntries: Array<Map<string, Set<string>>>;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.prefixEntries = this.fields.slice(1).map(() => new Map<string, Set<string>>());
    this.partialFilter = spec.partialFilterExpression
      ? new Query(
          validateFilter(spec.partialFilterExpression, 'partialFilterExpression'),
          baseMingoOptions,
        )
      : undefined;
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  /** Whether planner lookups by equality are complete (a sparse or partial index omits documents). */
  get coversAllDocuments(): boolean {
    return !this.spec.sparse && !this.partialFilter;
  }

  /** The index keys of a document; an empty list when the document is not in this index. */
  keysOf(document: Document): IndexKey[] {
    if (this.partialFilter && !this.partialFilter.test(document)) return [];
    const perField = this.fields.map((field) => collectPathValues(document, field));
    if (this.spec.sparse && perField.every((values) => values.length === 0)) return [];
    let combinations: unknown[][] = [[]];
    for (const values of perField) {
      const choices = values.length === 0 ? [null] : values;
      combinations = combinations.flatMap((prefix) => choices.map((choice) => [...prefix, choice]));
    }
    const keys = new Map<string, IndexKey>();
    for (const values of combinations) {
      const key = this.keyFor(values);
      if (!keys.has(key)) keys.set(key, { key, values });
    }
    return [...keys.values()];
  }

  keyFor(values: unknown[]): string {
    return values.map(canonicalKey).join('\u0000');
  }

  /** The id of another document already holding `key`, if any. */
  conflictingId(key: string, ownId: string): string | undefined {
    const holders = this.entries.get(key);
    if (!holders) return undefined;
    for (const holder of holders) if (holder !== ownId) return holder;
    return undefined;
  }

  lookup(key: string): ReadonlySet<string> | undefined {
    return this.entries.get(key);
  }

  /**
   * Documents whose first `values.length` indexed fields equal `values` — a proper prefix of a
   * compound key (use `lookup` for the whole key). Undefined when no document holds it.
   */
  lookupPrefix(values: unknown[]): ReadonlySet<string> | undefined {
    return this.prefixEntries[values.length - 1]?.get(this.keyFor(values));
  }

  add(keys: IndexKey[], id: string): void {
    for (const { key } of keys) addTo(this.entries, key, id);
    this.forEachPrefix(keys, (map, prefix) => addTo(map, prefix, id));
  }

  /** Removes every key of the document (each id leaves all its entries, so shared prefixes go too). */
  remove(keys: IndexKey[], id: string): void {
    for (const { key } of keys) removeFrom(this.entries, key, id);
    this.forEachPrefix(keys, (map, prefix) => removeFrom(map, prefix, id));
  }

  /** Each proper prefix of each key with its map, built the way `keyFor` joins a prefix. */
  private forEachPrefix(
    keys: IndexKey[],
    visit: (map: Map<string, Set<string>>, prefix: string) => void,
  ): void {
    if (this.prefixEntries.length === 0) return;
    for (const { values } of keys) {
      let prefix = canonicalKey(values[0]);
      this.prefixEntries.forEach((map, position) => {
        if (position > 0) prefix += `\u0000${canonicalKey(values[position])}`;
        visit(map, prefix);
      });
    }
  }

  keyValue(values: unknown[]): Document {
    const keyValue: Document = {};
    this.fields.forEach((field, position) => {
      keyValue[field] = values[position] ?? null;
    });
    return keyValue;
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let holders = map.get(key);
  if (!holders) {
    holders = new Set();
    map.set(key, holders);
  }
  holders.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const holders = map.get(key);
  if (!holders) return;
  holders.delete(id);
  if (holders.size === 0) map.delete(key);
}

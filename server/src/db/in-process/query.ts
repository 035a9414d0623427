import { ObjectId } from 'bson';
import { Query } from 'mingo';
import { MingoError } from 'mingo/util';
import type { Options as MingoOptions } from 'mingo/types';
import { assertComparable, compareValues, isPlainObject, type Document } from './bson-values';
import { compileFilter, type DocumentPredicate } from './compiled-filter';
import { collectPathValues } from './document-paths';
import { ErrorCode, MongoCommandError, unsupported } from './errors';

/** The mingo options every query and pipeline runs with: no server-side JavaScript. */
export const baseMingoOptions: Partial<MingoOptions> = { scriptEnabled: false };

const logicalOperators = new Set(['$and', '$or', '$nor']);
const fieldOperators = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$regex',
  '$options',
  '$elemMatch',
  '$size',
  '$all',
  '$not',
  '$mod',
  '$bitsAllClear',
  '$bitsAllSet',
  '$bitsAnyClear',
  '$bitsAnySet',
]);
const geoOperators = new Set([
  '$near',
  '$nearSphere',
  '$geoWithin',
  '$geoIntersects',
  '$within',
  '$box',
  '$center',
  '$centerSphere',
  '$polygon',
  '$geometry',
  '$maxDistance',
  '$minDistance',
]);
/** `$type` aliases mingo answers like MongoDB does (numbers lose int/long/double after bson promotion). */
const supportedTypeAliases = new Set<unknown>([
  'bool',
  8,
  'array',
  4,
  'object',
  3,
  'null',
  10,
  'string',
  2,
  'date',
  9,
  'regex',
  11,
  'number',
]);

/**
 * Validates a filter before mingo sees it, so that everything mingo would get wrong or silently
 * ignore fails loudly, and strips `$comment`. Returns the filter to hand to mingo.
 */
export function validateFilter(filter: unknown, where = 'filter'): Document {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter))
    throw new MongoCommandError(ErrorCode.TypeMismatch, `${where} must be an object`);
  const cleaned: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      if (key === '$comment') continue;
      if (logicalOperators.has(key)) {
        if (!Array.isArray(value) || value.length === 0)
          throw new MongoCommandError(ErrorCode.BadValue, `${key} must be a nonempty array`);
        cleaned[key] = value.map((inner) => validateFilter(inner, where));
      } else if (key === '$expr') {
        assertNoScript(value);
        cleaned[key] = value;
      } else if (key === '$text') {
        throw unsupported('$text (text search; query a normalized field with $regex instead)');
      } else if (key === '$where') {
        throw unsupported('$where (server-side JavaScript)');
      } else if (key === '$jsonSchema') {
        throw unsupported('$jsonSchema');
      } else {
        throw new MongoCommandError(ErrorCode.BadValue, `unknown top level operator: ${key}`);
      }
      continue;
    }
    cleaned[key] = validateFieldCondition(key, value);
  }
  return cleaned;
}

function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function validateFieldCondition(field: string, condition: unknown): unknown {
  if (!isOperatorObject(condition)) {
    assertComparable(condition, `the filter on '${field}'`);
    return condition;
  }
  for (const [operator, argument] of Object.entries(condition)) {
    if (geoOperators.has(operator)) throw unsupported(`Geospatial operator ${operator}`);
    if (operator === '$text' || operator === '$where') throw unsupported(operator);
    if (!fieldOperators.has(operator))
      throw new MongoCommandError(ErrorCode.BadValue, `unknown operator: ${operator}`);
    if (operator === '$elemMatch') {
      if (!isPlainObject(argument))
        throw new MongoCommandError(ErrorCode.BadValue, '$elemMatch needs an Object');
      if (
        isOperatorObject(argument) &&
        !Object.keys(argument).some((key) => logicalOperators.has(key))
      )
        validateFieldCondition(field, argument);
      else validateFilter(argument, `$elemMatch on '${field}'`);
    } else if (operator === '$not') {
      if (!(argument instanceof RegExp)) {
        if (!isOperatorObject(argument))
          throw new MongoCommandError(ErrorCode.BadValue, '$not needs a regex or a document');
        validateFieldCondition(field, argument);
      }
    } else if (operator === '$type') {
      for (const alias of Array.isArray(argument) ? argument : [argument]) {
        if (!supportedTypeAliases.has(alias)) throw unsupported(`$type ${JSON.stringify(alias)}`);
      }
    } else if (operator === '$in' || operator === '$nin' || operator === '$all') {
      if (!Array.isArray(argument))
        throw new MongoCommandError(ErrorCode.BadValue, `${operator} needs an array`);
      assertComparable(argument, `the filter on '${field}'`);
    } else {
      assertComparable(argument, `the filter on '${field}'`);
    }
  }
  return condition;
}

const scriptOperators = new Set(['$function', '$accumulator', '$where']);

/** Rejects server-side JavaScript anywhere in an expression or pipeline. */
export function assertNoScript(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(assertNoScript);
  } else if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (scriptOperators.has(key)) throw unsupported(`${key} (server-side JavaScript)`);
      if (key === '$meta') throw unsupported('$meta');
      assertNoScript(inner);
    }
  }
}

/** Maps mingo's errors to the codes a real server uses. */
export function translateMingoError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof MongoCommandError) return error;
  const message = error.message;
  const stage = /unregistered pipeline operator (\$\w+)/.exec(message);
  if (stage)
    return new MongoCommandError(
      ErrorCode.UnrecognizedPipelineStage,
      `Unrecognized pipeline stage name: '${stage[1]}'`,
    );
  const accumulator = /accumulator '(\$\w+)' is not registered/.exec(message);
  if (accumulator)
    return new MongoCommandError(15952, `unknown group operator '${accumulator[1]}'`);
  const expression = /(?:unknown|unregistered) (?:expression )?operator:? '?(\$\w+)/i.exec(message);
  if (expression && !/query operator/.test(message))
    return new MongoCommandError(
      ErrorCode.InvalidPipelineOperator,
      `Unrecognized expression '${expression[1]}'`,
    );
  if (error instanceof SyntaxError && /regular expression/i.test(message))
    return new MongoCommandError(51091, `Regular expression is invalid: ${message}`);
  if (/immutable field '_id'/.test(message))
    return new MongoCommandError(ErrorCode.ImmutableField, message);
  if (error instanceof MingoError || error instanceof TypeError)
    return new MongoCommandError(ErrorCode.BadValue, message);
  return error;
}

export function runMingo<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw translateMingoError(error);
  }
}

/**
 * A compiled, validated filter: a plain predicate for the common shapes (compiled-filter.ts), mingo
 * for everything else (and for projections, which may need the query for positional `.$`).
 */
export class Filter {
  readonly source: Document;
  private mingoQuery: Query | undefined;
  private readonly predicate: DocumentPredicate | undefined;
  readonly matchesAll: boolean;

  constructor(filter: unknown) {
    this.source = validateFilter(filter);
    this.matchesAll = Object.keys(this.source).length === 0;
    this.predicate = compileFilter(this.source);
    // Without a fast path mingo compiles now, so a filter it rejects fails before anything runs.
    if (!this.predicate) this.mingoQuery = runMingo(() => new Query(this.source, baseMingoOptions));
  }

  private get query(): Query {
    this.mingoQuery ??= runMingo(() => new Query(this.source, baseMingoOptions));
    return this.mingoQuery;
  }

  test(document: Document): boolean {
    if (this.matchesAll) return true;
    if (this.predicate) return this.predicate(document);
    return runMingo(() => this.query.test(document));
  }

  /** Applies a projection (mingo: inclusion, exclusion, `$slice`, `$elemMatch`, positional `.$`). */
  project(documents: Document[], projection: Document | undefined): Document[] {
    if (!projection || Object.keys(projection).length === 0) return documents;
    assertNoScript(projection);
    const projected = runMingo(() => this.query.find<Document>(documents, projection).all());
    if (projected.length !== documents.length)
      throw new Error('projection changed the number of documents');
    return projected.map((document, position) =>
      inSourceOrder(document, documents[position] as Document),
    );
  }
}

/** MongoDB keeps the stored field order in projections (mingo uses the projection's order). */
function inSourceOrder(projected: Document, source: Document): Document {
  const ordered: Document = {};
  for (const key of Object.keys(source)) if (key in projected) ordered[key] = projected[key];
  for (const key of Object.keys(projected)) if (!(key in ordered)) ordered[key] = projected[key];
  return ordered;
}

export function moveIdFirst(document: Document): Document {
  if (!('_id' in document)) return document;
  const keys = Object.keys(document);
  if (keys[0] === '_id') return document;
  const reordered: Document = { _id: document._id };
  for (const key of keys) if (key !== '_id') reordered[key] = document[key];
  return reordered;
}

export type SortSpec = Array<[path: string, direction: 1 | -1]>;

export function parseSort(sort: unknown): SortSpec | undefined {
  if (sort === undefined || sort === null) return undefined;
  if (!isPlainObject(sort))
    throw new MongoCommandError(ErrorCode.TypeMismatch, 'sort must be an object');
  const spec: SortSpec = [];
  for (const [path, direction] of Object.entries(sort)) {
    if (isPlainObject(direction)) throw unsupported(`Sort by ${JSON.stringify(direction)} ($meta)`);
    if (direction !== 1 && direction !== -1)
      throw new MongoCommandError(
        15975,
        `$sort key ordering must be 1 (for ascending) or -1 (for descending)`,
      );
    spec.push([path, direction]);
  }
  return spec.length > 0 ? spec : undefined;
}

/** The value a document sorts by on one path: arrays sort by their min (asc) or max (desc) element. */
function sortKey(document: Document, path: string, direction: 1 | -1): unknown {
  if (!path.includes('.')) {
    // Fast path for a top-level scalar (the common case): no path walk, no array.
    const value: unknown = document[path];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'object') return value;
    if (value instanceof Date || value instanceof ObjectId) return value;
  }
  const values = collectPathValues(document, path);
  if (values.length === 0) return null;
  assertComparable(values, `the sort on '${path}'`);
  let best: unknown = values[0];
  for (const value of values.slice(1)) {
    const comparison = compareValues(value, best);
    if ((direction === 1 && comparison < 0) || (direction === -1 && comparison > 0)) best = value;
  }
  return best;
}

interface SortEntry {
  document: Document;
  position: number;
  keys: unknown[];
}

/** An ObjectId sort key whose hex is computed once, and only when it is compared (ties). */
class ObjectIdSortKey {
  private cachedHex: string | undefined;

  constructor(readonly id: ObjectId) {}

  get hex(): string {
    this.cachedHex ??= this.id.toHexString();
    return this.cachedHex;
  }
}

function prepareSortKey(value: unknown): unknown {
  return value instanceof ObjectId ? new ObjectIdSortKey(value) : value;
}

function compareSortKeys(left: unknown, right: unknown): number {
  // Same answers as compareValues for two numbers, two strings or two dates, without its type walk.
  if (typeof left === typeof right && (typeof left === 'number' || typeof left === 'string'))
    return (left as number) < (right as number) ? -1 : (left as number) > (right as number) ? 1 : 0;
  if (left instanceof Date && right instanceof Date)
    return Math.sign(left.getTime() - right.getTime());
  if (left instanceof ObjectIdSortKey) {
    if (right instanceof ObjectIdSortKey) {
      const leftHex = left.hex;
      const rightHex = right.hex;
      return leftHex < rightHex ? -1 : leftHex > rightHex ? 1 : 0;
    }
    return compareValues(left.id, right);
  }
  return compareValues(left, right instanceof ObjectIdSortKey ? right.id : right);
}

/**
 * Stable sort in BSON order (mingo's cross-type order differs from MongoDB's). With `keep`, only
 * the first `keep` documents of the sorted order are returned, selected with a bounded heap —
 * the same documents in the same order as sorting everything and slicing.
 */
export function sortDocuments(
  documents: Document[],
  spec: SortSpec | undefined,
  keep = Number.POSITIVE_INFINITY,
): Document[] {
  if (!spec) return documents.slice(0, keep);
  const natural = spec.find(([path]) => path === '$natural');
  if (natural) return (natural[1] === 1 ? documents : [...documents].reverse()).slice(0, keep);
  const compare = (left: SortEntry, right: SortEntry): number => {
    for (let index = 0; index < spec.length; index += 1) {
      const comparison = compareSortKeys(left.keys[index], right.keys[index]);
      if (comparison !== 0) return comparison * (spec[index] as [string, 1 | -1])[1];
    }
    return left.position - right.position;
  };
  // Every key up front: a value that cannot be sorted (Decimal128) fails even without a tie.
  const entryOf = (document: Document, position: number): SortEntry => ({
    document,
    position,
    keys: spec.map(([path, direction]) => prepareSortKey(sortKey(document, path, direction))),
  });
  if (keep * 4 >= documents.length) {
    const keyed = documents.map(entryOf);
    keyed.sort(compare);
    return keyed.slice(0, keep).map((entry) => entry.document);
  }
  // Max-heap of the best `keep` entries so far: its root is the worst of them.
  const heap: SortEntry[] = [];
  const siftUp = (start: number): void => {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (compare(heap[child] as SortEntry, heap[parent] as SortEntry) <= 0) return;
      [heap[child], heap[parent]] = [heap[parent] as SortEntry, heap[child] as SortEntry];
      child = parent;
    }
  };
  const siftDown = (): void => {
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let largest = parent;
      if (left < heap.length && compare(heap[left] as SortEntry, heap[largest] as SortEntry) > 0)
        largest = left;
      if (right < heap.length && compare(heap[right] as SortEntry, heap[largest] as SortEntry) > 0)
        largest = right;
      if (largest === parent) return;
      [heap[parent], heap[largest]] = [heap[largest] as SortEntry, heap[parent] as SortEntry];
      parent = largest;
    }
  };
  documents.forEach((document, position) => {
    const entry = entryOf(document, position);
    if (heap.length < keep) {
      heap.push(entry);
      siftUp(heap.length - 1);
    } else if (compare(entry, heap[0] as SortEntry) < 0) {
      heap[0] = entry;
      siftDown();
    }
  });
  heap.sort(compare);
  return heap.map((entry) => entry.document);
}

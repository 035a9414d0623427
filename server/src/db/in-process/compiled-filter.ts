import { ObjectId } from 'bson';
import { isPlainObject, type Document } from './bson-values';

/**
 * A fast path for the filters the CRM sends on every request: top-level fields compared with
 * scalars (`{teamId: id, active: true}`, `$in` of ids, `$ne`, ranges, `$exists`, prefix regexes,
 * `$and`/`$or` of those). Such a filter compiles to a plain JavaScript predicate that gives exactly
 * mingo's answer (the property test in compiled-filter.test.ts compares both on random documents)
 * without mingo's per-call path resolution and generic comparisons. Anything else — dotted paths,
 * `$elemMatch`, `$not`, `$expr`, arrays or documents as values — returns undefined and runs in
 * mingo as before.
 */
export type DocumentPredicate = (document: Document) => boolean;

/** Field names mingo resolves specially (inherited from Object.prototype). */
const prototypeNames = new Set(Object.getOwnPropertyNames(Object.prototype));

type Scalar = string | number | boolean | null | Date | ObjectId;

function isSimpleField(field: string): boolean {
  return (
    field.length > 0 && !field.includes('.') && !field.startsWith('$') && !prototypeNames.has(field)
  );
}

/** Values the predicates below compare exactly as mingo does. */
function isScalar(value: unknown): value is Scalar {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(value);
    case 'object':
      return (
        (value instanceof Date && !Number.isNaN(value.getTime())) ||
        (value instanceof ObjectId && value.constructor === ObjectId)
      );
    default:
      return false;
  }
}

/** mingo's `isEqual` for a stored value and a scalar from the filter. */
function scalarEquals(scalar: Scalar): (value: unknown) => boolean {
  if (scalar instanceof ObjectId) {
    // `equals` compares the bytes when both are ObjectIds (it also accepts hex strings: not here).
    return (value) =>
      value instanceof ObjectId && value.constructor === ObjectId && value.equals(scalar);
  }
  if (scalar instanceof Date) {
    const time = scalar.getTime();
    return (value) => value instanceof Date && value.getTime() === time;
  }
  return (value) => value === scalar;
}

/** MongoDB equality: the value itself, or one element of an array (null also matches missing). */
function equalityPredicate(field: string, scalar: Scalar): DocumentPredicate {
  if (scalar === null) {
    return (document) => {
      const value: unknown = document[field];
      if (value === null || value === undefined) return true;
      return Array.isArray(value) && value.some((element) => element === null);
    };
  }
  const equals = scalarEquals(scalar);
  return (document) => {
    const value: unknown = document[field];
    if (equals(value)) return true;
    return Array.isArray(value) && value.some(equals);
  };
}

function inPredicate(field: string, scalars: Scalar[]): DocumentPredicate {
  const matchesNull = scalars.some((scalar) => scalar === null);
  const primitives = new Set<unknown>();
  const objectIds = new Set<string>();
  const times = new Set<number>();
  for (const scalar of scalars) {
    if (scalar instanceof ObjectId) objectIds.add(scalar.toHexString());
    else if (scalar instanceof Date) times.add(scalar.getTime());
    else if (scalar !== null) primitives.add(scalar);
  }
  const fewIds = objectIds.size <= 4 ? scalars.filter((scalar) => scalar instanceof ObjectId) : [];
  const hasId = (value: ObjectId): boolean =>
    fewIds.length > 0
      ? fewIds.some((id) => value.equals(id))
      : objectIds.size > 0 && objectIds.has(value.toHexString());
  const hit = (value: unknown): boolean => {
    if (value === null) return matchesNull;
    if (typeof value !== 'object') return primitives.has(value);
    if (value instanceof ObjectId) return value.constructor === ObjectId && hasId(value);
    if (value instanceof Date) return times.has(value.getTime());
    return false;
  };
  return (document) => {
    const value: unknown = document[field];
    if (value === undefined || value === null) return matchesNull;
    if (Array.isArray(value)) return value.some(hit);
    return hit(value);
  };
}

/** mingo's `typeOf` classes for the scalars a range may use (ranges never cross types). */
function rangeClass(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      if (value instanceof Date) return 'date';
      if (value instanceof ObjectId && value.constructor === ObjectId) return 'objectid';
      return undefined;
    default:
      return undefined;
  }
}

function rangeKey(value: unknown): string | number | boolean {
  if (value instanceof Date) return value.getTime();
  if (value instanceof ObjectId) return value.toHexString();
  return value as string | number | boolean;
}

/** mingo's `simpleCmp`: NaN compares equal to every number (so `$gte: 0` matches NaN, like mingo). */
function compareKeys(left: string | number | boolean, right: string | number | boolean): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

const rangeTests: Record<string, (comparison: number) => boolean> = {
  $gt: (comparison) => comparison > 0,
  $gte: (comparison) => comparison >= 0,
  $lt: (comparison) => comparison < 0,
  $lte: (comparison) => comparison <= 0,
};

function rangePredicate(field: string, operator: string, bound: Scalar): DocumentPredicate {
  const boundClass = rangeClass(bound) as string;
  const boundKey = rangeKey(bound);
  const accepts = rangeTests[operator] as (comparison: number) => boolean;
  const hit = (value: unknown): boolean =>
    rangeClass(value) === boundClass && accepts(compareKeys(rangeKey(value), boundKey));
  return (document) => {
    const value: unknown = document[field];
    if (Array.isArray(value)) return value.some(hit);
    return hit(value);
  };
}

/** mingo's `$regex`: a string, or a string element of the array or of an array inside it. */
function regexPredicate(field: string, pattern: RegExp): DocumentPredicate {
  const hit = (value: unknown): boolean => typeof value === 'string' && pattern.test(value);
  return (document) => {
    const value: unknown = document[field];
    if (!Array.isArray(value)) return hit(value);
    return value.some(
      (element) => hit(element) || (Array.isArray(element) && element.some((inner) => hit(inner))),
    );
  };
}

/** A `$regex` given as a string; an invalid pattern is left to mingo (which reports it). */
function stringRegexPredicate(field: string, source: string): DocumentPredicate | undefined {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch {
    return undefined;
  }
  return regexPredicate(field, pattern);
}

/** mingo's `$type` for the aliases compiled here: the value itself, arrays are not traversed. */
const typeTests: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  bool: (value) => typeof value === 'boolean',
  date: (value) => value instanceof Date,
  null: (value) => value === null,
  number: (value) => typeof value === 'number' && !Number.isNaN(value),
};

function fieldPredicate(
  field: string,
  operator: string,
  argument: unknown,
): DocumentPredicate | undefined {
  switch (operator) {
    case '$eq':
      return isScalar(argument) ? equalityPredicate(field, argument) : undefined;
    case '$ne': {
      if (!isScalar(argument)) return undefined;
      const equal = equalityPredicate(field, argument);
      return (document) => !equal(document);
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(argument) || !argument.every(isScalar)) return undefined;
      const inside = inPredicate(field, argument);
      return operator === '$in' ? inside : (document) => !inside(document);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return rangeClass(argument) === undefined
        ? undefined
        : rangePredicate(field, operator, argument as Scalar);
    case '$exists': {
      if (typeof argument !== 'boolean') return undefined;
      return (document) => (document[field] !== undefined) === argument;
    }
    case '$type': {
      const test = typeof argument === 'string' ? typeTests[argument] : undefined;
      if (!test) return undefined;
      return (document) => test(document[field]);
    }
    default:
      return undefined;
  }
}

function conditionPredicate(field: string, condition: unknown): DocumentPredicate | undefined {
  if (condition instanceof RegExp) return regexPredicate(field, condition);
  if (!isPlainObject(condition)) {
    return isScalar(condition) ? equalityPredicate(field, condition) : undefined;
  }
  const operators = Object.keys(condition);
  if (operators.length === 0 || !operators.every((operator) => operator.startsWith('$')))
    return undefined;
  if ('$options' in condition && !('$regex' in condition)) return undefined;
  const parts: DocumentPredicate[] = [];
  for (const operator of operators) {
    if (operator === '$options') continue;
    let part: DocumentPredicate | undefined;
    if (operator === '$regex') {
      const source: unknown = condition.$regex;
      const options: unknown = condition.$options;
      if (source instanceof RegExp && options === undefined) part = regexPredicate(field, source);
      else if (typeof source === 'string' && (options === undefined || options === ''))
        part = stringRegexPredicate(field, source);
    } else {
      part = fieldPredicate(field, operator, condition[operator]);
    }
    if (!part) return undefined;
    parts.push(part);
  }
  return allOf(parts);
}

function allOf(parts: DocumentPredicate[]): DocumentPredicate {
  if (parts.length === 1) return parts[0] as DocumentPredicate;
  return (document) => {
    for (const part of parts) if (!part(document)) return false;
    return true;
  };
}

/**
 * Compiles a validated filter (see `validateFilter`) to a predicate, or returns undefined when any
 * part of it is outside the fast path.
 */
export function compileFilter(filter: Document): DocumentPredicate | undefined {
  const parts: DocumentPredicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) return undefined;
      const inner: DocumentPredicate[] = [];
      for (const clause of condition) {
        const compiled = isPlainObject(clause) ? compileFilter(clause) : undefined;
        if (!compiled) return undefined;
        inner.push(compiled);
      }
      if (key === '$and') parts.push(allOf(inner));
      else
        parts.push((document) => {
          for (const part of inner) if (part(document)) return true;
          return false;
        });
      continue;
    }
    if (!isSimpleField(key)) return undefined;
    const compiled = conditionPredicate(key, condition);
    if (!compiled) return undefined;
    parts.push(compiled);
  }
  if (parts.length === 0) return () => true;
  return allOf(parts);
}

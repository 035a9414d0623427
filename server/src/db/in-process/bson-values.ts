import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  type Document,
} from 'bson';
import { ErrorCode, MongoCommandError, unsupported } from './errors';

export type { Document };

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A string that is equal for two values exactly when MongoDB's equality (without collation)
 * says they are equal; used as the key of the hash maps behind `_id` and every index.
 * Embedded documents keep field order, as in MongoDB.
 */
export function canonicalKey(value: unknown): string {
  if (value === undefined || value === null) return 'n';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'd0' : `d${value}`;
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'bt' : 'bf';
    case 'bigint':
      return `d${value}`;
    default:
      break;
  }
  if (value instanceof ObjectId) return `o${value.toHexString()}`;
  if (value instanceof Date) return `t${value.getTime()}`;
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (value instanceof Binary)
    return `x${value.sub_type}:${Buffer.from(value.buffer).toString('base64')}`;
  if (value instanceof Long) return `d${value.toString()}`;
  if (value instanceof Int32 || value instanceof Double) return `d${value.valueOf()}`;
  if (value instanceof Decimal128) return `m${value.toString()}`;
  if (value instanceof Timestamp) return `ts${value.toString()}`;
  if (value instanceof RegExp) return `r/${value.source}/${value.flags}`;
  if (value instanceof BSONSymbol) return `s${JSON.stringify(value.valueOf())}`;
  if (value instanceof MinKey) return 'min';
  if (value instanceof MaxKey) return 'max';
  if (value instanceof Code) return `c${value.code}`;
  if (value instanceof DBRef) return `ref${value.collection}:${canonicalKey(value.oid)}`;
  const entries = Object.entries(value as Document).map(
    ([key, inner]) => `${JSON.stringify(key)}:${canonicalKey(inner)}`,
  );
  return `{${entries.join(',')}}`;
}

/** Prints a value the way the server's BSON printer does in E11000 messages. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (value instanceof Long || value instanceof Decimal128) return value.toString();
  if (value instanceof Binary)
    return `BinData(${value.sub_type}, ${Buffer.from(value.buffer).toString('hex').toUpperCase()})`;
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (isPlainObject(value)) return formatDocument(value);
  return String(value);
}

export function formatDocument(document: Document): string {
  const fields = Object.entries(document).map(([key, inner]) => `${key}: ${formatValue(inner)}`);
  return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
}

const supportedRegexOptions = new Set(['i', 'm', 's', 'u']);

/** Converts one BSON regular expression to a JS RegExp; options JS cannot honour fail loudly. */
export function toRegExp(pattern: BSONRegExp): RegExp {
  for (const option of pattern.options) {
    if (!supportedRegexOptions.has(option)) {
      throw unsupported(
        `Regular expression option '${option}' (in /${pattern.pattern}/${pattern.options})`,
      );
    }
  }
  try {
    return new RegExp(pattern.pattern, pattern.options);
  } catch (error) {
    throw new MongoCommandError(
      51091,
      `Regular expression is invalid: ${(error as Error).message}`,
    );
  }
}

/**
 * Rewrites a freshly deserialized command body in place: BSONRegExp -> RegExp (deserialized with
 * `bsonRegExp: true` so the `x` option is not dropped silently by bson).
 */
export function normalizeIncoming(value: unknown): unknown {
  if (value instanceof BSONRegExp) return toRegExp(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1)
      value[index] = normalizeIncoming(value[index]);
    return value;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) value[key] = normalizeIncoming(value[key]);
    return value;
  }
  return value;
}

/**
 * Values mingo compares wrongly (§8.2 of the reference): Decimal128, and Longs beyond 2^53 that bson
 * could not promote. They may be stored, but never compared, sorted or used in arithmetic.
 */
export function assertComparable(value: unknown, where: string): void {
  if (value instanceof Decimal128) throw unsupported(`Decimal128 in ${where}`);
  if (value instanceof Long) throw unsupported(`a 64-bit integer beyond 2^53 in ${where}`);
  if (Array.isArray(value)) {
    for (const item of value) assertComparable(item, where);
  } else if (isPlainObject(value)) {
    for (const inner of Object.values(value)) assertComparable(inner, where);
  }
}

/** Canonical BSON type order used for sorting (null and missing compare equal). */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 2;
  if (value instanceof MinKey) return 1;
  if (value instanceof MaxKey) return 100;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    default:
      break;
  }
  if (
    value instanceof Long ||
    value instanceof Int32 ||
    value instanceof Double ||
    value instanceof Decimal128
  )
    return 3;
  if (value instanceof BSONSymbol) return 4;
  if (Array.isArray(value)) return 6;
  if (value instanceof Binary) return 7;
  if (value instanceof ObjectId) return 8;
  if (value instanceof Date) return 10;
  if (value instanceof Timestamp) return 11;
  if (value instanceof RegExp) return 12;
  return 5;
}

function numericValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long || value instanceof Int32 || value instanceof Double)
    return Number(value.valueOf());
  throw new MongoCommandError(ErrorCode.BadValue, 'not a number');
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

/** Compares two BSON values in MongoDB's sort order. */
export function compareValues(left: unknown, right: unknown): number {
  const leftRank = typeRank(left);
  const rightRank = typeRank(right);
  if (leftRank !== rightRank) return leftRank < rightRank ? -1 : 1;
  switch (leftRank) {
    case 2:
    case 1:
    case 100:
      return 0;
    case 3: {
      if (left instanceof Decimal128 || right instanceof Decimal128)
        throw unsupported('Sorting on Decimal128');
      const difference = numericValue(left) - numericValue(right);
      return difference < 0 ? -1 : difference > 0 ? 1 : 0;
    }
    case 4: {
      const leftString = String((left as string).valueOf());
      const rightString = String((right as string).valueOf());
      return leftString < rightString ? -1 : leftString > rightString ? 1 : 0;
    }
    case 5:
      return compareDocuments(left as Document, right as Document);
    case 6: {
      const leftArray = left as unknown[];
      const rightArray = right as unknown[];
      for (let index = 0; index < Math.min(leftArray.length, rightArray.length); index += 1) {
        const result = compareValues(leftArray[index], rightArray[index]);
        if (result !== 0) return result;
      }
      return Math.sign(leftArray.length - rightArray.length);
    }
    case 7: {
      const leftBinary = left as Binary;
      const rightBinary = right as Binary;
      if (leftBinary.length() !== rightBinary.length())
        return leftBinary.length() < rightBinary.length() ? -1 : 1;
      if (leftBinary.sub_type !== rightBinary.sub_type)
        return leftBinary.sub_type < rightBinary.sub_type ? -1 : 1;
      return compareBytes(leftBinary.buffer, rightBinary.buffer);
    }
    case 8: {
      // Fixed-length lower-case hex orders like the 12 bytes (and `.id` would copy them each time).
      const leftHex = (left as ObjectId).toHexString();
      const rightHex = (right as ObjectId).toHexString();
      return leftHex < rightHex ? -1 : leftHex > rightHex ? 1 : 0;
    }
    case 9:
      return Number(left) - Number(right);
    case 10:
      return Math.sign((left as Date).getTime() - (right as Date).getTime());
    case 11:
      return (left as Timestamp).compare(right as Timestamp);
    case 12: {
      const leftText = String(left);
      const rightText = String(right);
      return leftText < rightText ? -1 : leftText > rightText ? 1 : 0;
    }
    default:
      return 0;
  }
}

function compareDocuments(left: Document, right: Document): number {
  const leftEntries = Object.entries(left);
  const rightEntries = Object.entries(right);
  for (let index = 0; index < Math.min(leftEntries.length, rightEntries.length); index += 1) {
    const [leftKey, leftValue] = leftEntries[index] as [string, unknown];
    const [rightKey, rightValue] = rightEntries[index] as [string, unknown];
    const byType = Math.sign(typeRank(leftValue) - typeRank(rightValue));
    if (byType !== 0) return byType;
    if (leftKey !== rightKey) return leftKey < rightKey ? -1 : 1;
    const byValue = compareValues(leftValue, rightValue);
    if (byValue !== 0) return byValue;
  }
  return Math.sign(leftEntries.length - rightEntries.length);
}

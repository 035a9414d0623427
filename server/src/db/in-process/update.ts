import { aggregate, update as mingoUpdate } from 'mingo';
import { cloneDeep } from 'mingo/util';
import { ObjectId } from 'bson';
import { canonicalKey, formatDocument, isPlainObject, type Document } from './bson-values';
import { getPathValue, pathsConflict, setPathValue } from './document-paths';
import { ErrorCode, MongoCommandError, unsupported } from './errors';
import { assertNoScript, baseMingoOptions, moveIdFirst, runMingo, validateFilter } from './query';
import { Decimal128, Long } from 'bson';

const updateOperators = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$setOnInsert',
]);
const pipelineUpdateStages = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);
/** Operators that create the path they name, so a scalar in the way is PathNotViable (28). */
const creatingOperators = new Set([
  '$set',
  '$setOnInsert',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$addToSet',
  '$bit',
]);

export type UpdateSpec =
  | { kind: 'replacement'; document: Document }
  | { kind: 'operators'; operators: Document }
  | { kind: 'pipeline'; stages: Document[] };

/** Classifies and validates the `u` of an update statement before any document is touched. */
export function parseUpdate(raw: unknown, arrayFilters: Document[] | undefined): UpdateSpec {
  if (Array.isArray(raw)) {
    for (const stage of raw) {
      if (!isPlainObject(stage) || Object.keys(stage).length !== 1)
        throw new MongoCommandError(
          ErrorCode.FailedToParse,
          'A pipeline stage specification object must contain exactly one field.',
        );
      const name = Object.keys(stage)[0] as string;
      if (!pipelineUpdateStages.has(name))
        throw new MongoCommandError(
          ErrorCode.InvalidOptions,
          `${name} is not allowed to be used within an update`,
        );
      assertNoScript(stage);
    }
    if (arrayFilters && arrayFilters.length > 0)
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        'arrayFilters may not be specified for pipeline-style updates',
      );
    return { kind: 'pipeline', stages: raw as Document[] };
  }
  if (!isPlainObject(raw))
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      'Update argument must be either an object or an array',
    );
  const keys = Object.keys(raw);
  if (keys.length === 0 || !(keys[0] as string).startsWith('$')) {
    for (const key of keys) {
      if (key.startsWith('$'))
        throw new MongoCommandError(
          ErrorCode.BadValue,
          `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document.`,
        );
    }
    if (arrayFilters && arrayFilters.length > 0)
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        'arrayFilters may not be specified for a replacement-style update',
      );
    return { kind: 'replacement', document: raw };
  }
  const paths: string[] = [];
  for (const [operator, argument] of Object.entries(raw)) {
    if (!updateOperators.has(operator))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    if (!isPlainObject(argument))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Modifiers operate on fields but we found type ${Array.isArray(argument) ? 'array' : typeof argument} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${String(argument)}}`,
      );
    for (const [path, value] of Object.entries(argument)) {
      if (path.length === 0) throw new MongoCommandError(56, 'An empty update path is not valid.');
      validateOperand(operator, path, value);
      paths.push(path);
      if (operator === '$rename') {
        if (typeof value !== 'string')
          throw new MongoCommandError(
            ErrorCode.BadValue,
            `The 'to' field for $rename must be a string: ${path}: ${String(value)}`,
          );
        paths.push(value);
      }
    }
  }
  for (let left = 0; left < paths.length; left += 1) {
    for (let right = left + 1; right < paths.length; right += 1) {
      const leftPath = paths[left] as string;
      const rightPath = paths[right] as string;
      if (pathsConflict(leftPath, rightPath)) {
        const [shorter, longer] =
          leftPath.length <= rightPath.length ? [leftPath, rightPath] : [rightPath, leftPath];
        throw new MongoCommandError(
          ErrorCode.ConflictingUpdateOperators,
          `Updating the path '${longer}' would create a conflict at '${shorter}'`,
        );
      }
    }
  }
  validateArrayFilterIdentifiers(paths, arrayFilters, raw);
  return { kind: 'operators', operators: raw };
}

function validateOperand(operator: string, path: string, value: unknown): void {
  if (operator === '$inc' || operator === '$mul') {
    if (value instanceof Decimal128 || value instanceof Long)
      throw unsupported(`${operator} with a Decimal128 or a 64-bit integer beyond 2^53`);
    if (typeof value !== 'number') {
      const verb = operator === '$inc' ? 'increment' : 'multiply';
      throw new MongoCommandError(
        ErrorCode.TypeMismatch,
        `Cannot ${verb} with non-numeric argument: {${path}: ${formatDocument({ v: value }).slice(5, -2)}}`,
      );
    }
  }
  if (
    (operator === '$min' || operator === '$max') &&
    (value instanceof Decimal128 || value instanceof Long)
  )
    throw unsupported(`${operator} with a Decimal128`);
  if (operator === '$pull' || operator === '$push' || operator === '$addToSet')
    assertNoScript(value);
}

function validateArrayFilterIdentifiers(
  paths: string[],
  arrayFilters: Document[] | undefined,
  raw: Document,
): void {
  const available = new Set<string>();
  for (const filter of arrayFilters ?? []) {
    if (!isPlainObject(filter))
      throw new MongoCommandError(ErrorCode.TypeMismatch, 'arrayFilters entries must be objects');
    const fields = Object.keys(filter);
    const identifier = (fields[0] ?? '').split('.')[0] as string;
    if (fields.some((field) => field.split('.')[0] !== identifier))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        'Error parsing array filter :: caused by :: Expected a single top-level field name, found multiple',
      );
    if (available.has(identifier))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Found multiple array filters with the same top-level field name ${identifier}`,
      );
    validateFilter(filter, 'arrayFilters');
    available.add(identifier);
  }
  const used = new Set<string>();
  for (const path of paths) {
    for (const match of path.matchAll(/\$\[(\w*)\]/g)) {
      const identifier = match[1] as string;
      if (identifier === '') continue;
      if (!available.has(identifier))
        throw new MongoCommandError(
          ErrorCode.BadValue,
          `No array filter found for identifier '${identifier}' in path '${path}'`,
        );
      used.add(identifier);
    }
  }
  for (const identifier of available) {
    if (!used.has(identifier))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `The array filter for identifier '${identifier}' was not used in the update ${formatDocument(raw)}`,
      );
  }
}

/**
 * Checks what depends on the document: numeric targets of $inc/$mul (14), scalars in the way of a
 * new path (28), array targets of $push/$addToSet/$pop/$pull (2), positional `$` needing the query.
 */
function validateAgainstDocument(operators: Document, document: Document, query: Document): void {
  for (const [operator, argument] of Object.entries(operators)) {
    for (const [path, operand] of Object.entries(argument as Document)) {
      const targets = operator === '$rename' ? [path, operand as string] : [path];
      for (const target of targets) {
        if (creatingOperators.has(operator) || (operator === '$rename' && target !== path))
          assertPathViable(document, target);
      }
      if (/(^|\.)\$($|\.)/.test(path)) {
        const arrayPath = path.slice(0, path.indexOf('.$'));
        const queried = Object.keys(query).some(
          (key) => key === arrayPath || key.startsWith(`${arrayPath}.`),
        );
        if (!queried)
          throw new MongoCommandError(
            ErrorCode.BadValue,
            'The positional operator did not find the match needed from the query.',
          );
      }
      if (path.includes('$')) continue;
      const current = getPathValue(document, path);
      if (current === undefined) continue;
      if ((operator === '$inc' || operator === '$mul') && typeof current !== 'number') {
        if (current instanceof Decimal128 || current instanceof Long)
          throw unsupported(`${operator} on a Decimal128 or 64-bit integer field`);
        throw new MongoCommandError(
          ErrorCode.TypeMismatch,
          `Cannot apply ${operator} to a value of non-numeric type. {_id: ${formatDocument({ v: document._id }).slice(5, -2)}} has the field '${path.split('.').pop() ?? path}' of non-numeric type ${typeName(current)}`,
        );
      }
      if (
        (operator === '$push' ||
          operator === '$addToSet' ||
          operator === '$pop' ||
          operator === '$pull' ||
          operator === '$pullAll') &&
        !Array.isArray(current)
      ) {
        throw new MongoCommandError(
          ErrorCode.BadValue,
          `The field '${path}' must be an array but is of type ${typeName(current)} in document {_id: ${formatDocument({ v: document._id }).slice(5, -2)}}`,
        );
      }
      if (
        (operator === '$min' || operator === '$max') &&
        (current instanceof Decimal128 || current instanceof Long)
      )
        throw unsupported(`${operator} on a Decimal128 field`);
    }
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof ObjectId) return 'objectId';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  return typeof value;
}

function assertPathViable(document: Document, path: string): void {
  const segments = path.split('.');
  let current: unknown = document;
  for (let position = 0; position < segments.length - 1; position += 1) {
    const segment = segments[position] as string;
    if (segment.startsWith('$')) return;
    let next: unknown;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) throw pathNotViable(segments, position, current);
      next = current[Number(segment)];
    } else if (isPlainObject(current)) {
      next = current[segment];
    } else {
      throw pathNotViable(segments, position, current);
    }
    if (next === undefined) return;
    current = next;
  }
  const last = segments[segments.length - 1] as string;
  if (Array.isArray(current) && !/^\d+$/.test(last) && !last.startsWith('$'))
    throw pathNotViable(segments, segments.length - 1, current);
  if (current !== document && !Array.isArray(current) && !isPlainObject(current))
    throw pathNotViable(segments, segments.length - 1, current);
}

function pathNotViable(segments: string[], position: number, element: unknown): MongoCommandError {
  const parent = segments[position - 1] ?? '';
  return new MongoCommandError(
    ErrorCode.PathNotViable,
    `Cannot create field '${segments[position]}' in element {${parent}: ${formatDocument({ v: element }).slice(5, -2)}}`,
  );
}

export interface ApplyOptions {
  query: Document;
  arrayFilters?: Document[];
  /** The document is being created by an upsert: `$setOnInsert` applies. */
  inserting: boolean;
}

/** Applies a parsed update to a stored document and returns the new document (never mutates it). */
export function applyUpdate(current: Document, spec: UpdateSpec, options: ApplyOptions): Document {
  let next: Document;
  if (spec.kind === 'replacement') {
    const replacement = spec.document;
    if ('_id' in replacement && canonicalKey(replacement._id) !== canonicalKey(current._id))
      throw immutableId();
    next = { _id: current._id, ...replacement };
    if (current._id === undefined) delete next._id;
  } else if (spec.kind === 'pipeline') {
    const [result] = runMingo(() => aggregate([cloneDeep(current)], spec.stages, baseMingoOptions));
    if (!result)
      throw new MongoCommandError(ErrorCode.BadValue, 'The update pipeline removed the document');
    next = result;
    if (canonicalKey(next._id) !== canonicalKey(current._id)) throw immutableId();
  } else {
    const operators: Document = {};
    for (const [operator, argument] of Object.entries(spec.operators)) {
      if (operator === '$setOnInsert') {
        if (options.inserting)
          operators.$set = {
            ...(operators.$set as Document | undefined),
            ...(argument as Document),
          };
        continue;
      }
      if (operator === '$set')
        operators.$set = { ...(operators.$set as Document | undefined), ...(argument as Document) };
      else operators[operator] = argument;
    }
    validateAgainstDocument(operators, current, options.query);
    // mingo refuses any $set of _id; setting it to its current value is legal in MongoDB.
    const setFields = operators.$set as Document | undefined;
    if (setFields && '_id' in setFields && current._id !== undefined) {
      if (canonicalKey(setFields._id) !== canonicalKey(current._id)) throw immutableId();
      const { _id: _unchanged, ...rest } = setFields;
      if (Object.keys(rest).length > 0) operators.$set = rest;
      else delete operators.$set;
    }
    next = cloneDeep(current);
    // mingo applies the update only when `condition` matches; it is needed for the positional `$` only.
    const usesPositional = Object.values(operators).some((argument) =>
      Object.keys(argument as Document).some((path) => /(^|\.)\$($|\.)/.test(path)),
    );
    const condition = usesPositional && !options.inserting ? options.query : undefined;
    if (Object.keys(operators).length > 0) {
      runMingo(() =>
        mingoUpdate(next, operators, options.arrayFilters, condition, {
          queryOptions: baseMingoOptions,
        }),
      );
    }
    if (current._id !== undefined && canonicalKey(next._id) !== canonicalKey(current._id))
      throw immutableId();
  }
  return moveIdFirst(next);
}

function immutableId(): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.ImmutableField,
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

/** The document an upsert starts from: the equality fields of the query. */
export function upsertSeed(query: Document): Document {
  const seed: Document = {};
  const visit = (filter: Document): void => {
    for (const [key, condition] of Object.entries(filter)) {
      if (key === '$and' && Array.isArray(condition)) {
        for (const inner of condition) if (isPlainObject(inner)) visit(inner);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (
        isPlainObject(condition) &&
        Object.keys(condition).some((inner) => inner.startsWith('$'))
      ) {
        if ('$eq' in condition) setPathValue(seed, key, cloneDeep(condition.$eq));
        continue;
      }
      if (condition instanceof RegExp) continue;
      setPathValue(seed, key, cloneDeep(condition));
    }
  };
  visit(query);
  return seed;
}

/** Ensures a new document has an `_id` (generated when missing) in first position. */
export function withId(document: Document): Document {
  if (document._id === undefined) return { _id: new ObjectId(), ...document };
  return moveIdFirst(document);
}

import { canonicalKey, compareValues, type Document } from '../bson-values';
import {
  assertSimpleCollation,
  optionalDocument,
  optionalNumber,
  requireCollectionName,
  type CommandContext,
  type CommandDefinition,
} from '../command-context';
import { collectPathValues } from '../document-paths';
import { ErrorCode, MongoCommandError, unsupported } from '../errors';
import { findMatches } from '../matching';
import { Filter, parseSort } from '../query';

const unsupportedFindOptions = [
  'tailable',
  'awaitData',
  'oplogReplay',
  'min',
  'max',
  'returnKey',
  'showRecordId',
  'allowPartialResults',
  'readOnce',
];

function find(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'find');
  for (const option of unsupportedFindOptions)
    if (command[option] !== undefined && command[option] !== false)
      throw unsupported(`find option '${option}'`);
  assertSimpleCollation(command.collation);
  const filter = new Filter(command.filter);
  const sort = parseSort(command.sort);
  const skip = optionalNumber(command, 'skip') ?? 0;
  const rawLimit = optionalNumber(command, 'limit') ?? 0;
  const batchSize = optionalNumber(command, 'batchSize');
  if (skip < 0)
    throw new MongoCommandError(
      51024,
      "BSON field 'skip' value must be >= 0, actual value '" + String(skip) + "'",
    );
  if (batchSize !== undefined && batchSize < 0)
    throw new MongoCommandError(51024, "BSON field 'batchSize' value must be >= 0");
  const limit = Math.abs(rawLimit);
  const collection = context.storage.get(context.databaseName, name);
  const matches = findMatches(collection, filter, {
    sort,
    skip,
    limit: limit > 0 ? limit : undefined,
  });
  const results = filter.project(matches, optionalDocument(command, 'projection'));
  return context.cursors.open(`${context.databaseName}.${name}`, results, {
    batchSize,
    singleBatch: command.singleBatch === true || rawLimit < 0,
  });
}

function getMore(command: Document, context: CommandContext): Document {
  const id = command.getMore;
  if (typeof id !== 'number')
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      "BSON field 'getMore.getMore' is the wrong type, expected type 'long'",
    );
  const collection = command.collection;
  if (typeof collection !== 'string')
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      "BSON field 'getMore.collection' is the wrong type",
    );
  return context.cursors.getMore(
    id,
    `${context.databaseName}.${collection}`,
    optionalNumber(command, 'batchSize'),
  );
}

function count(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'count');
  assertSimpleCollation(command.collation);
  const filter = new Filter(command.query);
  const collection = context.storage.get(context.databaseName, name);
  const skip = optionalNumber(command, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(command, 'limit') ?? 0);
  if (filter.matchesAll && collection) {
    const total = Math.max(0, collection.size - skip);
    return { n: limit > 0 ? Math.min(limit, total) : total };
  }
  return {
    n: findMatches(collection, filter, { skip, limit: limit > 0 ? limit : undefined }).length,
  };
}

function distinct(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'distinct');
  const key = command.key;
  if (typeof key !== 'string' || key.length === 0)
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      "BSON field 'distinct.key' is missing or not a string",
    );
  assertSimpleCollation(command.collation);
  const filter = new Filter(command.query);
  const seen = new Map<string, unknown>();
  for (const document of findMatches(context.storage.get(context.databaseName, name), filter)) {
    for (const value of collectPathValues(document, key)) {
      if (value === undefined) continue;
      const canonical = canonicalKey(value);
      if (!seen.has(canonical)) seen.set(canonical, value);
    }
  }
  return { values: [...seen.values()].sort(compareValues) };
}

const readFields = ['readConcern', 'hint', 'collation'];

export const readCommands: Record<string, CommandDefinition> = {
  find: {
    handler: find,
    fields: [
      'filter',
      'sort',
      'projection',
      'skip',
      'limit',
      'batchSize',
      'singleBatch',
      'noCursorTimeout',
      'allowDiskUse',
      ...unsupportedFindOptions,
      ...readFields,
    ],
    allowedInTransaction: true,
  },
  getMore: { handler: getMore, fields: ['collection', 'batchSize'], allowedInTransaction: true },
  count: { handler: count, fields: ['query', 'limit', 'skip', 'fields', ...readFields] },
  distinct: {
    handler: distinct,
    fields: ['key', 'query', ...readFields],
    allowedInTransaction: true,
  },
};

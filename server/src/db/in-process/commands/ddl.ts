import { Long } from 'bson';
import { canonicalKey, isPlainObject, type Document } from '../bson-values';
import { parseIndexSpec } from '../collection-index';
import {
  assertSimpleCollation,
  requireCollectionName,
  type CommandContext,
  type CommandDefinition,
} from '../command-context';
import { ErrorCode, MongoCommandError, unsupported } from '../errors';
import { Filter } from '../query';

const unsupportedCreateOptions = [
  'capped',
  'size',
  'max',
  'timeseries',
  'clusteredIndex',
  'viewOn',
  'pipeline',
  'changeStreamPreAndPostImages',
  'expireAfterSeconds',
  'encryptedFields',
  'indexOptionDefaults',
  'storageEngine',
];

function create(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'create');
  for (const option of unsupportedCreateOptions) {
    if (command[option] !== undefined && command[option] !== false)
      throw unsupported(`create option '${option}'`);
  }
  if (
    command.validator !== undefined &&
    !(isPlainObject(command.validator) && Object.keys(command.validator).length === 0)
  )
    throw unsupported('Collection validators');
  assertSimpleCollation(command.collation);
  const options: Document = {};
  const existing = context.storage.get(context.databaseName, name);
  if (existing) {
    if (canonicalKey(existing.options) === canonicalKey(options)) return {};
    throw new MongoCommandError(
      ErrorCode.NamespaceExists,
      `Collection ${context.databaseName}.${name} already exists.`,
    );
  }
  context.storage.getOrCreate(context.databaseName, name, options);
  return {};
}

function drop(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'drop');
  const dropped = context.storage.drop(context.databaseName, name);
  if (!dropped) return {};
  return { nIndexesWas: dropped.indexSpecs().length, ns: dropped.namespace };
}

function dropDatabase(_command: Document, context: CommandContext): Document {
  context.storage.dropDatabase(context.databaseName);
  return { dropped: context.databaseName };
}

function listCollections(command: Document, context: CommandContext): Document {
  const filter = new Filter(command.filter);
  const nameOnly = command.nameOnly === true;
  const infos = context.storage
    .collections(context.databaseName)
    .map((collection) => ({
      name: collection.name,
      type: 'collection',
      options: { ...collection.options },
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }))
    .filter((info) => filter.test(info))
    .map((info): Document => (nameOnly ? { name: info.name, type: info.type } : info));
  const batchSize =
    isPlainObject(command.cursor) && typeof command.cursor.batchSize === 'number'
      ? command.cursor.batchSize
      : undefined;
  return context.cursors.open(`${context.databaseName}.$cmd.listCollections`, infos, { batchSize });
}

function listDatabases(command: Document, context: CommandContext): Document {
  const filter = new Filter(command.filter);
  const databases = context.storage
    .databaseNames()
    .map((name): Document =>
      command.nameOnly === true ? { name } : { name, sizeOnDisk: 0, empty: false },
    )
    .filter((database) => filter.test(database));
  return command.nameOnly === true ? { databases } : { databases, totalSize: 0, totalSizeMb: 0 };
}

function createIndexes(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'createIndexes');
  if (!Array.isArray(command.indexes) || command.indexes.length === 0)
    throw new MongoCommandError(ErrorCode.BadValue, 'Must specify at least one index to create');
  const specs = command.indexes.map(parseIndexSpec);
  const { collection, created } = context.storage.getOrCreate(context.databaseName, name);
  const numIndexesBefore = created ? 1 : collection.indexSpecs().length;
  const added: string[] = [];
  try {
    for (const spec of specs) if (collection.createIndex(spec)) added.push(spec.name);
  } catch (error) {
    for (const addedName of added) collection.dropIndex(addedName);
    if (created && collection.size === 0) context.storage.drop(context.databaseName, name);
    throw error;
  }
  const reply: Document = {
    numIndexesBefore,
    numIndexesAfter: collection.indexSpecs().length,
    createdCollectionAutomatically: created,
  };
  if (added.length === 0) reply.note = 'all indexes already exist';
  return reply;
}

function listIndexes(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'listIndexes');
  const collection = context.storage.get(context.databaseName, name);
  if (!collection)
    throw new MongoCommandError(
      ErrorCode.NamespaceNotFound,
      `ns does not exist: ${context.databaseName}.${name}`,
    );
  const batchSize =
    isPlainObject(command.cursor) && typeof command.cursor.batchSize === 'number'
      ? command.cursor.batchSize
      : undefined;
  const specs = collection.indexSpecs().map((spec): Document => ({ ...spec }));
  return context.cursors.open(`${context.databaseName}.$cmd.listIndexes.${name}`, specs, {
    batchSize,
  });
}

function dropIndexes(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'dropIndexes');
  const collection = context.storage.get(context.databaseName, name);
  if (!collection)
    throw new MongoCommandError(
      ErrorCode.NamespaceNotFound,
      `ns not found ${context.databaseName}.${name}`,
    );
  const nIndexesWas = collection.indexSpecs().length;
  const target: unknown = command.index;
  if (target === '*') {
    collection.dropAllIndexes();
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection' };
  }
  if (typeof target === 'string') {
    collection.dropIndex(target);
  } else if (Array.isArray(target)) {
    for (const indexName of target)
      if (
        typeof indexName !== 'string' ||
        !collection.indexSpecs().some((spec) => spec.name === indexName)
      )
        throw new MongoCommandError(
          ErrorCode.IndexNotFound,
          `index not found with name [${String(indexName)}]`,
        );
    for (const indexName of target as string[]) collection.dropIndex(indexName);
  } else if (isPlainObject(target)) {
    const index = collection.findIndexByKey(target);
    if (!index)
      throw new MongoCommandError(
        ErrorCode.IndexNotFound,
        `can't find index with key: ${JSON.stringify(target)}`,
      );
    collection.dropIndex(index.spec.name);
  } else {
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      "BSON field 'dropIndexes.index' is the wrong type",
    );
  }
  return { nIndexesWas };
}

function killCursors(command: Document, context: CommandContext): Document {
  requireCollectionName(command, 'killCursors');
  if (!Array.isArray(command.cursors))
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      "BSON field 'killCursors.cursors' is missing or not an array",
    );
  const { killed, notFound } = context.cursors.kill(command.cursors.map(Number));
  return {
    cursorsKilled: killed.map((id) => Long.fromNumber(id)),
    cursorsNotFound: notFound.map((id) => Long.fromNumber(id)),
    cursorsAlive: [],
    cursorsUnknown: [],
  };
}

export const ddlCommands: Record<string, CommandDefinition> = {
  create: {
    handler: create,
    fields: [
      ...unsupportedCreateOptions,
      'validator',
      'validationLevel',
      'validationAction',
      'collation',
      'idIndex',
      'autoIndexId',
    ],
    allowedInTransaction: true,
  },
  drop: { handler: drop, fields: [] },
  dropDatabase: { handler: dropDatabase, fields: [] },
  listCollections: {
    handler: listCollections,
    fields: ['filter', 'nameOnly', 'authorizedCollections', 'cursor'],
  },
  listDatabases: {
    handler: listDatabases,
    fields: ['filter', 'nameOnly', 'authorizedDatabases'],
    adminOnly: true,
  },
  createIndexes: {
    handler: createIndexes,
    fields: ['indexes', 'commitQuorum'],
    allowedInTransaction: true,
  },
  listIndexes: { handler: listIndexes, fields: ['cursor'] },
  dropIndexes: { handler: dropIndexes, fields: ['index'] },
  killCursors: { handler: killCursors, fields: ['cursors'] },
};

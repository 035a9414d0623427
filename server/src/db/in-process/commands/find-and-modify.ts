import { canonicalKey, type Document } from '../bson-values';
import {
  assertSimpleCollation,
  optionalDocument,
  requireCollectionName,
  type CommandContext,
  type CommandDefinition,
} from '../command-context';
import { ErrorCode, MongoCommandError } from '../errors';
import { findMatches } from '../matching';
import { Filter, parseSort } from '../query';
import { applyUpdate, parseUpdate } from '../update';
import { upsertDocument } from './write-commands';

function findAndModify(command: Document, context: CommandContext): Document {
  const commandName = 'findAndModify' in command ? 'findAndModify' : 'findandmodify';
  const name = requireCollectionName(command, commandName);
  assertSimpleCollation(command.collation);
  const remove = command.remove === true;
  if (remove && command.update !== undefined)
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      'Cannot specify both an update and remove=true',
    );
  if (remove && command.upsert === true)
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      'Cannot specify both upsert=true and remove=true',
    );
  if (!remove && command.update === undefined)
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      'Either an update or remove=true must be specified',
    );
  if (remove && command.new === true)
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  const query = (command.query ?? {}) as Document;
  const filter = new Filter(query);
  const fields = optionalDocument(command, 'fields');
  const project = (document: Document | undefined): Document | null =>
    document ? (filter.project([document], fields)[0] ?? null) : null;
  const collection = context.storage.get(context.databaseName, name);
  const [current] = findMatches(collection, filter, { sort: parseSort(command.sort), limit: 1 });

  if (remove) {
    if (!current || !collection) return { lastErrorObject: { n: 0 }, value: null };
    collection.write(canonicalKey(current._id), undefined, context.journal);
    return { lastErrorObject: { n: 1 }, value: project(current) };
  }

  const arrayFilters = command.arrayFilters as Document[] | undefined;
  const spec = parseUpdate(command.update, arrayFilters);
  const returnNew = command.new === true;
  if (current && collection) {
    const next = applyUpdate(current, spec, {
      query: filter.source,
      arrayFilters,
      inserting: false,
    });
    if (canonicalKey(next) !== canonicalKey(current))
      collection.write(canonicalKey(current._id), next, context.journal);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: project(returnNew ? next : current),
    };
  }
  if (command.upsert === true) {
    const document = upsertDocument(query, filter.source, spec, arrayFilters);
    context.storage
      .getOrCreate(context.databaseName, name)
      .collection.insert(document, context.journal);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: document._id },
      value: returnNew ? project(document) : null,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
}

const fields = [
  'query',
  'sort',
  'remove',
  'update',
  'new',
  'fields',
  'upsert',
  'arrayFilters',
  'bypassDocumentValidation',
  'collation',
  'hint',
];

export const findAndModifyCommands: Record<string, CommandDefinition> = {
  findAndModify: { handler: findAndModify, fields, allowedInTransaction: true },
  findandmodify: { handler: findAndModify, fields, allowedInTransaction: true },
};

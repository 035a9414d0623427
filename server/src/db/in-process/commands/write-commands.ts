import { calculateObjectSize } from 'bson';
import { canonicalKey, isPlainObject, type Document } from '../bson-values';
import {
  assertSimpleCollation,
  requireCollectionName,
  type CommandContext,
  type CommandDefinition,
} from '../command-context';
import { ErrorCode, MongoCommandError } from '../errors';
import { findMatches } from '../matching';
import { Filter } from '../query';
import { BlockedByTransactionError } from '../transactions';
import { applyUpdate, parseUpdate, upsertSeed, withId } from '../update';
import { maxBsonObjectSize } from './handshake';

/**
 * Runs the statements of a write command: ordered stops at the first failure, unordered goes on.
 * A statement error becomes a `writeErrors` entry; errors with labels (transaction write conflicts)
 * fail the whole command, as on a real server.
 */
function runStatements(
  statements: unknown[],
  ordered: boolean,
  run: (statement: unknown, index: number) => void,
): Document[] {
  const writeErrors: Document[] = [];
  statements.forEach((statement, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      run(statement, index);
    } catch (error) {
      // Labelled errors (transaction conflicts) and lock waits belong to the whole command.
      if (
        !(error instanceof MongoCommandError) ||
        error.errorLabels.length > 0 ||
        error instanceof BlockedByTransactionError
      )
        throw error;
      writeErrors.push(error.toWriteError(index));
    }
  });
  return writeErrors;
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

function requireArray(command: Document, field: string, commandName: string): unknown[] {
  const value = command[field];
  if (!Array.isArray(value))
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      `BSON field '${commandName}.${field}' is missing but a required field`,
    );
  return value;
}

/** Validates a document about to be inserted, as `fixDocumentForInsert` does; returns it `_id` first. */
export function prepareForInsert(raw: unknown): Document {
  if (!isPlainObject(raw))
    throw new MongoCommandError(ErrorCode.BadValue, 'document to insert must be an object');
  const size = calculateObjectSize(raw);
  if (size > maxBsonObjectSize)
    throw new MongoCommandError(
      ErrorCode.BadValue,
      `object to insert too large. size in bytes: ${size}, max size: ${maxBsonObjectSize}`,
    );
  const id: unknown = raw._id;
  if (Array.isArray(id))
    throw new MongoCommandError(53, "can't use an array for _id", { codeName: 'InvalidIdField' });
  if (id instanceof RegExp)
    throw new MongoCommandError(53, "can't use a regex for _id", { codeName: 'InvalidIdField' });
  if ('_id' in raw && id === undefined)
    throw new MongoCommandError(53, "can't use a undefined for _id", {
      codeName: 'InvalidIdField',
    });
  return withId(raw);
}

function insert(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'insert');
  const documents = requireArray(command, 'documents', 'insert');
  const { collection } = context.storage.getOrCreate(context.databaseName, name);
  let n = 0;
  const writeErrors = runStatements(documents, command.ordered !== false, (raw) => {
    collection.insert(prepareForInsert(raw), context.journal);
    n += 1;
  });
  return withWriteErrors({ n }, writeErrors);
}

const updateStatementFields = new Set([
  'q',
  'u',
  'upsert',
  'multi',
  'arrayFilters',
  'collation',
  'hint',
  'c',
  'upsertSupplied',
]);

function update(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'update');
  const statements = requireArray(command, 'updates', 'update');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runStatements(statements, command.ordered !== false, (raw, index) => {
    if (!isPlainObject(raw))
      throw new MongoCommandError(ErrorCode.TypeMismatch, 'update statement must be an object');
    for (const field of Object.keys(raw)) {
      if (!updateStatementFields.has(field))
        throw new MongoCommandError(
          ErrorCode.UnknownField,
          `BSON field 'update.updates.${field}' is an unknown field.`,
        );
    }
    if (raw.c !== undefined)
      throw new MongoCommandError(
        ErrorCode.BadValue,
        "update constants ('c') are not supported by the inbox-crm in-process test server",
      );
    assertSimpleCollation(raw.collation);
    const arrayFilters = raw.arrayFilters as Document[] | undefined;
    const spec = parseUpdate(raw.u, arrayFilters);
    if (spec.kind === 'replacement' && raw.multi === true)
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        'multi update is not supported for replacement-style update',
      );
    const query = (raw.q ?? {}) as Document;
    const filter = new Filter(query);
    const collection = context.storage.get(context.databaseName, name);
    const matches = findMatches(collection, filter, { limit: raw.multi === true ? undefined : 1 });
    for (const current of matches) {
      const next = applyUpdate(current, spec, {
        query: filter.source,
        arrayFilters,
        inserting: false,
      });
      n += 1;
      if (canonicalKey(next) !== canonicalKey(current)) {
        collection?.write(canonicalKey(current._id), next, context.journal);
        nModified += 1;
      }
    }
    if (matches.length === 0 && raw.upsert === true) {
      const document = upsertDocument(query, filter.source, spec, arrayFilters);
      context.storage
        .getOrCreate(context.databaseName, name)
        .collection.insert(document, context.journal);
      n += 1;
      upserted.push({ index, _id: document._id });
    }
  });
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
}

/** The document an upsert inserts: the query's equality fields, then the update applied. */
export function upsertDocument(
  query: Document,
  validatedQuery: Document,
  spec: ReturnType<typeof parseUpdate>,
  arrayFilters: Document[] | undefined,
): Document {
  const seed = upsertSeed(validatedQuery);
  if (spec.kind === 'replacement') {
    const document = { ...spec.document };
    if (document._id === undefined && seed._id !== undefined) document._id = seed._id;
    return prepareForInsert(document);
  }
  const document = applyUpdate(seed, spec, { query, arrayFilters, inserting: true });
  return prepareForInsert(document);
}

const deleteStatementFields = new Set(['q', 'limit', 'collation', 'hint']);

function remove(command: Document, context: CommandContext): Document {
  const name = requireCollectionName(command, 'delete');
  const statements = requireArray(command, 'deletes', 'delete');
  let n = 0;
  const writeErrors = runStatements(statements, command.ordered !== false, (raw) => {
    if (!isPlainObject(raw))
      throw new MongoCommandError(ErrorCode.TypeMismatch, 'delete statement must be an object');
    for (const field of Object.keys(raw)) {
      if (!deleteStatementFields.has(field))
        throw new MongoCommandError(
          ErrorCode.UnknownField,
          `BSON field 'delete.deletes.${field}' is an unknown field.`,
        );
    }
    if (raw.limit !== 0 && raw.limit !== 1)
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        'The limit field in delete objects must be 0 or 1',
      );
    assertSimpleCollation(raw.collation);
    const collection = context.storage.get(context.databaseName, name);
    const matches = findMatches(collection, new Filter(raw.q), {
      limit: raw.limit === 1 ? 1 : undefined,
    });
    for (const document of matches) {
      collection?.write(canonicalKey(document._id), undefined, context.journal);
      n += 1;
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

const writeFields = ['ordered', 'bypassDocumentValidation'];

export const writeCommands: Record<string, CommandDefinition> = {
  insert: { handler: insert, fields: ['documents', ...writeFields], allowedInTransaction: true },
  update: { handler: update, fields: ['updates', ...writeFields], allowedInTransaction: true },
  delete: { handler: remove, fields: ['deletes', ...writeFields], allowedInTransaction: true },
};

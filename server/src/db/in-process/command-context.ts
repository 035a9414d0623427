import type { Document } from './bson-values';
import type { WriteJournal } from './collection';
import type { CursorRegistry } from './cursors';
import { ErrorCode, MongoCommandError } from './errors';
import type { Storage } from './storage';
import type { Transaction, TransactionManager } from './transactions';

export interface ServerIdentity {
  /** `host:port` exactly as the driver dials it and as `hosts` lists it. */
  address: string;
  replicaSetName: string;
  startedAt: Date;
}

export interface ConnectionInfo {
  id: number;
  appName?: string;
}

/** Everything a command handler may touch. Handlers are synchronous: no state changes between awaits. */
export interface CommandContext {
  readonly storage: Storage;
  readonly cursors: CursorRegistry;
  readonly transactions: TransactionManager;
  readonly identity: ServerIdentity;
  readonly connection: ConnectionInfo;
  readonly databaseName: string;
  /** Where writes are journaled: the open transaction, or the autocommit lock check. */
  readonly journal: WriteJournal;
  readonly transaction: Transaction | undefined;
}

export type CommandHandler = (command: Document, context: CommandContext) => Document;

export interface CommandDefinition {
  handler: CommandHandler;
  /** Fields accepted besides the command name and the generic ones (`$db`, `lsid`, …). */
  fields: readonly string[];
  allowedInTransaction?: boolean;
  adminOnly?: boolean;
}

export function requireCollectionName(command: Document, commandName: string): string {
  const value = command[commandName];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MongoCommandError(
      ErrorCode.InvalidNamespace,
      `collection name has invalid type ${typeof value}`,
    );
  }
  return value;
}

export function optionalNumber(command: Document, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      `BSON field '${field}' is the wrong type, expected a number`,
    );
  return value;
}

export function optionalDocument(command: Document, field: string): Document | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      `BSON field '${field}' is the wrong type, expected an object`,
    );
  return value as Document;
}

/** Only the "simple" collation (binary comparison) is implemented; anything else fails loudly. */
export function assertSimpleCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (typeof collation === 'object' && (collation as Document).locale === 'simple') return;
  throw new MongoCommandError(
    ErrorCode.BadValue,
    'collation is not supported by the inbox-crm in-process test server (store a normalized field instead)',
  );
}

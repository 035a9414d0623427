import { Binary, Long } from 'bson';
import { isPlainObject, type Document } from './bson-values';
import type {
  CommandContext,
  CommandDefinition,
  ConnectionInfo,
  ServerIdentity,
} from './command-context';
import { aggregateCommands } from './commands/aggregate';
import { ddlCommands } from './commands/ddl';
import { findAndModifyCommands } from './commands/find-and-modify';
import { handshakeCommands } from './commands/handshake';
import { readCommands } from './commands/read-commands';
import { writeCommands } from './commands/write-commands';
import type { CursorRegistry } from './cursors';
import { ErrorCode, MongoCommandError, unsupported } from './errors';
import type { FailPoints } from './fail-points';
import type { Storage } from './storage';
import {
  BlockedByTransactionError,
  type Transaction,
  type TransactionManager,
} from './transactions';
import type { WriteJournal } from './collection';

/** Fields the driver may put on any command; accepted and (apart from sessions) ignored. */
const genericFields = new Set([
  '$db',
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  '$clusterTime',
  'readConcern',
  'writeConcern',
  '$readPreference',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'comment',
  'maxTimeMS',
]);

export interface DispatchResult {
  /** Undefined: no reply (the fail point closes the connection, or the command must run again). */
  reply?: Document;
  closeConnection?: boolean;
  delayMs?: number;
  /** Blocked by an open transaction before writing anything: dispatch the same command again later. */
  retryLater?: boolean;
}

export interface ServerServices {
  storage: Storage;
  cursors: CursorRegistry;
  transactions: TransactionManager;
  failPoints: FailPoints;
  identity: ServerIdentity;
}

function sessionKey(lsid: unknown): string | undefined {
  if (!isPlainObject(lsid)) return undefined;
  const id: unknown = lsid.id;
  if (id instanceof Binary) return Buffer.from(id.buffer).toString('hex');
  return undefined;
}

function txnNumberOf(body: Document): number | undefined {
  const value: unknown = body.txnNumber;
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  return undefined;
}

/** Session and test commands that need the server's services rather than a database. */
function serviceCommands(services: ServerServices): Record<string, CommandDefinition> {
  const endTransaction =
    (commit: boolean) =>
    (command: Document): Document => {
      const session = sessionKey(command.lsid);
      const txnNumber = txnNumberOf(command);
      if (session === undefined || txnNumber === undefined || command.autocommit !== false) {
        throw new MongoCommandError(
          ErrorCode.InvalidOptions,
          `${commit ? 'commitTransaction' : 'abortTransaction'} must be run within a transaction`,
        );
      }
      if (commit) services.transactions.commit(session, txnNumber);
      else services.transactions.abortByClient(session, txnNumber);
      return {};
    };
  return {
    commitTransaction: {
      handler: endTransaction(true),
      fields: ['recoveryToken'],
      adminOnly: true,
      allowedInTransaction: true,
    },
    abortTransaction: {
      handler: endTransaction(false),
      fields: ['recoveryToken'],
      adminOnly: true,
      allowedInTransaction: true,
    },
    endSessions: {
      handler: (command) => {
        for (const lsid of Array.isArray(command.endSessions) ? command.endSessions : []) {
          const session = sessionKey(lsid);
          if (session) services.transactions.endSession(session);
        }
        return {};
      },
      fields: [],
    },
    configureFailPoint: {
      handler: (command) => services.failPoints.configure(command),
      fields: ['mode', 'data'],
      adminOnly: true,
    },
  };
}

/**
 * Turns one command document into its reply, synchronously: name lookup (59 for anything not
 * implemented), field allow-list (40415), fail points, transaction bookkeeping, error shapes.
 */
export class CommandDispatcher {
  private readonly commands: Record<string, CommandDefinition>;

  constructor(private readonly services: ServerServices) {
    this.commands = {
      ...handshakeCommands,
      ...ddlCommands,
      ...readCommands,
      ...writeCommands,
      ...findAndModifyCommands,
      ...aggregateCommands,
      ...serviceCommands(services),
    };
  }

  /** `mayWait`: a command blocked by a transaction's lock may be retried instead of failing. */
  dispatch(body: Document, connection: ConnectionInfo, mayWait = false): DispatchResult {
    const commandName = Object.keys(body)[0] ?? '';
    let delayMs = 0;
    let writeConcernError: Document | undefined;
    const failure = this.services.failPoints.check(commandName, body, connection.appName);
    if (failure.kind === 'close') return { closeConnection: true };
    if (failure.kind === 'error')
      return { reply: failure.error.toReply(), delayMs: failure.delayMs };
    if (failure.kind === 'run') {
      delayMs = failure.delayMs;
      writeConcernError = failure.writeConcernError;
    }
    const outcome: { journal?: { applied: number } } = {};
    try {
      const reply = this.run(commandName, body, connection, outcome);
      if (writeConcernError) reply.writeConcernError = writeConcernError;
      return { reply: { ...reply, ok: 1 }, delayMs };
    } catch (error) {
      if (error instanceof BlockedByTransactionError && mayWait && outcome.journal?.applied === 0)
        return { retryLater: true };
      if (error instanceof MongoCommandError) return { reply: error.toReply(), delayMs };
      const message = error instanceof Error ? error.message : String(error);
      // An internal bug must surface as a clear failure, never as a silent success.
      return {
        reply: new MongoCommandError(
          1,
          `inbox-crm in-process test server internal error in '${commandName}': ${message}`,
          { codeName: 'InternalError' },
        ).toReply(),
        delayMs,
      };
    }
  }

  private run(
    commandName: string,
    body: Document,
    connection: ConnectionInfo,
    outcome: { journal?: { applied: number } },
  ): Document {
    const definition = Object.prototype.hasOwnProperty.call(this.commands, commandName)
      ? this.commands[commandName]
      : undefined;
    if (!definition)
      throw new MongoCommandError(ErrorCode.CommandNotFound, `no such command: '${commandName}'`);
    const allowed = new Set(definition.fields);
    for (const field of Object.keys(body).slice(1)) {
      if (field === 'let') throw unsupported(`'let' variables (in ${commandName})`);
      if (!genericFields.has(field) && !allowed.has(field))
        throw new MongoCommandError(
          ErrorCode.UnknownField,
          `BSON field '${commandName}.${field}' is an unknown field.`,
        );
    }
    const databaseName = body.$db;
    if (typeof databaseName !== 'string')
      throw new MongoCommandError(40571, 'OP_MSG requests require a $db argument');
    if (definition.adminOnly && databaseName !== 'admin')
      throw new MongoCommandError(
        13,
        `${commandName} may only be run against the admin database.`,
        { codeName: 'Unauthorized' },
      );

    const transaction = this.transactionFor(commandName, body, definition);
    const autocommitJournal = transaction
      ? undefined
      : this.services.transactions.autocommitJournal();
    outcome.journal = autocommitJournal;
    const context: CommandContext = {
      storage: this.services.storage,
      cursors: this.services.cursors,
      transactions: this.services.transactions,
      identity: this.services.identity,
      connection,
      databaseName,
      journal: transaction ?? (autocommitJournal as WriteJournal),
      transaction,
    };
    try {
      const reply = definition.handler(body, context);
      // A failed statement aborts the transaction, as on a real server (SERVER-34059).
      if (transaction && Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0)
        this.services.transactions.abort(transaction);
      return reply;
    } catch (error) {
      if (transaction) this.services.transactions.abort(transaction);
      throw error;
    }
  }

  private transactionFor(
    commandName: string,
    body: Document,
    definition: CommandDefinition,
  ): Transaction | undefined {
    if (body.autocommit === undefined) {
      if (body.startTransaction !== undefined)
        throw new MongoCommandError(
          ErrorCode.InvalidOptions,
          'startTransaction requires autocommit: false',
        );
      return undefined;
    }
    if (body.autocommit !== false)
      throw new MongoCommandError(ErrorCode.InvalidOptions, 'autocommit may only be false');
    if (commandName === 'commitTransaction' || commandName === 'abortTransaction') return undefined;
    const session = sessionKey(body.lsid);
    const txnNumber = txnNumberOf(body);
    if (session === undefined || txnNumber === undefined)
      throw new MongoCommandError(
        ErrorCode.InvalidOptions,
        'a transaction statement needs lsid and txnNumber',
      );
    const transaction = this.services.transactions.resolve(
      session,
      txnNumber,
      body.startTransaction === true,
    );
    if (!definition.allowedInTransaction) {
      this.services.transactions.abort(transaction);
      throw new MongoCommandError(
        ErrorCode.OperationNotSupportedInTransaction,
        `Cannot run '${commandName}' in a multi-document transaction.`,
      );
    }
    return transaction;
  }
}

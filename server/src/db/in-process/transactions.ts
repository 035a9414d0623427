import type { Document } from './bson-values';
import type { Collection, WriteJournal } from './collection';
import { ErrorCode, MongoCommandError } from './errors';

type TransactionState = 'in-progress' | 'committed' | 'aborted';

interface UndoEntry {
  collection: Collection;
  id: string;
  previous: Document | undefined;
}

/** One multi-document transaction: writes apply at once, an undo log rolls them back. */
export class Transaction implements WriteJournal {
  state: TransactionState = 'in-progress';
  readonly startedAt = Date.now();
  private readonly undo: UndoEntry[] = [];
  /** Documents this transaction wrote (their lock keys). */
  readonly locked = new Set<string>();

  constructor(
    readonly sessionId: string,
    readonly txnNumber: number,
    private readonly manager: TransactionManager,
  ) {}

  beforeWrite(collection: Collection, id: string, previous: Document | undefined): void {
    const lockKey = documentLockKey(collection, id);
    this.manager.claim(lockKey, this);
    this.locked.add(lockKey);
    this.undo.push({ collection, id, previous });
  }

  rollback(): void {
    for (let index = this.undo.length - 1; index >= 0; index -= 1) {
      const entry = this.undo[index] as UndoEntry;
      entry.collection.restore(entry.id, entry.previous);
    }
    this.undo.length = 0;
  }

  clearUndo(): void {
    this.undo.length = 0;
  }
}

function documentLockKey(collection: Collection, id: string): string {
  return `${collection.namespace}\u0000${id}`;
}

/**
 * A write outside any transaction met a document an open transaction wrote. A real server makes it
 * wait; the dispatcher re-runs the command a little later when nothing was written yet, and only
 * answers this WriteConflict (112) when waiting is not possible.
 */
export class BlockedByTransactionError extends MongoCommandError {
  constructor() {
    super(
      ErrorCode.WriteConflict,
      'Write conflict with an open transaction on the inbox-crm in-process test server. :: Please retry your operation.',
    );
  }
}

export function noSuchTransaction(
  txnNumber: number,
  detail = 'has been aborted',
): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.NoSuchTransaction,
    `Transaction with { txnNumber: ${txnNumber} } ${detail}.`,
    { errorLabels: ['TransientTransactionError'] },
  );
}

/**
 * Transactions keyed by session (`lsid`), never by socket: the driver spreads one transaction
 * over several pooled connections. Isolation is per document: a document written by an open
 * transaction cannot be written by anybody else until it ends (WriteConflict, 112); reads see
 * uncommitted writes (no snapshot isolation — tests assert atomicity, not isolation).
 */
export class TransactionManager {
  private readonly bySession = new Map<string, Transaction>();
  private readonly locks = new Map<string, Transaction>();

  /** Like mongod's transactionLifetimeLimitSeconds (60 s): older open transactions are aborted. */
  constructor(private readonly lifetimeLimitMs = 60_000) {}

  /** Aborts transactions open for longer than the lifetime limit; returns how many. */
  expireOld(now = Date.now()): number {
    let expired = 0;
    for (const transaction of this.bySession.values()) {
      if (
        transaction.state === 'in-progress' &&
        now - transaction.startedAt > this.lifetimeLimitMs
      ) {
        this.abort(transaction);
        expired += 1;
      }
    }
    return expired;
  }

  private activeHolder(lockKey: string): Transaction | undefined {
    const holder = this.locks.get(lockKey);
    if (!holder || holder.state !== 'in-progress') return undefined;
    if (Date.now() - holder.startedAt > this.lifetimeLimitMs) {
      this.abort(holder);
      return undefined;
    }
    return holder;
  }

  /** Journal for writes outside a transaction (TTL monitor): only checks the locks. */
  readonly autocommit: WriteJournal = this.autocommitJournal();

  /**
   * A journal for one command outside any transaction. It counts the writes it let through, so
   * the dispatcher knows whether a command blocked by a lock may simply run again later.
   */
  autocommitJournal(): WriteJournal & { applied: number } {
    const journal = {
      applied: 0,
      beforeWrite: (collection: Collection, id: string): void => {
        if (this.activeHolder(documentLockKey(collection, id)))
          throw new BlockedByTransactionError();
        journal.applied += 1;
      },
    };
    return journal;
  }

  claim(lockKey: string, transaction: Transaction): void {
    const holder = this.activeHolder(lockKey);
    if (holder && holder !== transaction) {
      throw new MongoCommandError(
        ErrorCode.WriteConflict,
        'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
        {
          errorLabels: ['TransientTransactionError'],
        },
      );
    }
    this.locks.set(lockKey, transaction);
  }

  /** The transaction a statement belongs to; starts one on `startTransaction`. */
  resolve(sessionId: string, txnNumber: number, startTransaction: boolean): Transaction {
    const current = this.bySession.get(sessionId);
    if (startTransaction) {
      if (current && current.txnNumber >= txnNumber) {
        throw new MongoCommandError(
          225,
          `Cannot start transaction ${txnNumber} on session ${sessionId} because a newer transaction ${current.txnNumber} has already started`,
          { codeName: 'TransactionTooOld' },
        );
      }
      if (current && current.state === 'in-progress') this.abort(current);
      const transaction = new Transaction(sessionId, txnNumber, this);
      this.bySession.set(sessionId, transaction);
      return transaction;
    }
    if (!current || current.txnNumber !== txnNumber)
      throw noSuchTransaction(txnNumber, 'not found');
    if (current.state === 'aborted') throw noSuchTransaction(txnNumber);
    if (current.state === 'committed') {
      throw new MongoCommandError(256, `Transaction ${txnNumber} has been committed.`, {
        codeName: 'TransactionCommitted',
      });
    }
    return current;
  }

  commit(sessionId: string, txnNumber: number): void {
    const current = this.bySession.get(sessionId);
    if (!current || current.txnNumber !== txnNumber)
      throw noSuchTransaction(txnNumber, 'not found');
    if (current.state === 'committed') return;
    if (current.state === 'aborted') throw noSuchTransaction(txnNumber);
    current.state = 'committed';
    current.clearUndo();
    this.release(current);
  }

  abortByClient(sessionId: string, txnNumber: number): void {
    const current = this.bySession.get(sessionId);
    if (!current || current.txnNumber !== txnNumber || current.state !== 'in-progress')
      throw noSuchTransaction(txnNumber, 'not found');
    this.abort(current);
  }

  /** Rolls back and marks aborted (client abort, failed statement, superseded, session ended). */
  abort(transaction: Transaction): void {
    if (transaction.state !== 'in-progress') return;
    transaction.rollback();
    transaction.state = 'aborted';
    this.release(transaction);
  }

  endSession(sessionId: string): void {
    const current = this.bySession.get(sessionId);
    if (current) this.abort(current);
    this.bySession.delete(sessionId);
  }

  abortAll(): void {
    for (const transaction of this.bySession.values()) this.abort(transaction);
    this.bySession.clear();
  }

  private release(transaction: Transaction): void {
    for (const lockKey of transaction.locked) {
      if (this.locks.get(lockKey) === transaction) this.locks.delete(lockKey);
    }
    transaction.locked.clear();
  }
}

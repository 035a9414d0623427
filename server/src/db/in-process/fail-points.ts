import { isPlainObject, type Document } from './bson-values';
import { codeNameOf, ErrorCode, MongoCommandError, unsupported } from './errors';

/** The `failCommand` fail point, with the same shape as mongod's (`enableTestCommands`). */
interface FailCommandPoint {
  remaining: number;
  skip: number;
  commands: Set<string>;
  errorCode?: number;
  errorLabels?: string[];
  closeConnection: boolean;
  blockTimeMs: number;
  writeConcernError?: Document;
  appName?: string;
}

export type FailAction =
  | { kind: 'none' }
  | { kind: 'close' }
  | { kind: 'error'; error: MongoCommandError; delayMs: number }
  | { kind: 'run'; delayMs: number; writeConcernError?: Document };

const retryableCodes = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);

export class FailPoints {
  private failCommand: FailCommandPoint | undefined;

  configure(command: Document): Document {
    if (command.configureFailPoint !== 'failCommand')
      throw unsupported(`Fail point '${String(command.configureFailPoint)}'`);
    const mode: unknown = command.mode;
    if (mode === 'off') {
      this.failCommand = undefined;
      return {};
    }
    const data = command.data;
    if (!isPlainObject(data) || !Array.isArray(data.failCommands))
      throw new MongoCommandError(
        ErrorCode.BadValue,
        'failCommand fail point needs data.failCommands',
      );
    let remaining = Number.POSITIVE_INFINITY;
    let skip = 0;
    if (isPlainObject(mode) && typeof mode.times === 'number') remaining = mode.times;
    else if (isPlainObject(mode) && typeof mode.skip === 'number') skip = mode.skip;
    else if (mode !== 'alwaysOn')
      throw new MongoCommandError(
        ErrorCode.BadValue,
        `unsupported fail point mode ${JSON.stringify(mode)}`,
      );
    if (data.failInternalCommands === true) throw unsupported('failInternalCommands');
    this.failCommand = {
      remaining,
      skip,
      commands: new Set(data.failCommands.map(String)),
      errorCode: typeof data.errorCode === 'number' ? data.errorCode : undefined,
      errorLabels: Array.isArray(data.errorLabels) ? data.errorLabels.map(String) : undefined,
      closeConnection: data.closeConnection === true,
      blockTimeMs:
        data.blockConnection === true && typeof data.blockTimeMS === 'number'
          ? data.blockTimeMS
          : 0,
      writeConcernError: isPlainObject(data.writeConcernError) ? data.writeConcernError : undefined,
      appName: typeof data.appName === 'string' ? data.appName : undefined,
    };
    return { count: 0 };
  }

  /** Decides whether this command trips the fail point (consuming one activation if so). */
  check(commandName: string, body: Document, appName: string | undefined): FailAction {
    const point = this.failCommand;
    if (!point || !point.commands.has(commandName)) return { kind: 'none' };
    if (point.appName !== undefined && point.appName !== appName) return { kind: 'none' };
    if (point.skip > 0) {
      point.skip -= 1;
      return { kind: 'none' };
    }
    point.remaining -= 1;
    if (point.remaining <= 0) this.failCommand = undefined;
    if (point.closeConnection) return { kind: 'close' };
    if (point.errorCode !== undefined) {
      const error = new MongoCommandError(
        point.errorCode,
        "Failing command via 'failCommand' failpoint",
        {
          codeName: codeNameOf(point.errorCode),
          errorLabels: point.errorLabels ?? defaultLabels(point.errorCode, commandName, body),
        },
      );
      return { kind: 'error', error, delayMs: point.blockTimeMs };
    }
    return { kind: 'run', delayMs: point.blockTimeMs, writeConcernError: point.writeConcernError };
  }

  clear(): void {
    this.failCommand = undefined;
  }
}

/** The labels mongod itself would attach when `errorLabels` is not given. */
function defaultLabels(code: number, commandName: string, body: Document): string[] {
  const inTransaction = body.autocommit === false;
  if (commandName === 'commitTransaction' || commandName === 'abortTransaction')
    return retryableCodes.has(code) ? ['RetryableWriteError'] : [];
  if (inTransaction)
    return code === ErrorCode.WriteConflict || code === ErrorCode.NoSuchTransaction
      ? ['TransientTransactionError']
      : [];
  if (body.txnNumber !== undefined && retryableCodes.has(code)) return ['RetryableWriteError'];
  return [];
}

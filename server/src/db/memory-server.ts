import { lookup } from 'node:dns/promises';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { DryMongoBinary, MongoMemoryReplSet } from 'mongodb-memory-server-core';
import { DEFAULT_VERSION } from 'mongodb-memory-server-core/lib/util/resolveConfig';

export interface MemoryServerHandle {
  uri: string;
  stop(): Promise<void>;
}

export interface MemoryServerOptions {
  dataDir: string;
  logger: Logger;
  /** Allow a runtime download of mongod (default: only outside tests and CI). */
  allowDownload?: boolean;
  /** Overall bound for finding/downloading and starting mongod. */
  timeoutMs?: number;
  /** A fixed port: a persistent replica set remembers its member address. */
  port?: number;
}

function downloadExpected(): boolean {
  if (
    process.env.MONGOMS_RUNTIME_DOWNLOAD === 'false' ||
    process.env.MONGOMS_RUNTIME_DOWNLOAD === '0'
  )
    return false;
  return (
    process.env.NODE_ENV !== 'test' &&
    process.env.CI === undefined &&
    process.env.JEST_WORKER_ID === undefined
  );
}

/**
 * Whether the mongod download host resolves within a few seconds. Without it the library's own
 * attempt fails after printing a stack trace at every start of an offline machine.
 */
export async function downloadHostResolves(timeoutMs = 3000): Promise<boolean> {
  const source =
    process.env.MONGOMS_DOWNLOAD_URL ??
    process.env.MONGOMS_DOWNLOAD_MIRROR ??
    'https://fastdl.mongodb.org';
  let host: string;
  try {
    host = new URL(source).hostname;
  } catch {
    return true; // Not a URL we understand: let the library decide and report.
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('DNS lookup timed out')), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([lookup(host), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a one-member mongodb-memory-server replica set with a persistent dbPath, but only when a
 * mongod binary can be had quickly: MONGOMS_SYSTEM_BINARY, a binary DryMongoBinary finds without
 * network access, or (on a user's machine) one bounded download attempt. Resolves undefined —
 * never hangs — when none is available or the start fails.
 */
export async function startMemoryServer(
  options: MemoryServerOptions,
): Promise<MemoryServerHandle | undefined> {
  const version = process.env.MONGOMS_VERSION ?? DEFAULT_VERSION;
  const systemBinary = process.env.MONGOMS_SYSTEM_BINARY;
  const located = systemBinary ? undefined : await DryMongoBinary.locateBinary({ version });
  const allowDownload = options.allowDownload ?? downloadExpected();
  if (!systemBinary && !located && !allowDownload) {
    options.logger.debug({ version }, 'no mongod binary available for mongodb-memory-server');
    return undefined;
  }
  if (!systemBinary && !located && !(await downloadHostResolves())) {
    options.logger.info('no mongod binary here and its download host cannot be reached');
    return undefined;
  }
  // One download attempt instead of three with exponential backoff.
  process.env.MONGOMS_MAX_RETRIES ??= '1';
  const dbPath = path.join(options.dataDir, 'mongodb');
  await mkdir(dbPath, { recursive: true });
  const starting = MongoMemoryReplSet.create({
    binary: located ? { version, systemBinary: located } : { version },
    replSet: { count: 1, storageEngine: 'wiredTiger', name: 'inbox-crm' },
    instanceOpts: [{ dbPath, storageEngine: 'wiredTiger', port: options.port ?? 27127 }],
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 120_000);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([starting, timeout]);
    if (outcome === 'timeout') {
      options.logger.warn(
        { timeoutMs: options.timeoutMs ?? 120_000 },
        'mongodb-memory-server did not start in time; not using it',
      );
      // Stop it should it come up later, so no orphan mongod keeps running.
      starting
        .then(
          (late) => late.stop({ doCleanup: false }),
          () => undefined,
        )
        .catch(() => undefined);
      return undefined;
    }
    return {
      uri: outcome.getUri(),
      stop: async () => void (await outcome.stop({ doCleanup: false })),
    };
  } catch (error) {
    options.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'mongodb-memory-server could not start',
    );
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

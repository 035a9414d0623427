import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { startInProcessMongo } from './in-process';
import { startMemoryServer } from './memory-server';

export interface ConnectDatabaseOptions {
  /** MONGODB_URI: a replica set or Atlas in production. */
  mongodbUri?: string;
  /** Where mongodb-memory-server keeps its persistent dbPath (`<dataDir>/mongodb`). */
  dataDir: string;
  dbName: string;
  logger: Logger;
}

export interface DatabaseConnection {
  kind: 'external' | 'memory-server' | 'in-process';
  /** The connection string (may hold credentials when it came from MONGODB_URI: never log it). */
  uri: string;
  dbName: string;
  disconnect(): Promise<void>;
}

let inProcessBannerShown = false;

/** Hides the password of a connection string for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

/**
 * Connects mongoose's default connection, choosing in order: MONGODB_URI; mongodb-memory-server
 * when a mongod binary can be had; else the in-process demo server (data lost on exit).
 */
export async function connectDatabase(
  options: ConnectDatabaseOptions,
): Promise<DatabaseConnection> {
  const { logger, dbName } = options;
  if (options.mongodbUri) {
    await mongoose.connect(options.mongodbUri, { dbName });
    logger.info({ uri: redactUri(options.mongodbUri), dbName }, 'connected to MongoDB');
    return {
      kind: 'external',
      uri: options.mongodbUri,
      dbName,
      disconnect: () => mongoose.disconnect(),
    };
  }

  const memoryServer = await startMemoryServer({ dataDir: options.dataDir, logger });
  if (memoryServer) {
    try {
      await mongoose.connect(memoryServer.uri, { dbName });
    } catch (error) {
      await memoryServer.stop();
      throw error;
    }
    logger.info(
      { uri: memoryServer.uri, dbName },
      'connected to mongodb-memory-server (persistent data under the data directory)',
    );
    return {
      kind: 'memory-server',
      uri: memoryServer.uri,
      dbName,
      disconnect: async () => {
        await mongoose.disconnect();
        await memoryServer.stop();
      },
    };
  }

  const inProcess = await startInProcessMongo();
  if (!inProcessBannerShown) {
    inProcessBannerShown = true;
    logger.warn(
      { uri: inProcess.uri, dbName },
      '*** in-memory demo database, data is lost on exit *** (no MONGODB_URI and no mongod binary: using the in-process test server; set MONGODB_URI for real use)',
    );
  }
  try {
    await mongoose.connect(inProcess.uri, { dbName });
  } catch (error) {
    await inProcess.close();
    throw error;
  }
  return {
    kind: 'in-process',
    uri: inProcess.uri,
    dbName,
    disconnect: async () => {
      await mongoose.disconnect();
      await inProcess.close();
    },
  };
}

/** `/readyz`: true when the default connection answers a ping. */
export async function isDatabaseReady(): Promise<boolean> {
  const database = mongoose.connection.db;
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected || !database)
    return false;
  try {
    const reply = await database.admin().command({ ping: 1 });
    return reply.ok === 1;
  } catch {
    return false;
  }
}

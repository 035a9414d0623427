import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { startInProcessMongo, type InProcessMongo } from './in-process';

export interface TestDatabase {
  dbName: string;
  disconnect(): Promise<void>;
}

/** One in-process server per module registry, i.e. per jest test file (started lazily). */
let server: InProcessMongo | undefined;

function testDatabaseName(): string {
  let label = 'bench';
  if (typeof expect !== 'undefined') {
    const testPath = expect.getState().testPath;
    if (testPath) label = path.basename(testPath).replace(/\.test\.tsx?$/, '');
  }
  const safe = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return `test_${safe}_${randomBytes(4).toString('hex')}`;
}

/**
 * Connects mongoose's default connection to a fresh database — on MONGODB_URI when set, else on
 * the in-process server — and builds the indexes of every registered model before returning.
 */
export async function connectTestDatabase(): Promise<TestDatabase> {
  const externalUri = process.env.MONGODB_URI;
  let uri: string;
  if (externalUri) {
    uri = externalUri;
  } else {
    server ??= await startInProcessMongo();
    uri = server.uri;
  }
  const dbName = testDatabaseName();
  // Command monitoring lets tests observe what the driver sends (getMore counts, killCursors).
  await mongoose.connect(uri, { dbName, monitorCommands: true });
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).syncIndexes()));
  return {
    dbName,
    disconnect: async () => {
      try {
        if (mongoose.connection.readyState === mongoose.ConnectionStates.connected)
          await mongoose.connection.dropDatabase();
      } finally {
        await mongoose.disconnect();
        if (server) {
          const running = server;
          server = undefined;
          await running.close();
        }
      }
    },
  };
}

/**
 * For jest: registers beforeAll/afterAll in the calling test file — a fresh database with all
 * model indexes built before the tests write, dropped (and the connection closed) at the end.
 */
export function useTestDatabase(): void {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await connectTestDatabase();
  }, 30_000);
  afterAll(async () => {
    await database?.disconnect();
    database = undefined;
  }, 30_000);
}

import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import { connectDatabase, isDatabaseReady, redactUri } from './connect-database';
import { startInProcessMongo } from './in-process';

function capturingLogger(): {
  logger: pino.Logger;
  lines: () => Array<{ level: number; msg: string }>;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
  };
}

const warnLevel = 40;

describe('connectDatabase', () => {
  const savedSystemBinary = process.env.MONGOMS_SYSTEM_BINARY;

  afterEach(() => {
    if (savedSystemBinary === undefined) delete process.env.MONGOMS_SYSTEM_BINARY;
    else process.env.MONGOMS_SYSTEM_BINARY = savedSystemBinary;
  });

  it('uses MONGODB_URI first and connects the default mongoose connection', async () => {
    const external = await startInProcessMongo();
    const { logger, lines } = capturingLogger();
    const connection = await connectDatabase({
      mongodbUri: external.uri,
      dataDir: '/nonexistent',
      dbName: 'crm_external',
      logger,
    });
    expect(connection).toMatchObject({
      kind: 'external',
      uri: external.uri,
      dbName: 'crm_external',
    });
    expect(mongoose.connection.db?.databaseName).toBe('crm_external');
    expect(await isDatabaseReady()).toBe(true);
    expect(lines().some((line) => line.level >= warnLevel)).toBe(false);
    await connection.disconnect();
    expect(await isDatabaseReady()).toBe(false);
    await external.close();
  });

  it('falls back to the in-process server without a mongod binary, warning loudly once', async () => {
    const { logger, lines } = capturingLogger();
    const first = await connectDatabase({
      dataDir: '/tmp/inbox-crm-test-data',
      dbName: 'crm_demo',
      logger,
    });
    expect(first.kind).toBe('in-process');
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?replicaSet=/);
    expect(await isDatabaseReady()).toBe(true);
    await first.disconnect();
    const second = await connectDatabase({
      dataDir: '/tmp/inbox-crm-test-data',
      dbName: 'crm_demo',
      logger,
    });
    await second.disconnect();
    const banners = lines().filter(
      (line) =>
        line.level === warnLevel &&
        line.msg.includes('in-memory demo database, data is lost on exit'),
    );
    expect(banners).toHaveLength(1);
  });

  it('a MONGOMS_SYSTEM_BINARY that is not there fails fast and still ends on the in-process server', async () => {
    process.env.MONGOMS_SYSTEM_BINARY = '/nonexistent/mongod';
    // mongodb-memory-server prints its own failure with console.warn; keep the test output clean.
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { logger, lines } = capturingLogger();
    const connection = await connectDatabase({
      dataDir: '/tmp/inbox-crm-test-data',
      dbName: 'crm_demo',
      logger,
    });
    expect(connection.kind).toBe('in-process');
    await connection.disconnect();
    expect(
      lines().some(
        (line) => line.level === warnLevel && line.msg === 'mongodb-memory-server could not start',
      ),
    ).toBe(true);
    consoleWarn.mockRestore();
  });
});

describe('redactUri', () => {
  it('hides the password of a connection string', () => {
    expect(redactUri('mongodb+srv://crm:s3cret@cluster0.example.net/crm?retryWrites=true')).toBe(
      'mongodb+srv://crm:***@cluster0.example.net/crm?retryWrites=true',
    );
    expect(redactUri('mongodb://127.0.0.1:27017/?replicaSet=rs0')).toBe(
      'mongodb://127.0.0.1:27017/?replicaSet=rs0',
    );
  });
});

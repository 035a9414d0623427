import pino from 'pino';
import { downloadHostResolves, startMemoryServer } from './memory-server';

/** An offline machine without mongod: no download attempt, no library stack trace, one quiet line. */
describe('mongodb-memory-server on a machine that cannot download mongod', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('does not try the download when its host does not resolve', async () => {
    // `.invalid` never resolves (RFC 2606), online or not.
    process.env.MONGOMS_DOWNLOAD_MIRROR = 'https://mongod-binaries.invalid';
    delete process.env.MONGOMS_SYSTEM_BINARY;
    expect(await downloadHostResolves()).toBe(false);
    const consoleWarn = jest.spyOn(console, 'warn');
    const started = await startMemoryServer({
      dataDir: '/tmp/inbox-crm-memory-server-test',
      logger: pino({ level: 'silent' }),
      allowDownload: true,
    });
    expect(started).toBeUndefined();
    expect(consoleWarn).not.toHaveBeenCalled();
    consoleWarn.mockRestore();
  });

  it('treats a mirror it cannot parse as reachable and leaves the decision to the library', async () => {
    process.env.MONGOMS_DOWNLOAD_MIRROR = 'not a url';
    expect(await downloadHostResolves()).toBe(true);
  });
});

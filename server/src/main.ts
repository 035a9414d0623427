import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { loadConfig } from './config';
import { connectDatabase } from './db/connect-database';
import { createLogger } from './logger';
import { seedDemoCompanyIfEmpty } from './seed/seed-demo';

/** Reads the configuration, connects the database, seeds the demo company, listens. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const database = await connectDatabase({
    mongodbUri: config.MONGODB_URI,
    dataDir: config.DATA_DIR,
    dbName: config.DB_NAME,
    logger,
  });
  const demo = await seedDemoCompanyIfEmpty({ config, logger, databaseKind: database.kind });
  const { app } = createApp({ config, logger, databaseKind: database.kind });
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url =
    config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  printWelcome(url, demo);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void database.disconnect().then(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

function printWelcome(url: string, demo: Awaited<ReturnType<typeof seedDemoCompanyIfEmpty>>): void {
  const lines = [
    '',
    `  inbox-crm is running at ${url}`,
    `    console          ${url}/`,
    `    API docs         ${url}/api/docs  (OpenAPI: ${url}/api/v1/openapi.json)`,
    `    Outlook pane     ${url}/addins/outlook/taskpane.html  (manifest: see outlook-addin/README.md)`,
    `    Thunderbird      ${url}/addins/thunderbird/inbox-crm.xpi`,
  ];
  if (demo.credentials.length > 0) {
    lines.push('', '  Demo sign-in (demo database only):');
    for (const credential of demo.credentials) {
      lines.push(
        `    ${credential.login.padEnd(10)} / ${credential.password.padEnd(12)} ${credential.role}`,
      );
    }
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `inbox-crm failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

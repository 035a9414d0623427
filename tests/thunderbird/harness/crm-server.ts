import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { connectTestDatabase } from '../../../server/src/db/test-database';
import {
  createTestContext,
  type TestUser,
  type TestUserOptions,
} from '../../../server/src/test-support/test-context';

// The real CRM server (every module) on a fresh test database, listening on 127.0.0.1 for the
// extension running inside Thunderbird, with a salesperson and their personal API token.

export interface RunningCrmServer {
  baseUrl: string;
  user: TestUser;
  /** An authenticated JSON call as the salesperson (assertions read the server through its API). */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** The same call as another user (e.g. an admin configuring teams). */
  apiAs<T = unknown>(
    as: TestUser,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  createUser(options?: TestUserOptions): Promise<TestUser>;
  /**
   * Holds requests that `match` until `release()` (e.g. the second page of the contact feed, to
   * look at a first sync half-way). Only what arrives while the hold is set is held.
   */
  hold(match: (req: http.IncomingMessage) => boolean): { held(): number; release(): void };
  download(path: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export async function startCrmServer(
  options: { env?: Record<string, string> } = {},
): Promise<RunningCrmServer> {
  // The benchmark runner connects the database itself; tests get a fresh one per file.
  const ownsDatabase = mongoose.connection.readyState !== mongoose.ConnectionStates.connected;
  const database = ownsDatabase ? await connectTestDatabase() : undefined;
  const context = createTestContext({ env: options.env });
  let holding:
    { match: (req: http.IncomingMessage) => boolean; waiting: Array<() => void> } | undefined;
  const server = http.createServer((req, res) => {
    if (holding?.match(req)) holding.waiting.push(() => context.app(req, res));
    else context.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const user = await context.createUser({
    accessLevel: 'own',
    name: 'Sofia Marin',
    email: 'sofia.marin@larchmont.example.net',
  });
  const apiAs = async <T>(as: TestUser, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...as.auth,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const api = <T>(method: string, path: string, body?: unknown) =>
    apiAs<T>(user, method, path, body);
  const download = async (path: string) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, { headers: user.auth });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };
  return {
    baseUrl,
    user,
    api,
    apiAs,
    createUser: (userOptions) => context.createUser(userOptions),
    hold: (match) => {
      const current = { match, waiting: [] as Array<() => void> };
      holding = current;
      return {
        held: () => current.waiting.length,
        release: () => {
          if (holding === current) holding = undefined;
          for (const resume of current.waiting.splice(0)) resume();
        },
      };
    },
    download,
    stop: async () => {
      holding = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database?.disconnect();
    },
  };
}

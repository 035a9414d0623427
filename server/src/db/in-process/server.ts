import net from 'node:net';
import { isPlainObject, type Document } from './bson-values';
import { CommandDispatcher, type ServerServices } from './command-dispatcher';
import { CursorRegistry } from './cursors';
import { FailPoints } from './fail-points';
import { Storage } from './storage';
import { TransactionManager } from './transactions';
import { expireTtlDocuments } from './ttl-monitor';
import {
  encodeMsgReply,
  encodeQueryReply,
  MessageFramer,
  OpCode,
  parseMessage,
} from './wire-protocol';

export interface InProcessMongoOptions {
  host?: string;
  port?: number;
  /** Replica set name announced in hello and used in the URI. */
  replicaSetName?: string;
  /** How often TTL indexes are applied (mongod: 60 s). */
  ttlMonitorIntervalMs?: number;
  /** Idle cursors are dropped after this long (mongod: 10 min). */
  cursorTimeoutMs?: number;
  /** Open transactions are aborted after this long (mongod: 60 s). */
  transactionLifetimeMs?: number;
  /** How long a write outside a transaction waits for a transaction's lock before failing with 112. */
  lockWaitMs?: number;
}

export interface InProcessMongo {
  /** What `mongoose.connect` takes: `mongodb://host:port/?replicaSet=…`. */
  uri: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The in-process MongoDB wire-protocol server: a one-member replica set on 127.0.0.1 whose
 * commands run synchronously on in-memory collections. For tests and the demo only.
 */
export async function startInProcessMongo(
  options: InProcessMongoOptions = {},
): Promise<InProcessMongo> {
  const host = options.host ?? '127.0.0.1';
  const replicaSetName = options.replicaSetName ?? 'inbox-crm-in-process';
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true });
  const identity = { address: '', replicaSetName, startedAt: new Date() };
  const services: ServerServices = {
    storage: new Storage(),
    cursors: new CursorRegistry(options.cursorTimeoutMs ?? 10 * 60 * 1000),
    transactions: new TransactionManager(options.transactionLifetimeMs ?? 60_000),
    failPoints: new FailPoints(),
    identity,
  };
  const dispatcher = new CommandDispatcher(services);
  let nextConnectionId = 1;
  const lockWaitMs = options.lockWaitMs ?? 5_000;
  const pendingRetries = new Set<NodeJS.Timeout | undefined>();

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const connection: { id: number; appName?: string } = { id: nextConnectionId };
    nextConnectionId += 1;
    const framer = new MessageFramer();
    // Replies leave in request order even when a fail point delays one of them.
    let replyChain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        let request;
        try {
          request = parseMessage(message);
        } catch {
          socket.destroy();
          return;
        }
        const client = request.body.client;
        if (
          isPlainObject(client) &&
          isPlainObject(client.application) &&
          typeof client.application.name === 'string'
        )
          connection.appName = client.application.name;
        const answer = (reply: Document, delayMs: number): void => {
          if (request.moreToCome) return;
          const encoded =
            request.opCode === OpCode.query
              ? encodeQueryReply(request.requestId, reply)
              : encodeMsgReply(request.requestId, reply);
          replyChain = replyChain.then(async () => {
            if (delayMs > 0)
              await new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
            if (!socket.destroyed) socket.write(encoded);
          });
        };
        // A write blocked by an open transaction waits for it (re-run every 10 ms, up to lockWaitMs),
        // as a real server makes it wait; the driver sends nothing else on this connection meanwhile.
        const waitUntil = Date.now() + lockWaitMs;
        const attempt = (): void => {
          pendingRetries.delete(retry);
          if (socket.destroyed) return;
          const result = dispatcher.dispatch(request.body, connection, Date.now() < waitUntil);
          if (result.closeConnection) {
            socket.destroy();
            return;
          }
          if (result.retryLater) {
            retry = setTimeout(attempt, 10);
            retry.unref();
            pendingRetries.add(retry);
            return;
          }
          if (result.reply) answer(result.reply, result.delayMs ?? 0);
        };
        let retry: NodeJS.Timeout | undefined;
        attempt();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  identity.address = `${host}:${port}`;

  const ttlTimer = setInterval(
    () => expireTtlDocuments(services.storage, services.transactions.autocommit),
    options.ttlMonitorIntervalMs ?? 60_000,
  );
  ttlTimer.unref();
  const sweepTimer = setInterval(() => {
    services.cursors.expireIdle();
    services.transactions.expireOld();
  }, 10_000);
  sweepTimer.unref();

  let closed: Promise<void> | undefined;
  return {
    uri: `mongodb://${identity.address}/?replicaSet=${encodeURIComponent(replicaSetName)}`,
    port,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        clearInterval(ttlTimer);
        clearInterval(sweepTimer);
        for (const retry of pendingRetries) clearTimeout(retry);
        services.transactions.abortAll();
        services.cursors.clear();
        services.failPoints.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

export type { Document };

import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The harness side of the test build's control channel: the extension long-polls GET /cmd,
// runs the named product command and POSTs the outcome to /cmd-result. Events (ready, logs)
// arrive on POST /event.

export interface ControlEvent {
  type: string;
  [key: string]: unknown;
}

interface QueuedCommand {
  id: number;
  name: string;
  args: unknown;
}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const pollHoldMs = 8_000;

export class ControlServer {
  readonly events: ControlEvent[] = [];
  private readonly queue: QueuedCommand[] = [];
  private readonly pollers = new Set<http.ServerResponse>();
  private readonly waiting = new Map<number, Waiting>();
  private readonly eventWaiters: Array<{
    match: (e: ControlEvent) => boolean;
    resolve: (e: ControlEvent) => void;
  }> = [];
  private nextId = 1;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<ControlServer> {
    const server = http.createServer();
    const control = new ControlServer(server);
    server.on('request', (req, res) => control.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return control;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Runs a product command inside the extension and resolves with its result. */
  run<T = unknown>(name: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`control command ${name} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.queue.push({ id, name, args });
      this.flush();
    });
  }

  waitForEvent(match: (event: ControlEvent) => boolean, timeoutMs = 30_000): Promise<ControlEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (event: ControlEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.eventWaiters.splice(this.eventWaiters.indexOf(waiter), 1);
        reject(new Error(`no matching control event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.eventWaiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    for (const res of this.pollers) res.destroy();
    for (const [, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('control server stopped'));
    }
    this.waiting.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && req.url?.startsWith('/cmd')) {
      this.pollers.add(res);
      const timer = setTimeout(() => this.answerPoller(res, null), pollHoldMs);
      res.on('close', () => {
        clearTimeout(timer);
        this.pollers.delete(res);
      });
      this.flush();
      return;
    }
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        res.writeHead(204).end();
        const message = JSON.parse(body) as Record<string, unknown>;
        if (req.url === '/cmd-result') this.onResult(message);
        else if (req.url === '/event') this.onEvent(message as ControlEvent);
      });
      return;
    }
    res.writeHead(404).end();
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const poller = [...this.pollers].find((res) => !res.writableEnded && !res.destroyed);
      if (!poller) return;
      this.answerPoller(poller, this.queue.shift() ?? null);
    }
  }

  private answerPoller(res: http.ServerResponse, command: QueuedCommand | null): void {
    this.pollers.delete(res);
    if (res.writableEnded || res.destroyed) {
      if (command) this.queue.unshift(command);
      return;
    }
    if (!command) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(command));
  }

  private onResult(message: Record<string, unknown>): void {
    const id = Number(message.id);
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(`extension command failed: ${String(message.error)}`));
  }

  private onEvent(event: ControlEvent): void {
    this.events.push(event);
    for (const waiter of [...this.eventWaiters]) {
      if (waiter.match(event)) {
        this.eventWaiters.splice(this.eventWaiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }
}

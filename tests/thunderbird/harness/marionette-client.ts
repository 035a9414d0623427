import net from 'node:net';

// Minimal Marionette client (protocol 3): frames are `<byte length>:<JSON>`, commands
// `[0, id, name, params]`, answers `[1, id, error, result]`. Thunderbird has no WebDriver
// (geckodriver) build in Debian, and no maintained Node client speaks Marionette directly.

interface MarionetteError {
  error: string;
  message: string;
  stacktrace?: string;
}

interface Pending {
  name: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class MarionetteClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private greeting: Promise<void>;
  private greeted!: () => void;

  private constructor(private readonly socket: net.Socket) {
    this.greeting = new Promise((resolve) => (this.greeted = resolve));
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => this.failAll(new Error('Marionette connection closed')));
    socket.on('error', (error) => this.failAll(error));
  }

  static async connect(port: number): Promise<MarionetteClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new MarionetteClient(socket);
    await client.greeting;
    return client;
  }

  async newChromeSession(): Promise<void> {
    await this.send('WebDriver:NewSession', { capabilities: { alwaysMatch: {} } });
    await this.send('Marionette:SetContext', { value: 'chrome' });
    // Chrome scripts wait on Thunderbird (folder indexing, menus); the default 30 s is tight on a busy machine.
    await this.send('WebDriver:SetTimeouts', { script: 120_000 });
  }

  /** Runs `body` (a function body; `arguments[i]` are the args) in the chrome context. */
  async execute<T>(body: string, args: unknown[] = []): Promise<T> {
    const result = (await this.send('WebDriver:ExecuteScript', { script: body, args })) as {
      value: T;
    };
    return result.value;
  }

  /** Like execute, but the body resolves by calling `resolve(value)`, or fails with `reject(message)`. */
  async executeAsync<T>(body: string, args: unknown[] = []): Promise<T> {
    const script = `const [resolve, reject] = (() => { const done = arguments[arguments.length - 1];
      return [(v) => done({ ok: true, value: v }), (e) => done({ ok: false, error: e && e.message ? e.message + " | " + e.stack : String(e) })]; })();
      (async () => { ${body} })().catch(reject);`;
    const result = (await this.send('WebDriver:ExecuteAsyncScript', { script, args })) as {
      value: { ok: true; value: T } | { ok: false; error: string };
    };
    if (!result.value.ok) throw new Error(`chrome script failed: ${result.value.error}`);
    return result.value.value;
  }

  async quit(): Promise<void> {
    await this.send('Marionette:Quit', { flags: ['eForceQuit'] }).catch(() => undefined);
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }

  send(name: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    const payload = JSON.stringify([0, id, name, params]);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { name, resolve, reject });
      this.socket.write(`${Buffer.byteLength(payload)}:${payload}`);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (this.buffer.length < colon + 1 + length) return;
      const frame = JSON.parse(
        this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8'),
      ) as unknown;
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.onFrame(frame);
    }
  }

  private onFrame(frame: unknown): void {
    if (!Array.isArray(frame)) {
      this.greeted();
      return;
    }
    const [, id, error, result] = frame as [number, number, MarionetteError | null, unknown];
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (error) waiting.reject(new Error(`${waiting.name}: ${error.error}: ${error.message}`));
    else waiting.resolve(result);
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

// Lets a real Thunderbird reach `https://<host>` (e.g. login.microsoftonline.com, the authority
// the CRM server publishes) on a local fake: Thunderbird's https proxy is pointed here, this
// proxy answers CONNECT for that host with TLS under a throw-away CA the test profile trusts, and
// forwards each request to the fake over http. Any other host is refused (no network).

export interface HttpsInterceptor {
  /** Prefs that route Thunderbird's https traffic through the interceptor. */
  prefs: Record<string, string | number | boolean>;
  /** The CA certificate (DER, base64) to trust in the Thunderbird profile. */
  caCertificateBase64: string;
  /** CONNECT requests seen, `host:port`. */
  connects: string[];
  stop(): Promise<void>;
}

function makeCertificates(host: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inbox-crm-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-subj',
      '/CN=inbox-crm test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr',
      '-subj',
      `/CN=${host}`,
    ]);
    writeFileSync(
      path.join(dir, 'leaf.ext'),
      `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
    );
    run([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      'leaf.pem',
      '-extfile',
      'leaf.ext',
    ]);
    const caDer = run(['x509', '-in', 'ca.pem', '-outform', 'DER']);
    return {
      caDerBase64: Buffer.from(caDer).toString('base64'),
      key: readFileSync(path.join(dir, 'leaf.key')),
      cert: readFileSync(path.join(dir, 'leaf.pem')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHttpsInterceptor(options: {
  host: string;
  /** Where requests for the host go, e.g. the fake's `http://127.0.0.1:<port>`. */
  target: string;
}): Promise<HttpsInterceptor> {
  const certificates = makeCertificates(options.host);
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  const connects: string[] = [];

  // Decrypted requests for the host, forwarded to the fake as they came.
  const inner = http.createServer((req, res) => {
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });

  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    connects.push(req.url ?? '');
    if (req.url !== `${options.host}:443`) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      key: certificates.key,
      cert: certificates.cert,
      ALPNProtocols: ['http/1.1'],
    });
    secure.on('error', () => socket.destroy());
    inner.emit('connection', secure);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as AddressInfo).port;

  return {
    prefs: {
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': port,
      'network.proxy.no_proxies_on': '',
    },
    caCertificateBase64: certificates.caDerBase64,
    connects,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      inner.closeAllConnections();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

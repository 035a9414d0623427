import pino, { type Logger } from 'pino';

/**
 * The server's logger. Redaction is belt and braces: request logs carry no bodies, but anything
 * that looks like a credential is cut wherever it appears.
 */
export function createLogger(options: { level?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };

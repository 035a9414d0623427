import path from 'node:path';
import { z } from 'zod';

const repositoryRoot = path.resolve(__dirname, '..', '..');

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** Environment variables, validated once at start-up (README lists each). */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The URL users reach the server at (links in add-ins, OIDC redirects, manifests). */
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  MONGODB_URI: optionalString,
  DB_NAME: z.string().default('inbox-crm'),
  DATA_DIR: z.string().default(path.join(repositoryRoot, 'data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Secret for signing session cookies; required in production. */
  SESSION_SECRET: optionalString,
  /** Largest raw mail accepted by the mail endpoints, in bytes (default 25 MB). */
  MAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** Seed the demo company on an empty database (default: only on the embedded database). */
  SEED_DEMO: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Microsoft Entra ID: tenant id (or `organizations`), our API's client id and app ID URI. */
  ENTRA_TENANT_ID: optionalString,
  ENTRA_CLIENT_ID: optionalString,
  ENTRA_CLIENT_SECRET: optionalString,
  ENTRA_APP_ID_URI: optionalString,
  /** Override of the authority host (tests point it at the local Entra fake). */
  ENTRA_AUTHORITY_URL: optionalString,
  /** Comma-separated tenant ids whose users may sign in (default: ENTRA_TENANT_ID). */
  ENTRA_ALLOWED_TENANTS: optionalString,
  /** What happens on the first Entra sign-in of an unknown user. */
  ENTRA_NEW_USERS: z.enum(['create', 'reject']).default('create'),
  /**
   * Microsoft Graph's API root for the Outlook contact sync (default Graph v1.0). Carries users'
   * Graph tokens, so https only; http is accepted on loopback (tests, local fakes).
   */
  GRAPH_BASE_URL: optionalString.pipe(
    z
      .url()
      .refine(isHttpsOrLoopbackHttp, 'must be https (http only on 127.0.0.1/localhost)')
      .default('https://graph.microsoft.com/v1.0'),
  ),
});

function isHttpsOrLoopbackHttp(value: string): boolean {
  if (!URL.canParse(value)) return true; // z.url() reports it
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export type AppConfig = z.infer<typeof configSchema> & { repositoryRoot: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, repositoryRoot };
}

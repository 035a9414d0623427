// The CRM server address typed on the options page → the base URL the API client uses and the
// origin pattern the runtime host permission is requested for.

export interface ServerAddress {
  /** e.g. `https://crm.example.org` or `https://example.org/crm` (no trailing slash). */
  baseUrl: string;
  /** The match pattern for permissions.request, e.g. `https://crm.example.org/*`. */
  originPattern: string;
}

export type ServerUrlProblem = 'empty' | 'invalid' | 'scheme' | 'insecure' | 'credentials';

export class ServerUrlError extends Error {
  constructor(readonly problem: ServerUrlProblem) {
    super(`invalid server URL (${problem})`);
    this.name = 'ServerUrlError';
  }
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Accepts `crm.example.org`, `https://crm.example.org/`, `http://127.0.0.1:3000`. Plain http is
 * refused except on loopback: the MV3 page CSP upgrades http requests to other hosts anyway, and
 * mail and tokens must not travel in clear text.
 */
export function parseServerUrl(input: string): ServerAddress {
  const trimmed = input.trim();
  if (!trimmed) throw new ServerUrlError('empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ServerUrlError('invalid');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ServerUrlError('scheme');
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname))
    throw new ServerUrlError('insecure');
  if (url.username || url.password) throw new ServerUrlError('credentials');
  const path = url.pathname.replace(/\/+$/, '');
  return { baseUrl: `${url.origin}${path}`, originPattern: `${url.protocol}//${url.hostname}/*` };
}

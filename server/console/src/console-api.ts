import { createApiClient, type ApiClient } from '@inbox-crm/shared/api';
import { csrfTokenResponseSchema } from '@inbox-crm/shared/schemas';

/**
 * The console talks to the API with its session cookie (same origin) and the synchronizer CSRF
 * token on every state-changing request. Everything else is the shared client add-ins use.
 */
export interface ConsoleApi {
  client: ApiClient;
  setCsrfToken(token: string): void;
  /** Fetches the session's CSRF token (after a reload the cookie survives, the token in memory does not). */
  refreshCsrfToken(): Promise<void>;
}

export function createConsoleApi(baseUrl: string, fetchImpl: typeof fetch = fetch): ConsoleApi {
  let csrfToken: string | null = null;
  const client = createApiClient({
    baseUrl,
    getAccessToken: async () => null,
    getExtraHeaders: (method): Record<string, string> =>
      method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {},
    fetch: (input, init) => fetchImpl(input, { ...init, credentials: 'same-origin' }),
    retry: { retries: 1 },
  });
  return {
    client,
    setCsrfToken(token) {
      csrfToken = token;
    },
    async refreshCsrfToken() {
      const { csrfToken: token } = await client.request({
        method: 'GET',
        path: '/auth/csrf',
        response: csrfTokenResponseSchema,
      });
      csrfToken = token;
    },
  };
}

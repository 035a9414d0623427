import type { Request } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../../errors/app-error';

/**
 * Synchronizer-token CSRF protection for console sessions (identity.md §7.2). The token lives in
 * the session and travels back in the `x-csrf-token` header only. Bearer-token requests carry no
 * ambient credentials and need none.
 */
const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' ? header : undefined;
  },
});

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function issueCsrfToken(req: Request, overwrite = false): string {
  return csrf.generateToken(req, overwrite);
}

export function assertCsrfTokenValid(req: Request): void {
  if (safeMethods.has(req.method)) return;
  if (!req.session || !csrf.isRequestValid(req)) {
    throw new AppError(
      'forbidden',
      'Missing or invalid CSRF token: send the one from GET /api/v1/auth/csrf in the x-csrf-token header',
      { reason: 'csrf' },
    );
  }
}

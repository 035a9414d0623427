import type { Request } from 'express';

export type RequestCredentials =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  /** An `Authorization` header we do not accept (Basic, empty Bearer …): always 401. */
  | { kind: 'unsupported' };

/**
 * Credentials travel only in `Authorization: Bearer …` (scheme case-insensitive, RFC 6750 §2.1):
 * never in query strings (they end up in logs) nor in bodies.
 */
export function readRequestCredentials(req: Request): RequestCredentials {
  const header = req.headers.authorization;
  if (header === undefined) return { kind: 'none' };
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(header);
  return match?.[1] ? { kind: 'bearer', token: match[1] } : { kind: 'unsupported' };
}

export const bearerChallenge = 'Bearer realm="inbox-crm"';
export const invalidTokenChallenge = 'Bearer realm="inbox-crm", error="invalid_token"';

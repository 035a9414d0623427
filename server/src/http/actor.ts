import type { Request } from 'express';
import type { AccessLevel } from '@inbox-crm/shared/schemas';
import { UnauthenticatedError } from '../errors/app-error';

/**
 * Who is calling. Set on the request by the authentication middleware (session, personal API
 * token or Entra ID bearer token); every access rule reads only this.
 */
export interface Actor {
  userId: string;
  /** The partner that stands for the user (author of chatter messages, follower). */
  partnerId?: string;
  login: string;
  name: string;
  accessLevel: AccessLevel;
  isAdmin: boolean;
  /** Teams the user belongs to (as member or leader). */
  teamIds: string[];
  /** How the request was authenticated, for the audit log. */
  via: 'session' | 'api-token' | 'entra';
  tokenId?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function getActor(req: Request): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}

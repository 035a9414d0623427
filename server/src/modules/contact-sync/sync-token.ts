import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ContactSyncScope } from '@inbox-crm/shared/schemas';

/**
 * The feed's opaque cursor: `base64url(json).base64url(hmac)`, keyed by the sequence's epoch
 * (a server-side secret that changes on restore from backup). Bound to the user and the scope,
 * so a token from another user, another epoch, or before a scope change is refused (→ 410).
 */
export interface SyncTokenPayload {
  v: 1;
  /** Everything at or below this sequence has been delivered. */
  seq: number;
  /**
   * The tombstone horizon when this chain of pages started from scratch: a full sync that began
   * after a prune never had the pruned contacts, so its early pages stay valid.
   */
  h: number;
  userId: string;
  scope: ContactSyncScope;
}

export function encodeSyncToken(payload: SyncTokenPayload, epoch: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(body, epoch)}`;
}

/** `undefined` when the token is malformed, forged, or from another epoch. */
export function decodeSyncToken(token: string, epoch: string): SyncTokenPayload | undefined {
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(sign(body, epoch));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const payload = JSON.parse(
      Buffer.from(body, 'base64url').toString('utf8'),
    ) as Partial<SyncTokenPayload>;
    if (
      payload.v !== 1 ||
      typeof payload.seq !== 'number' ||
      typeof payload.h !== 'number' ||
      typeof payload.userId !== 'string'
    ) {
      return undefined;
    }
    if (payload.scope !== 'own' && payload.scope !== 'opportunities' && payload.scope !== 'team')
      return undefined;
    return payload as SyncTokenPayload;
  } catch {
    // A valid signature over a body we cannot read cannot happen short of a key leak; refuse it.
    return undefined;
  }
}

function sign(body: string, epoch: string): string {
  return createHmac('sha256', `contact-sync:${epoch}`).update(body).digest('base64url');
}

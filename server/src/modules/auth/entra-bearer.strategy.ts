/**
 * Microsoft Entra ID access tokens as a passport strategy, validated with jose.
 *
 * This is the role passport-azure-ad's BearerStrategy would play; identity.md §2–§4 measured that
 * archived library unsafe (process crash on a non-JSON JWKS answer, 30-minute key-cache poisoning,
 * no timeout, no refetch on an unknown `kid`, algorithms taken from the metadata). The interface
 * stays passport's, so the rest of the server does not know which library validates.
 */
import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Strategy } from 'passport-strategy';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { invalidTokenChallenge, readRequestCredentials } from './bearer-token';
import { v2IssuerFor, type EntraSettings } from './entra-settings';

/** The claims we rely on after validation. */
export interface EntraAccessTokenClaims extends JWTPayload {
  tid: string;
  oid: string;
  scp?: string;
  name?: string;
  preferred_username?: string;
  email?: string;
}

/** jose error codes that mean "this token is not acceptable" (401), as opposed to "cannot check now" (503). */
const invalidTokenCodes = new Set([
  'ERR_JWS_INVALID',
  'ERR_JWT_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

export type EntraTokenCheck =
  | { outcome: 'valid'; claims: EntraAccessTokenClaims }
  | { outcome: 'invalid'; reason: string }
  | { outcome: 'insufficient_scope' };

/** Key cache: hours, so a short IdP outage does not reject tokens whose keys we hold; rotation comes through the unknown-`kid` refetch. */
export function createEntraKeySet(settings: EntraSettings): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(settings.jwksUri), {
    cacheMaxAge: 6 * 60 * 60 * 1000,
    cooldownDuration: 30_000,
    timeoutDuration: 5_000,
  });
}

/** Validates one bearer token. Throws only when the keys cannot be fetched (→ 503). */
export async function checkEntraAccessToken(
  token: string,
  settings: EntraSettings,
  keys: JWTVerifyGetKey,
): Promise<EntraTokenCheck> {
  let claims: EntraAccessTokenClaims;
  try {
    const verified = await jwtVerify<EntraAccessTokenClaims>(token, keys, {
      algorithms: ['RS256'],
      issuer: settings.allowedIssuers,
      audience: settings.audiences,
      clockTolerance: 60,
      requiredClaims: ['exp', 'iat', 'nbf', 'tid', 'oid'],
    });
    claims = verified.payload;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && invalidTokenCodes.has(code))
      return { outcome: 'invalid', reason: code };
    throw new AppError(
      'service_unavailable',
      'Microsoft Entra ID keys cannot be fetched right now; try again shortly',
    );
  }
  const tenantId = String(claims.tid).toLowerCase();
  // The issuer list is the allow-list; `tid` must name the same tenant (passport-azure-ad never checked it).
  if (!settings.allowedTenantIds.includes(tenantId) || claims.iss !== v2IssuerFor(tenantId)) {
    return { outcome: 'invalid', reason: 'tenant' };
  }
  if (claims.ver !== undefined && claims.ver !== '2.0')
    return { outcome: 'invalid', reason: 'version' };
  // ID tokens and app-only tokens carry no `scp`; only delegated access tokens for our scope pass.
  const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
  if (!scopes.includes(settings.requiredScope)) return { outcome: 'insufficient_scope' };
  return {
    outcome: 'valid',
    claims: { ...claims, tid: tenantId, oid: String(claims.oid).toLowerCase() },
  };
}

/**
 * `Authorization: Bearer <Entra v2 access token>` → the CRM user (created on first sign-in when
 * allowed). Failures: 401 invalid token, 403 missing scope or no CRM account, 503 IdP unreachable.
 */
export class EntraBearerStrategy extends Strategy {
  readonly name = 'entra-bearer';

  constructor(
    private readonly settings: EntraSettings,
    private readonly resolveActor: (claims: EntraAccessTokenClaims) => Promise<Actor>,
    private readonly keys: JWTVerifyGetKey = createEntraKeySet(settings),
  ) {
    super();
  }

  override authenticate(req: Request): void {
    const credentials = readRequestCredentials(req);
    if (credentials.kind !== 'bearer') {
      this.fail(invalidTokenChallenge, 401);
      return;
    }
    checkEntraAccessToken(credentials.token, this.settings, this.keys)
      .then(async (check) => {
        if (check.outcome === 'invalid') {
          this.fail(invalidTokenChallenge, 401);
          return;
        }
        if (check.outcome === 'insufficient_scope') {
          this.fail(
            `Bearer realm="inbox-crm", error="insufficient_scope", scope="${this.settings.requiredScope}"`,
            403,
          );
          return;
        }
        this.success(await this.resolveActor(check.claims));
      })
      .catch((error: unknown) => this.error(error as Error));
  }
}

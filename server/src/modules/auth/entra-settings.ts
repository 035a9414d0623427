import type { AppConfig } from '../../config';

export const entraRealAuthority = 'https://login.microsoftonline.com';

/** Everything the Entra ID code needs, derived once from the configuration. */
export interface EntraSettings {
  /** Where metadata and keys are fetched (the real authority, or the local fake in tests). */
  authorityUrl: string;
  /** Our tenant id, or `organizations` for a multi-tenant deployment. */
  tenantId: string;
  /** Our API's application (client) id: the `aud` of v2 access tokens. */
  clientId: string;
  clientSecret?: string;
  /** Accepted audiences: the client id and, when set, the app ID URI (`api://…`). */
  audiences: string[];
  /** Tenants whose users may sign in (lower-case GUIDs). */
  allowedTenantIds: string[];
  /** Issuers accepted in tokens: only the v2 endpoint of each allowed tenant. */
  allowedIssuers: string[];
  /** The delegated scope the add-ins request: `api://<api-id>/access_as_user`. */
  requiredScope: string;
  newUsers: 'create' | 'reject';
  jwksUri: string;
  metadataUrl: string;
}

export function v2IssuerFor(tenantId: string): string {
  // Real Entra tokens always name this host, whichever host served the keys.
  return `${entraRealAuthority}/${tenantId}/v2.0`;
}

/** `undefined` when Entra ID is not configured (tenant and client id are both needed). */
export function entraSettingsFrom(config: AppConfig): EntraSettings | undefined {
  const tenantId = config.ENTRA_TENANT_ID?.toLowerCase();
  const clientId = config.ENTRA_CLIENT_ID?.toLowerCase();
  if (!tenantId || !clientId) return undefined;
  const authorityUrl = (config.ENTRA_AUTHORITY_URL ?? entraRealAuthority).replace(/\/+$/, '');
  const allowedTenantIds = (config.ENTRA_ALLOWED_TENANTS ?? tenantId)
    .split(',')
    .map((tenant) => tenant.trim().toLowerCase())
    .filter((tenant) => tenant !== '' && tenant !== 'organizations' && tenant !== 'common');
  if (allowedTenantIds.length === 0) {
    throw new Error(
      'ENTRA_ALLOWED_TENANTS must list tenant ids when ENTRA_TENANT_ID is organizations/common',
    );
  }
  return {
    authorityUrl,
    tenantId,
    clientId,
    clientSecret: config.ENTRA_CLIENT_SECRET,
    audiences: [clientId, ...(config.ENTRA_APP_ID_URI ? [config.ENTRA_APP_ID_URI] : [])],
    allowedTenantIds,
    allowedIssuers: allowedTenantIds.map(v2IssuerFor),
    requiredScope: 'access_as_user',
    newUsers: config.ENTRA_NEW_USERS,
    jwksUri: `${authorityUrl}/${tenantId}/discovery/v2.0/keys`,
    metadataUrl: `${authorityUrl}/${tenantId}/v2.0/.well-known/openid-configuration`,
  };
}

/** What the pane needs to sign in with Entra ID; the server publishes it (null: Entra is off). */
export interface EntraClientConfig {
  /** The add-in's own (SPA) app registration. */
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant or organizations>` */
  authority: string;
  /** Our API's delegated scope, e.g. `api://<api-id>/access_as_user`. */
  scopes: string[];
}

export function parseEntraClientConfig(value: unknown): EntraClientConfig | null {
  const candidate = (value ?? {}) as Partial<Record<keyof EntraClientConfig, unknown>>;
  if (
    typeof candidate.clientId !== 'string' ||
    typeof candidate.authority !== 'string' ||
    !Array.isArray(candidate.scopes) ||
    !candidate.scopes.every((scope) => typeof scope === 'string')
  ) {
    return null;
  }
  return {
    clientId: candidate.clientId,
    authority: candidate.authority,
    scopes: candidate.scopes as string[],
  };
}

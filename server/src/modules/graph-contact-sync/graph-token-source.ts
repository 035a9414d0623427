import {
  ConfidentialClientApplication,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  type TokenCacheContext,
} from '@azure/msal-node';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError } from '../../errors/app-error';
import { entraRealAuthority, type EntraSettings } from '../auth/entra-settings';
import { OutlookSyncAccountModel } from './graph-contact-sync.model';

export const graphContactsScope = 'https://graph.microsoft.com/Contacts.ReadWrite';

/** Where Graph access tokens for a user come from (msal OBO in production). */
export interface GraphTokenSource {
  /** Exchange the user's Entra access token for Graph (On-Behalf-Of); keeps what later runs need. */
  exchange(userId: string, userAssertion: string): Promise<void>;
  /** A Graph access token for the user, from what `exchange` kept (refresh token). */
  accessToken(userId: string): Promise<string>;
}

/**
 * msal-node's ConfidentialClientApplication with one persisted token cache per user (MongoDB,
 * through msal's cache plugin). The authority stays Entra's; a configured authority URL (the
 * local fake in tests) is where msal's requests are sent, through msal's network-client hook.
 */
export class MsalGraphTokenSource implements GraphTokenSource {
  constructor(
    private readonly settings: EntraSettings,
    private readonly timeoutMs = 15_000,
  ) {}

  async exchange(userId: string, userAssertion: string): Promise<void> {
    const client = this.#client(userId);
    try {
      await client.acquireTokenOnBehalfOf({
        oboAssertion: userAssertion,
        scopes: [graphContactsScope],
      });
    } catch (error) {
      throw entraRefusal(error, 'exchange');
    }
  }

  async accessToken(userId: string): Promise<string> {
    const refreshToken = await this.#storedRefreshToken(userId);
    if (!refreshToken) {
      throw new AppError('conflict', 'Outlook contact sync needs your consent again', {
        reason: 'consent_required',
      });
    }
    try {
      const result = await this.#client(userId).acquireTokenByRefreshToken({
        refreshToken,
        scopes: [graphContactsScope],
      });
      if (!result?.accessToken) throw new Error('no access token');
      return result.accessToken;
    } catch (error) {
      throw entraRefusal(error, 'refresh');
    }
  }

  async #storedRefreshToken(userId: string): Promise<string | undefined> {
    const account = await OutlookSyncAccountModel.findOne({ userId: new Types.ObjectId(userId) })
      .select('+tokenCache')
      .lean();
    const serialized = account?.tokenCache ? this.#sealer().open(account.tokenCache) : undefined;
    if (!serialized) return undefined;
    const cache = JSON.parse(serialized) as {
      RefreshToken?: Record<string, { secret?: string; last_modification_time?: string }>;
    };
    const tokens = Object.values(cache.RefreshToken ?? {}).filter((token) => token.secret);
    tokens.sort(
      (a, b) => Number(b.last_modification_time ?? 0) - Number(a.last_modification_time ?? 0),
    );
    return tokens[0]?.secret;
  }

  #sealer(): TokenCacheSealer {
    return new TokenCacheSealer(this.settings.clientSecret ?? '');
  }

  #client(userId: string): ConfidentialClientApplication {
    if (!this.settings.clientSecret) {
      throw new AppError(
        'service_unavailable',
        'Outlook contact sync needs ENTRA_CLIENT_SECRET (the server exchanges tokens for Microsoft Graph)',
      );
    }
    return new ConfidentialClientApplication({
      auth: {
        clientId: this.settings.clientId,
        clientSecret: this.settings.clientSecret,
        authority: `${entraRealAuthority}/${this.settings.tenantId}`,
        knownAuthorities: [new URL(entraRealAuthority).host],
      },
      cache: { cachePlugin: userCachePlugin(userId, this.#sealer()) },
      system: {
        networkClient: new AuthorityNetworkClient(this.settings.authorityUrl, this.timeoutMs),
      },
    });
  }
}

/**
 * The token cache holds a refresh token: stored sealed (AES-256-GCM, key derived from the client
 * secret, which the server needs anyway). A new client secret makes old caches unreadable: the
 * user gives consent again instead of the server using a token it can no longer vouch for.
 */
export class TokenCacheSealer {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = Buffer.from(
      hkdfSync('sha256', secret, 'inbox-crm', 'outlook-sync token cache v1', 32),
    );
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** `undefined` when the text was sealed with another key or is damaged. */
  open(text: string): string | undefined {
    const [version, iv, tag, sealed] = text.split('.');
    if (version !== 'v1' || !iv || !tag || sealed === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(sealed, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

function userCachePlugin(userId: string, sealer: TokenCacheSealer): ICachePlugin {
  const filter = { userId: new Types.ObjectId(userId) };
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      const account = await OutlookSyncAccountModel.findOne(filter).select('+tokenCache').lean();
      const serialized = account?.tokenCache ? sealer.open(account.tokenCache) : undefined;
      if (serialized) context.tokenCache.deserialize(serialized);
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (!context.cacheHasChanged) return;
      await OutlookSyncAccountModel.updateOne(
        filter,
        { $set: { tokenCache: sealer.seal(context.tokenCache.serialize()) } },
        { upsert: true },
      );
    },
  };
}

/** msal's HTTP, over fetch with a timeout, sent to the configured authority host. */
class AuthorityNetworkClient implements INetworkModule {
  constructor(
    private readonly authorityUrl: string,
    private readonly timeoutMs: number,
  ) {}

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>('POST', url, options);
  }

  async #send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
  ): Promise<NetworkResponse<T>> {
    const target = url.startsWith(`${entraRealAuthority}/`)
      ? `${this.authorityUrl}${url.slice(entraRealAuthority.length)}`
      : url;
    const response = await fetch(target, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? options?.body : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const text = await response.text();
    const body = parseTokenResponse(text);
    return { headers, body: body as T, status: response.status };
  }
}

function parseTokenResponse(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {
      error: 'invalid_response',
      error_description: 'The token endpoint did not answer JSON',
    };
  }
}

/** What to tell the caller when Entra refuses (no token or secret ever goes into the message). */
function entraRefusal(error: unknown, step: 'exchange' | 'refresh'): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { errorCode?: unknown }).errorCode;
  const errorCode = typeof code === 'string' ? code : 'unknown';
  if (
    errorCode === 'invalid_grant' ||
    errorCode === 'interaction_required' ||
    errorCode === 'consent_required'
  ) {
    return new AppError(
      'conflict',
      step === 'exchange'
        ? 'Microsoft Entra ID refused to exchange this token for Microsoft Graph: sign in again and give consent'
        : 'Outlook contact sync needs your consent again',
      { reason: 'consent_required', entraError: errorCode },
    );
  }
  if (errorCode === 'invalid_client' || errorCode === 'unauthorized_client') {
    return new AppError(
      'service_unavailable',
      'The server’s Microsoft Entra ID credentials were refused',
      {
        entraError: errorCode,
      },
    );
  }
  return new AppError('service_unavailable', 'Microsoft Entra ID could not be reached', {
    entraError: errorCode,
  });
}

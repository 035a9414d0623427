import type {
  GraphContact,
  GraphContactFolder,
  GraphContactWrite,
  GraphDeltaEntry,
} from './graph-contact';

export const graphDefaultBaseUrl = 'https://graph.microsoft.com/v1.0';

/** A failed Graph call: the HTTP status (0 = no answer) and Graph's `error.code`. */
export class GraphError extends Error {
  override readonly name: string = 'GraphError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The stored delta link is no longer valid (410, `syncStateNotFound`, `resyncRequired`): resync. */
export class GraphDeltaExpiredError extends GraphError {
  override readonly name = 'GraphDeltaExpiredError';
}

export interface GraphClientOptions {
  baseUrl?: string;
  /** A valid Graph access token for the mailbox (called per request; cache inside). */
  accessToken: () => Promise<string>;
  timeoutMs?: number;
  /** How often a 429/503/504 is retried (after `Retry-After`, capped). */
  maxRetries?: number;
  /** Delta page size asked for through `Prefer: odata.maxpagesize`. */
  deltaPageSize?: number;
  fetch?: typeof fetch;
}

export interface DeltaRound {
  /** Entries in the order Graph sent them (the same id may repeat: the last one wins). */
  entries: GraphDeltaEntry[];
  /** Store it whole; the next round starts from it. */
  deltaLink: string;
}

const deltaSelect = [
  'displayName',
  'givenName',
  'surname',
  'companyName',
  'jobTitle',
  'emailAddresses',
  'businessPhones',
  'mobilePhone',
  'businessAddress',
  'businessHomePage',
  'personalNotes',
  'parentFolderId',
].join(',');
const maxRetryWaitMs = 30_000;
const maxDeltaPages = 10_000;

/** The few Microsoft Graph contact calls the Outlook sync needs (outlook.md §6), over fetch. */
export class GraphClient {
  readonly #baseUrl: string;
  readonly #options: Required<Omit<GraphClientOptions, 'baseUrl' | 'fetch'>> & {
    fetch: typeof fetch;
  };

  constructor(options: GraphClientOptions) {
    this.#baseUrl = (options.baseUrl ?? graphDefaultBaseUrl).replace(/\/+$/, '');
    this.#options = {
      accessToken: options.accessToken,
      timeoutMs: options.timeoutMs ?? 20_000,
      maxRetries: options.maxRetries ?? 3,
      deltaPageSize: options.deltaPageSize ?? 100,
      fetch: options.fetch ?? fetch,
    };
  }

  async findFolder(displayName: string): Promise<GraphContactFolder | undefined> {
    const filter = `displayName eq '${displayName.replaceAll("'", "''")}'`;
    const page = await this.#call<{ value: GraphContactFolder[] }>(
      'GET',
      `/me/contactFolders?$filter=${encodeURIComponent(filter)}`,
    );
    return page.value.find((folder) => folder.displayName === displayName);
  }

  /** `undefined` when the folder is gone (deleted in Outlook). */
  async getFolder(id: string): Promise<GraphContactFolder | undefined> {
    try {
      return await this.#call<GraphContactFolder>(
        'GET',
        `/me/contactFolders/${encodeURIComponent(id)}`,
      );
    } catch (error) {
      if (error instanceof GraphError && error.status === 404) return undefined;
      throw error;
    }
  }

  createFolder(displayName: string): Promise<GraphContactFolder> {
    return this.#call('POST', '/me/contactFolders', { displayName });
  }

  /** `undefined` when the contact is gone. */
  async getContact(id: string): Promise<GraphContact | undefined> {
    try {
      return await this.#call<GraphContact>('GET', `/me/contacts/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error instanceof GraphError && error.status === 404) return undefined;
      throw error;
    }
  }

  createContact(folderId: string, contact: GraphContactWrite): Promise<GraphContact> {
    return this.#call(
      'POST',
      `/me/contactFolders/${encodeURIComponent(folderId)}/contacts`,
      contact,
    );
  }

  updateContact(id: string, patch: GraphContactWrite): Promise<GraphContact> {
    return this.#call('PATCH', `/me/contacts/${encodeURIComponent(id)}`, patch);
  }

  /** Deleting a contact that is already gone is not an error. */
  async deleteContact(id: string): Promise<void> {
    try {
      await this.#call('DELETE', `/me/contacts/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error instanceof GraphError && error.status === 404) return;
      throw error;
    }
  }

  /**
   * One delta round: from `deltaLink` (or from scratch), following `@odata.nextLink` until a
   * page carries `@odata.deltaLink`. Throws GraphDeltaExpiredError when the link is no longer valid.
   */
  async contactsDelta(folderId: string, deltaLink?: string): Promise<DeltaRound> {
    let url =
      deltaLink ??
      `${this.#baseUrl}/me/contactFolders/${encodeURIComponent(folderId)}/contacts/delta?$select=${deltaSelect}`;
    const entries: GraphDeltaEntry[] = [];
    for (let pages = 0; pages < maxDeltaPages; pages += 1) {
      const page = await this.#call<{
        value: GraphDeltaEntry[];
        '@odata.nextLink'?: string;
        '@odata.deltaLink'?: string;
      }>('GET', url, undefined, { Prefer: `odata.maxpagesize=${this.#options.deltaPageSize}` });
      entries.push(...page.value);
      if (page['@odata.deltaLink']) return { entries, deltaLink: page['@odata.deltaLink'] };
      if (!page['@odata.nextLink']) {
        throw new GraphError(
          0,
          'invalid_response',
          'A Graph delta page had neither a next nor a delta link',
        );
      }
      url = page['@odata.nextLink']; // an empty page with a nextLink is not the end
    }
    throw new GraphError(0, 'invalid_response', 'Graph delta did not end');
  }

  async #call<Result>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    pathOrUrl: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Result> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.#baseUrl}${pathOrUrl}`;
    this.#assertOwnHost(url);
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.#options.accessToken();
      const signal = AbortSignal.timeout(this.#options.timeoutMs);
      let response: Response;
      try {
        response = await this.#options.fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        });
      } catch {
        // The timeout's DOMException is not always an Error subclass (realms): ask the signal.
        const timedOut = signal.aborted;
        throw new GraphError(
          0,
          timedOut ? 'timeout' : 'network',
          timedOut
            ? `Microsoft Graph did not answer within ${this.#options.timeoutMs} ms`
            : 'Microsoft Graph could not be reached',
        );
      }
      if (response.ok) {
        if (response.status === 204) return undefined as Result;
        try {
          return (await response.json()) as Result;
        } catch {
          throw new GraphError(
            response.status,
            'invalid_response',
            'Microsoft Graph sent a body that is not JSON',
          );
        }
      }
      const { code, message } = await readGraphError(response);
      const retryable = [429, 503, 504].includes(response.status);
      if (retryable && attempt < this.#options.maxRetries) {
        await sleep(retryDelayMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      if (
        response.status === 410 ||
        /^(syncStateNotFound|resyncRequired|syncStateInvalid)$/i.test(code)
      ) {
        throw new GraphDeltaExpiredError(response.status, code, message);
      }
      throw new GraphError(response.status, code, message);
    }
  }

  /** Links come back from Graph; never send the token anywhere but the configured Graph host. */
  #assertOwnHost(url: string): void {
    if (new URL(url).origin !== new URL(this.#baseUrl).origin) {
      throw new GraphError(0, 'invalid_response', 'Microsoft Graph sent a link to another host');
    }
  }
}

async function readGraphError(response: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    return {
      code: typeof body.error?.code === 'string' ? body.error.code : `http_${response.status}`,
      message:
        typeof body.error?.message === 'string'
          ? body.error.message
          : `Microsoft Graph answered ${response.status}`,
    };
  } catch {
    return {
      code: `http_${response.status}`,
      message: `Microsoft Graph answered ${response.status}`,
    };
  }
}

function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  const wait = Number.isFinite(seconds) ? seconds * 1000 : 500 * 2 ** attempt;
  return Math.min(Math.max(wait, 0), maxRetryWaitMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

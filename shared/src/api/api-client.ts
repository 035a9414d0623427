import type { z } from 'zod';
import type { Me } from '../schemas/auth.schemas';
import type { FieldIssue } from '../schemas/common.schemas';
import type {
  ContactConflictListQuery,
  ContactConflictPage,
  ContactConflictResolution,
  ContactConflictResolveResponse,
  ContactSyncFeedQuery,
  ContactSyncFeedResponse,
  ContactSyncPushBody,
  ContactSyncPushResponse,
} from '../schemas/contact-sync.schemas';
import type { Lead } from '../schemas/lead.schemas';
import type {
  MailContactBody,
  MailContactResponse,
  MailContextQuery,
  MailContextResponse,
  MailLogBody,
  MailLogResponse,
  MailToOpportunityBatchBody,
  MailToOpportunityBatchResponse,
  MailToOpportunityBody,
  MailToOpportunityResponse,
} from '../schemas/mail.schemas';
import type { ListResponse } from '../schemas/common.schemas';
import type { Partner } from '../schemas/partner.schemas';
import { ApiError, defaultCodeForStatus } from './api-error';
import {
  backoffDelayMs,
  defaultRetryPolicy,
  parseRetryAfter,
  type RetryPolicy,
} from './retry-policy';

export const apiPaths = {
  me: '/api/v1/me',
  mailContext: '/api/v1/mail/context',
  mailOpportunities: '/api/v1/mail/opportunities',
  mailOpportunitiesBatch: '/api/v1/mail/opportunities/batch',
  mailLog: '/api/v1/mail/log',
  mailContacts: '/api/v1/mail/contacts',
  leads: '/api/v1/leads',
  partners: '/api/v1/partners',
  syncContacts: '/api/v1/sync/contacts',
  syncConflicts: '/api/v1/sync/conflicts',
} as const;

export interface ApiClientOptions {
  /** The CRM's origin, e.g. `https://crm.example.com` (no trailing path). */
  baseUrl: string;
  /** Bearer token for each request; `null` = not signed in (the request goes out without one). */
  getAccessToken: () => Promise<string | null>;
  fetch?: typeof fetch;
  /** Per attempt. Default 20 s (uploads: 120 s). */
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Validators of the answers, per operation: pass `apiResponseSchemas` (zod) to check every
   * answer; leave it out where bundle size rules (answers are then trusted as typed).
   */
  responseSchemas?: Partial<Record<ApiOperation, ResponseValidator>>;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Extra headers per request, e.g. the console's `x-csrf-token` for its session cookie. */
  getExtraHeaders?: (method: string) => Record<string, string>;
  random?: () => number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** The raw mail to archive with an upload; sent as the `eml` part of a multipart body. */
export interface EmlUpload {
  eml?: Uint8Array | Blob;
}

export interface SearchQuery {
  search: string;
  limit?: number;
}

/**
 * Anything with zod's `safeParse`. The client's own methods take their validators from
 * `options.responseSchemas` (see `apiResponseSchemas`), so a bundle that leaves them out leaves
 * zod out too (the Outlook task pane's 80 KB budget cannot carry zod's ~90 KB).
 */
export interface ResponseValidator {
  safeParse(data: unknown):
    | { success: true; data: unknown }
    | {
        success: false;
        error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
      };
}

export type ApiOperation =
  | 'me'
  | 'mailContext'
  | 'createOpportunityFromMail'
  | 'createOpportunitiesFromMails'
  | 'logMail'
  | 'createContactFromMail'
  | 'searchLeads'
  | 'searchPartners'
  | 'pullContacts'
  | 'pushContacts'
  | 'listContactConflicts'
  | 'resolveContactConflict';

interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | readonly string[] | undefined>;
  json?: unknown;
  multipart?: { payload: unknown; eml: Uint8Array | Blob };
  /** GET, or a POST the server documents as idempotent by key: safe to resend. */
  idempotent: boolean;
  /** Validates the 2xx body; absent = trusted as typed. */
  response?: ResponseValidator;
  signal?: AbortSignal;
}

/** What a generic request answers: the schema's output, or `unknown` for a bare validator. */
export type ResponseOf<Schema extends ResponseValidator> = Schema extends z.ZodType
  ? z.output<Schema>
  : unknown;

export interface GenericRequest<Schema extends ResponseValidator> {
  method: CallSpec['method'];
  /** Below `/api/v1`, e.g. `/teams/42`. */
  path: string;
  query?: CallSpec['query'];
  body?: unknown;
  response: Schema;
  idempotent?: boolean;
  signal?: AbortSignal;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Typed client of the CRM API: zod-validated answers, retries for idempotent calls, typed errors. */
export function createApiClient(options: ApiClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 20_000;
  const uploadTimeoutMs = options.uploadTimeoutMs ?? 120_000;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function call<Result>(spec: CallSpec): Promise<Result> {
    const maxAttempts = spec.idempotent ? policy.retries + 1 : 1;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return (await attemptOnce(spec)) as Result;
      } catch (error) {
        const apiError = toApiError(error);
        const mayRetry = apiError.isTransient && attempt + 1 < maxAttempts && !spec.signal?.aborted;
        if (!mayRetry) throw apiError;
        await sleep(backoffDelayMs(attempt, policy, options.random, apiError.retryAfterMs));
      }
    }
  }

  async function attemptOnce(spec: CallSpec): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    Object.assign(headers, options.getExtraHeaders?.(spec.method));
    const token = await options.getAccessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (spec.multipart) {
      const form = new FormData();
      form.append('payload', JSON.stringify(spec.multipart.payload));
      const eml = spec.multipart.eml;
      const blob =
        eml instanceof Blob
          ? eml
          : new Blob([eml as Uint8Array<ArrayBuffer>], { type: 'message/rfc822' });
      form.append('eml', blob, 'mail.eml');
      body = form;
    } else if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(spec.signal?.reason);
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      spec.multipart ? uploadTimeoutMs : timeoutMs,
    );
    try {
      let response: Response;
      try {
        response = await fetchImpl(buildUrl(spec.path, spec.query), {
          method: spec.method,
          headers,
          body,
          signal: controller.signal,
        });
      } catch (error) {
        if (timedOut)
          throw new ApiError({
            status: 0,
            code: 'timeout',
            message: 'Request timed out',
            cause: error,
          });
        if (spec.signal?.aborted)
          throw new ApiError({
            status: 0,
            code: 'aborted',
            message: 'Request aborted',
            cause: error,
          });
        throw new ApiError({
          status: 0,
          code: 'network',
          message: `Network error: ${(error as Error).message}`,
          cause: error,
        });
      }
      const payload = await readJson(response, timedOut);
      if (!response.ok) throw errorFromResponse(response, payload);
      if (!spec.response) return payload;
      const parsed = spec.response.safeParse(payload);
      if (!parsed.success) {
        throw new ApiError({
          status: response.status,
          code: 'invalid_response',
          message: `Unexpected response from ${spec.method} ${spec.path}: ${parsed.error.issues
            .slice(0, 3)
            .map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`)
            .join('; ')}`,
        });
      }
      return parsed.data;
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  function buildUrl(path: string, query: CallSpec['query']): string {
    const url = new URL(baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, item);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  const validator = (operation: ApiOperation) => options.responseSchemas?.[operation];

  const uploadOrJson = <Result>(
    path: string,
    payload: unknown,
    upload: EmlUpload | undefined,
    response: ResponseValidator | undefined,
    signal?: AbortSignal,
  ) =>
    call<Result>({
      method: 'POST',
      path,
      ...(upload?.eml ? { multipart: { payload, eml: upload.eml } } : { json: payload }),
      idempotent: true,
      response,
      signal,
    });

  return {
    /**
     * Any API route, typed by its response schema: the console's resource pages use this with the
     * same schemas the server validates with. Only GET is retried unless `idempotent` says so.
     */
    // A zod schema types the answer; a bundle that must stay free of zod (the Outlook pane)
    // passes a small hand-written validator and narrows the `unknown` itself.
    request: <Schema extends ResponseValidator>(
      spec: GenericRequest<Schema>,
    ): Promise<ResponseOf<Schema>> =>
      call<ResponseOf<Schema>>({
        method: spec.method,
        path: `/api/v1${spec.path}`,
        query: spec.query,
        json: spec.body,
        idempotent: spec.idempotent ?? spec.method === 'GET',
        response: spec.response,
        signal: spec.signal,
      }),

    /** Who the signed-in user is. */
    me: (request?: RequestOptions): Promise<Me> =>
      call({
        method: 'GET',
        path: apiPaths.me,
        idempotent: true,
        response: validator('me'),
        signal: request?.signal,
      }),

    /** The sender's CRM card and where this mail or its thread already sits. */
    mailContext: (
      query: MailContextQuery,
      request?: RequestOptions,
    ): Promise<MailContextResponse> =>
      call({
        method: 'GET',
        path: apiPaths.mailContext,
        query: {
          from: query.from,
          to: toList(query.to),
          cc: toList(query.cc),
          messageId: query.messageId,
          inReplyTo: query.inReplyTo,
          references: toList(query.references)?.join(' ') || undefined,
        },
        idempotent: true,
        response: validator('mailContext'),
        signal: request?.signal,
      }),

    /** Idempotent by Message-ID on the server: a resend returns the existing record. */
    createOpportunityFromMail: (
      body: MailToOpportunityBody,
      upload?: EmlUpload,
      request?: RequestOptions,
    ): Promise<MailToOpportunityResponse> =>
      uploadOrJson(
        apiPaths.mailOpportunities,
        body,
        upload,
        validator('createOpportunityFromMail'),
        request?.signal,
      ),

    createOpportunitiesFromMails: (
      body: MailToOpportunityBatchBody,
      request?: RequestOptions,
    ): Promise<MailToOpportunityBatchResponse> =>
      call({
        method: 'POST',
        path: apiPaths.mailOpportunitiesBatch,
        json: body,
        idempotent: true,
        response: validator('createOpportunitiesFromMails'),
        signal: request?.signal,
      }),

    logMail: (
      body: MailLogBody,
      upload?: EmlUpload,
      request?: RequestOptions,
    ): Promise<MailLogResponse> =>
      uploadOrJson(apiPaths.mailLog, body, upload, validator('logMail'), request?.signal),

    /** Matches an existing partner by normalized e-mail first: safe to resend. */
    createContactFromMail: (
      body: MailContactBody,
      request?: RequestOptions,
    ): Promise<MailContactResponse> =>
      call({
        method: 'POST',
        path: apiPaths.mailContacts,
        json: body,
        idempotent: true,
        response: validator('createContactFromMail'),
        signal: request?.signal,
      }),

    /** Leads and opportunities for "log to existing". */
    searchLeads: (query: SearchQuery, request?: RequestOptions): Promise<ListResponse<Lead>> =>
      call({
        method: 'GET',
        path: apiPaths.leads,
        query: { search: query.search, limit: query.limit ?? 20 },
        idempotent: true,
        response: validator('searchLeads'),
        signal: request?.signal,
      }),

    searchPartners: (
      query: SearchQuery,
      request?: RequestOptions,
    ): Promise<ListResponse<Partner>> =>
      call({
        method: 'GET',
        path: apiPaths.partners,
        query: { search: query.search, limit: query.limit ?? 20 },
        idempotent: true,
        response: validator('searchPartners'),
        signal: request?.signal,
      }),

    /** One page of the contact change feed; 410 (`code: 'gone'`) = start a full resync. */
    pullContacts: (
      query: ContactSyncFeedQuery,
      request?: RequestOptions,
    ): Promise<ContactSyncFeedResponse> =>
      call({
        method: 'GET',
        path: apiPaths.syncContacts,
        query: { token: query.token, limit: query.limit as number | undefined },
        idempotent: true,
        response: validator('pullContacts'),
        signal: request?.signal,
      }),

    /** Idempotent by change id: a resent batch returns the stored results. */
    pushContacts: (
      body: ContactSyncPushBody,
      request?: RequestOptions,
    ): Promise<ContactSyncPushResponse> =>
      call({
        method: 'POST',
        path: apiPaths.syncContacts,
        json: body,
        idempotent: true,
        response: validator('pushContacts'),
        signal: request?.signal,
      }),

    /** Open sync conflicts on contacts the user may read, newest first (`contactId`: of one). */
    listContactConflicts: (
      query: ContactConflictListQuery = {},
      request?: RequestOptions,
    ): Promise<ContactConflictPage> =>
      call({
        method: 'GET',
        path: apiPaths.syncConflicts,
        query: {
          limit: query.limit as number | undefined,
          offset: query.offset as number | undefined,
          contactId: query.contactId,
        },
        idempotent: true,
        response: validator('listContactConflicts'),
        signal: request?.signal,
      }),

    /**
     * Keep the CRM value or apply the address book's. Not resent automatically: a second resolve
     * answers 409 (`code: 'conflict'`) whose `details` carry the stored `resolution`, `resolvedAt`
     * and `resolvedBy`, so a caller whose answer was lost can tell its own resolve.
     */
    resolveContactConflict: (
      conflictId: string,
      resolution: ContactConflictResolution,
      request?: RequestOptions,
    ): Promise<ContactConflictResolveResponse> =>
      call({
        method: 'POST',
        path: `${apiPaths.syncConflicts}/${encodeURIComponent(conflictId)}/resolve`,
        json: { resolution },
        idempotent: false,
        response: validator('resolveContactConflict'),
        signal: request?.signal,
      }),
  };
}

function toList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

async function readJson(response: Response, timedOut: boolean): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text().catch((error: unknown) => {
    throw new ApiError({
      status: 0,
      code: timedOut ? 'timeout' : 'network',
      message: 'Connection lost',
      cause: error,
    });
  });
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return response.ok
      ? (() => {
          throw new ApiError({
            status: response.status,
            code: 'invalid_response',
            message: 'Response is not JSON',
          });
        })()
      : undefined;
  }
}

function errorFromResponse(response: Response, payload: unknown): ApiError {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const error = (
    payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined
  )?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return new ApiError({
      status: response.status,
      code: defaultCodeForStatus(response.status),
      message: `HTTP ${response.status} ${response.statusText}`.trim(),
      retryAfterMs,
    });
  }
  return new ApiError({
    status: response.status,
    code: error.code || defaultCodeForStatus(response.status),
    message: error.message,
    details: error.details,
    fieldIssues: fieldIssuesOf(error.details),
    retryAfterMs,
  });
}

/** The error middleware puts field issues in `details` as an array or under `details.issues`/`fields`. */
function fieldIssuesOf(details: unknown): FieldIssue[] {
  const isIssue = (item: unknown): item is FieldIssue =>
    typeof (item as FieldIssue)?.field === 'string' &&
    typeof (item as FieldIssue)?.message === 'string';
  const candidates = [
    details,
    (details as { issues?: unknown })?.issues,
    (details as { fields?: unknown })?.fields,
  ];
  for (const candidate of candidates) {
    if (!Array.isArray(candidate)) continue;
    const issues = candidate
      .filter(isIssue)
      .map((issue) => ({ field: issue.field, message: issue.message }));
    if (issues.length) return issues;
  }
  return [];
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    status: 0,
    code: 'network',
    message: (error as Error)?.message ?? String(error),
    cause: error,
  });
}

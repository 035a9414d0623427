import type { FieldIssue } from '../schemas/common.schemas';

/** `network`/`timeout`/`invalid_response`/`aborted` are client-side; the rest are the server's codes. */
export type ApiErrorCode =
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'rate_limited'
  | 'server_error'
  | (string & {});

export interface ApiErrorInit {
  status: number;
  code: ApiErrorCode;
  message: string;
  fieldIssues?: FieldIssue[];
  details?: unknown;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Every failure of the API client: what happened (status, code) and what to tell the user. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when no answer arrived (network, timeout, aborted). */
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly fieldIssues: FieldIssue[];
  readonly details: unknown;
  readonly retryAfterMs?: number;

  constructor(init: ApiErrorInit) {
    super(init.message, { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.fieldIssues = init.fieldIssues ?? [];
    this.details = init.details;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The server could not be reached at all: worth queuing the action for later. */
  get isOffline(): boolean {
    return this.code === 'network' || this.code === 'timeout';
  }

  /** Temporary trouble on the way or on the server: the same request may succeed later. */
  get isTransient(): boolean {
    return (
      this.isOffline ||
      this.status === 429 ||
      this.status === 502 ||
      this.status === 503 ||
      this.status === 504
    );
  }

  /** A sentence a salesperson can act on (no stack traces, no codes). */
  get userMessage(): string {
    switch (this.code) {
      case 'network':
        return 'The CRM server cannot be reached. Check your network connection and try again.';
      case 'timeout':
        return 'The CRM server did not answer in time. Please try again in a moment.';
      case 'aborted':
        return 'The request was cancelled.';
      case 'unauthenticated':
        return 'You are signed out of the CRM. Please sign in again.';
      case 'forbidden':
        return 'Your CRM account is not allowed to do this. Ask your CRM administrator for access.';
      case 'not_found':
        return 'This record no longer exists in the CRM, or you cannot see it.';
      case 'payload_too_large':
        return 'This mail is too large for the CRM (attachments included). Remove large attachments or save them separately.';
      case 'validation_failed':
        return this.fieldIssues.length
          ? `Please check: ${this.fieldIssues.map((issue) => `${readableField(issue.field)} ${issue.message}`).join('; ')}.`
          : `The CRM did not accept this: ${this.message}`;
      case 'rate_limited':
        return 'The CRM server is busy. Please try again in a moment.';
      case 'conflict':
        return `This changed in the CRM meanwhile: ${this.message}`;
      case 'gone':
        return 'This data is no longer available in the CRM.';
      case 'invalid_response':
        return 'The CRM server sent an answer this add-in does not understand. It may need an update.';
      default:
        return this.status >= 500
          ? 'The CRM server had a problem. Please try again later; if it persists, tell your CRM administrator.'
          : `The CRM refused this request: ${this.message}`;
    }
  }
}

/** `body.draft.contact.email` → `draft contact email` */
function readableField(field: string): string {
  return field
    .replace(/^(body|query|params)\./, '')
    .replace(/\.(\d+)\./g, ' $1 ')
    .replace(/[.[\]]+/g, ' ')
    .trim();
}

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  429: 'rate_limited',
};

export function defaultCodeForStatus(status: number): ApiErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : `http_${status}`);
}

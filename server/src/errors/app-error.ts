/**
 * The one error family of the server. Every failure a client can see is an AppError with a stable
 * string code, an HTTP status and a message that is safe to show (no internals, no secrets).
 */
export const appErrorStatus = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type AppErrorCode = keyof typeof appErrorStatus;

/** One invalid input: where it is (dotted path, e.g. `body.email`) and why it was refused. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: AppErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = appErrorStatus[code];
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(issues: FieldIssue[], message = describeIssues(issues)) {
    super('validation_failed', message, { issues });
    this.name = 'ValidationError';
  }

  get issues(): FieldIssue[] {
    return (this.details as { issues: FieldIssue[] }).issues;
  }
}

/** A record that does not exist or that the caller may not see: both answer the same 404. */
export class NotFoundError extends AppError {
  constructor(resource: string) {
    super('not_found', `${resource} not found`);
    this.name = 'NotFoundError';
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in or send a valid API token') {
    super('unauthenticated', message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your access level does not allow this') {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
    this.name = 'ConflictError';
  }
}

function describeIssues(issues: FieldIssue[]): string {
  if (issues.length === 0) return 'Invalid request';
  const shown = issues.slice(0, 3).map((issue) => `${issue.field}: ${issue.message}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `Invalid request: ${shown.join('; ')}${more}`;
}

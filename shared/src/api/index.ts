export { createApiClient, apiPaths } from './api-client';
export type {
  ApiClient,
  ApiClientOptions,
  EmlUpload,
  GenericRequest,
  RequestOptions,
  SearchQuery,
} from './api-client';
export { ApiError, defaultCodeForStatus } from './api-error';
export type { ApiErrorCode, ApiErrorInit } from './api-error';
export { backoffDelayMs, defaultRetryPolicy, parseRetryAfter } from './retry-policy';
export type { RetryPolicy } from './retry-policy';
export type { ApiOperation, ResponseValidator } from './api-client';
export { apiResponseSchemas } from './response-schemas';

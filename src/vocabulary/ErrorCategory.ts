/** Every error signature a call can end in (docs/architecture.md, Error taxonomy). The string values are a contract. */
export const ERROR_CATEGORIES = [
  'api_return_none',
  'api_method_missing',
  'import_failure',
  'invalid_response',
  'timeout',
  'rate_limited',
  'overloaded',
  'server_error',
  'network',
  'auth',
  'bad_request',
  'context_window',
  'content_policy',
  'stream_interrupted',
  'circuit_open',
  'aborted',
  'unknown',
] as const;

/** One error signature of the taxonomy. */
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** Enum-like access to the categories: `ErrorCategory.RateLimited === 'rate_limited'`. */
export const ErrorCategory = {
  ApiReturnNone: 'api_return_none',
  ApiMethodMissing: 'api_method_missing',
  ImportFailure: 'import_failure',
  InvalidResponse: 'invalid_response',
  Timeout: 'timeout',
  RateLimited: 'rate_limited',
  Overloaded: 'overloaded',
  ServerError: 'server_error',
  Network: 'network',
  Auth: 'auth',
  BadRequest: 'bad_request',
  ContextWindow: 'context_window',
  ContentPolicy: 'content_policy',
  StreamInterrupted: 'stream_interrupted',
  CircuitOpen: 'circuit_open',
  Aborted: 'aborted',
  Unknown: 'unknown',
} as const satisfies Record<string, ErrorCategory>;

/** How the pipeline treats a category: the taxonomy table (README, Error categories) as data. */
export interface CategoryPolicy {
  /** `many`: up to retry.maxAttempts; `once`: a single retry; `none`: never retried. */
  readonly retry: 'many' | 'once' | 'none';
  /** Whether a failure of this category counts towards opening the circuit breaker. */
  readonly countsForBreaker: boolean;
  /** Whether one failure opens the breaker at once (credentials do not heal by retrying). */
  readonly opensBreakerAtOnce: boolean;
  /** Whether the fallback chain (alias, fallback adapters, fallback value) may serve the call. */
  readonly fallback: boolean;
}

const policy = (
  retry: CategoryPolicy['retry'],
  countsForBreaker: boolean,
  fallback: boolean,
  opensBreakerAtOnce = false,
): CategoryPolicy => Object.freeze({ retry, countsForBreaker, fallback, opensBreakerAtOnce });

/** The taxonomy's retry / breaker / fallback columns. */
export const CATEGORY_POLICY: Readonly<Record<ErrorCategory, CategoryPolicy>> = Object.freeze({
  api_return_none: policy('once', true, true),
  api_method_missing: policy('none', true, true),
  import_failure: policy('none', true, true),
  invalid_response: policy('once', true, true),
  timeout: policy('many', true, true),
  rate_limited: policy('many', false, true),
  overloaded: policy('many', true, true),
  server_error: policy('many', true, true),
  network: policy('many', true, true),
  auth: policy('none', true, true, true),
  bad_request: policy('none', false, false),
  context_window: policy('none', false, true),
  content_policy: policy('none', false, true),
  stream_interrupted: policy('none', true, false),
  circuit_open: policy('none', false, true),
  aborted: policy('none', false, false),
  unknown: policy('once', true, true),
});

/** Type guard for category strings coming from user classifiers or persisted files. */
export function isErrorCategory(value: unknown): value is ErrorCategory {
  return typeof value === 'string' && (ERROR_CATEGORIES as readonly string[]).includes(value);
}

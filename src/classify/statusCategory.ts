import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/**
 * The category an HTTP error status stands for before the body refines it (docs/architecture.md, Error taxonomy), or
 * undefined below 400. Choices beyond the table: 402 is `auth` (billing does not heal by
 * retrying); 409 is `server_error` (the SDKs retry it: a lock or concurrent-update conflict);
 * 413 is `context_window` (the request is too big for this model); 499 is `network` (a proxy
 * closed the upstream connection); 504 stays `server_error` like every other 5xx.
 */
export function statusCategory(status: number): ErrorCategory | undefined {
  switch (status) {
    case 401:
    case 402:
    case 403:
      return 'auth';
    case 408:
      return 'timeout';
    case 409:
      return 'server_error';
    case 413:
      return 'context_window';
    case 429:
      return 'rate_limited';
    case 499:
      return 'network';
    case 503:
    case 529:
      return 'overloaded';
  }
  if (status >= 500 && status <= 599) return 'server_error';
  if (status >= 400 && status <= 499) return 'bad_request';
  return undefined;
}

/** The value as an HTTP error status (a 400–599 integer, or such a numeric string), else undefined. */
export function asErrorStatus(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 400 && value <= 599 ? value : undefined;
  }
  if (typeof value === 'string' && value.length === 3) {
    const n = Number(value);
    return Number.isInteger(n) && n >= 400 && n <= 599 ? n : undefined;
  }
  return undefined;
}

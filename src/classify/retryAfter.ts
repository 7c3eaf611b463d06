import type { Clock } from '../clock/Clock.js';
import { MAX_CAUSE_DEPTH, nextCause, readProperty } from './guardedRead.js';

// A plain decimal: delay-seconds or milliseconds. Anything else is tried as an HTTP date.
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;
// Header values longer than this are not a delay; skip them rather than feed Date.parse.
const MAX_VALUE_LENGTH = 64;

/**
 * The server-requested delay in ms from `retry-after-ms` (preferred, as the SDKs do) or
 * `retry-after` (delay-seconds or an HTTP date), read from `err.headers` or
 * `err.response.headers` along the cause chain. Negative delays read as 0; nothing is capped.
 */
export function readRetryAfterMs(err: unknown, clock: Clock): number | undefined {
  let e = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && e !== null && typeof e === 'object'; depth++) {
    const delay =
      retryAfterFromHeaders(readProperty(e, 'headers'), clock) ??
      retryAfterFromHeaders(readProperty(readProperty(e, 'response'), 'headers'), clock);
    if (delay !== undefined) return delay;
    e = nextCause(e);
  }
  return undefined;
}

function retryAfterFromHeaders(headers: unknown, clock: Clock): number | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const ms = parseDecimal(headerValue(headers, 'retry-after-ms'));
  if (ms !== undefined) return ms;
  const value = headerValue(headers, 'retry-after');
  const seconds = parseDecimal(value);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  let now: number;
  try {
    now = clock();
  } catch {
    return undefined;
  }
  const delta = date - now;
  return Number.isFinite(delta) ? Math.max(0, delta) : undefined;
}

/** One header from a WHATWG `Headers`/AxiosHeaders (`.get`) or a plain object with any-case keys. */
function headerValue(headers: object, name: string): unknown {
  const get = readProperty(headers, 'get');
  if (typeof get === 'function') {
    try {
      return firstValue(get.call(headers, name));
    } catch {
      return undefined;
    }
  }
  const exact = readProperty(headers, name);
  if (exact !== undefined) return firstValue(exact);
  try {
    for (const key of Object.keys(headers)) {
      if (key.length === name.length && key.toLowerCase() === name)
        return firstValue(readProperty(headers, key));
    }
  } catch {
    // A Proxy whose ownKeys trap throws has no readable headers.
  }
  return undefined;
}

// Node's IncomingHttpHeaders may hold a header repeated as an array; the first one counts.
function firstValue(value: unknown): unknown {
  try {
    return Array.isArray(value) ? value[0] : value;
  } catch {
    return undefined;
  }
}

function parseDecimal(value: unknown): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH && DECIMAL.test(value))
    n = Number(value);
  else return undefined;
  return Number.isFinite(n) ? Math.max(0, n) : undefined;
}

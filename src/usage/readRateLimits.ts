/** Which budget a rate-limit reading is about (`kind` label). */
export const RATE_LIMIT_KINDS = ['requests', 'tokens'] as const;
/** Which budget a rate-limit reading is about. */
export type RateLimitKind = (typeof RATE_LIMIT_KINDS)[number];

/** What the headers say about one budget. */
export interface RateLimitBudget {
  /** Requests or tokens left in the current window. */
  readonly remaining: number;
  /** Seconds until the budget is refilled, when the provider says. */
  readonly resetSeconds?: number | undefined;
}

/** The rate-limit headers of one response, by budget; a budget the provider did not report is absent. */
export interface RateLimitReading {
  /** The request budget. */
  readonly requests?: RateLimitBudget | undefined;
  /** The token budget (Anthropic: input and output tokens together when it reports them so). */
  readonly tokens?: RateLimitBudget | undefined;
}

/** Response headers as `fetch`'s Headers (and the SDKs' `response.headers`) offer them. */
export interface HeaderSource {
  get(name: string): string | null;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/gu;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** OpenAI's reset durations (`1s`, `6m0s`, `20ms`, `1h2m3.5s`) in seconds; undefined if unreadable. */
export function durationSeconds(value: string): number | undefined {
  let total = 0;
  let matched = '';
  for (const part of value.matchAll(DURATION_PART)) {
    total += Number(part[1]) * UNIT_SECONDS[part[2]!]!;
    matched += part[0];
  }
  return matched.length > 0 && matched.length === value.trim().length ? total : undefined;
}

function number(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function budget(
  remaining: number | undefined,
  resetSeconds: number | undefined,
): RateLimitBudget | undefined {
  return remaining === undefined ? undefined : { remaining, resetSeconds };
}

/** Seconds from `nowMs` to an RFC 3339 time (Anthropic's `…-reset` headers), at least 0. */
function secondsUntil(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, (at - nowMs) / 1000) : undefined;
}

function safeGet(headers: HeaderSource, name: string): string | null {
  try {
    const value = headers.get(name);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * The rate-limit budgets in a response's headers: OpenAI's `x-ratelimit-remaining-{requests,tokens}`
 * with `x-ratelimit-reset-*` durations, or Anthropic's `anthropic-ratelimit-{requests,tokens}-remaining`
 * with `-reset` times (`tokens` falls back to `input-tokens` when only that is sent). `nowMs` turns
 * Anthropic's reset times into seconds. Undefined when the response carries none. Pure.
 */
export function readRateLimits(headers: HeaderSource, nowMs: number): RateLimitReading | undefined {
  const get = (name: string): string | null => safeGet(headers, name);
  const openaiRequests = number(get('x-ratelimit-remaining-requests'));
  const openaiTokens = number(get('x-ratelimit-remaining-tokens'));
  if (openaiRequests !== undefined || openaiTokens !== undefined) {
    const reset = (name: string): number | undefined => {
      const value = get(name);
      return value === null ? undefined : durationSeconds(value);
    };
    return {
      requests: budget(openaiRequests, reset('x-ratelimit-reset-requests')),
      tokens: budget(openaiTokens, reset('x-ratelimit-reset-tokens')),
    };
  }
  const requests = number(get('anthropic-ratelimit-requests-remaining'));
  let tokens = number(get('anthropic-ratelimit-tokens-remaining'));
  let tokensReset = get('anthropic-ratelimit-tokens-reset');
  if (tokens === undefined) {
    tokens = number(get('anthropic-ratelimit-input-tokens-remaining'));
    tokensReset = get('anthropic-ratelimit-input-tokens-reset');
  }
  if (requests === undefined && tokens === undefined) return undefined;
  return {
    requests: budget(requests, secondsUntil(get('anthropic-ratelimit-requests-reset'), nowMs)),
    tokens: budget(tokens, secondsUntil(tokensReset, nowMs)),
  };
}

/** The headers of an HTTP `Response` (what an SDK attempt resolves to internally), or undefined. */
export function headersOf(value: unknown): HeaderSource | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const headers = (value as { headers?: { get?: unknown } }).headers;
  return typeof headers?.get === 'function' ? (headers as HeaderSource) : undefined;
}

/**
 * The response headers an SDK stream helper exposes once connected: Anthropic's MessageStream
 * has a public `response` getter (the HTTP Response of its request). openai's helpers
 * (`chat.completions.stream()`, `responses.stream()`) expose no response, so none is read there.
 */
export function helperHeadersOf(helper: unknown): HeaderSource | undefined {
  try {
    return headersOf((helper as { response?: unknown }).response);
  } catch {
    return undefined;
  }
}

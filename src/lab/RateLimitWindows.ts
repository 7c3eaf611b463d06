/** Per-minute budgets the emulator announces in its rate-limit headers. */
export interface RateLimitBudgets {
  /** Requests per minute. */
  readonly requestsPerMinute: number;
  /** Tokens (prompt and reply) per minute. */
  readonly tokensPerMinute: number;
}

/** One response's view of its window: limits, what is left after it, and when the window refills. */
export interface RateLimitState {
  readonly requestsLimit: number;
  readonly requestsRemaining: number;
  readonly tokensLimit: number;
  readonly tokensRemaining: number;
  /** Milliseconds until the window refills. */
  readonly resetMs: number;
}

/** Budgets the emulator uses when the scenario sets none (OpenAI's first usage tier, roughly). */
export const DEFAULT_RATE_LIMIT_BUDGETS: RateLimitBudgets = Object.freeze({
  requestsPerMinute: 500,
  tokensPerMinute: 200_000,
});

const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  requests: number;
  tokens: number;
}

/**
 * Fixed one-minute windows per key (route and model, as the providers count them): each
 * answered request takes one request and its tokens from the budget. The emulator only reports
 * what is left; refusing requests is the scenario's job (429 faults).
 */
export class RateLimitWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly budgets: RateLimitBudgets = DEFAULT_RATE_LIMIT_BUDGETS) {}

  /** Takes one request and `tokens` from `key`'s window at `nowMs`; returns the state after it. */
  take(key: string, tokens: number, nowMs: number): RateLimitState {
    let window = this.windows.get(key);
    if (window === undefined || nowMs - window.startedAt >= WINDOW_MS) {
      window = { startedAt: nowMs, requests: 0, tokens: 0 };
      this.windows.set(key, window);
    }
    window.requests += 1;
    window.tokens += tokens;
    const { requestsPerMinute, tokensPerMinute } = this.budgets;
    return {
      requestsLimit: requestsPerMinute,
      requestsRemaining: Math.max(0, requestsPerMinute - window.requests),
      tokensLimit: tokensPerMinute,
      tokensRemaining: Math.max(0, tokensPerMinute - window.tokens),
      resetMs: Math.max(0, window.startedAt + WINDOW_MS - nowMs),
    };
  }
}

/** A duration the way OpenAI writes its reset headers: `120ms`, `6s`, `1m30s`. */
export function openaiDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Number(((ms - minutes * 60_000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

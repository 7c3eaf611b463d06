import type { ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import type { CallObservation } from '../../src/patterns/CallObservation.js';
export { createSeededRandom as seededRandom } from '../../src/lab/seededRandom.js';

/** Shape fingerprint of a healthy chat completion. */
export const SHAPE = 'choices,id,model,usage';

/** One observation with healthy defaults; override what the test is about. */
export function observation(overrides: Partial<CallObservation> = {}): CallObservation {
  return {
    adapter: 'anthropic',
    timestamp: 0,
    ok: true,
    category: undefined,
    latencyMs: 200,
    coherence: 1,
    responseShape: SHAPE,
    status: 'healthy',
    consecutiveFailures: 0,
    ...overrides,
  };
}

/**
 * A synthetic voice: each call advances its own time by `stepMs` and keeps `consecutiveFailures` consistent,
 * so streams read like what the brain emits.
 */
export class SyntheticVoice {
  /** Epoch ms of the next observation. */
  public now: number;
  private streak = 0;

  constructor(
    public readonly adapter: string,
    startMs = 1_700_000_000_000,
    private readonly stepMs = 1_000,
  ) {
    this.now = startMs;
  }

  /** A successful call. */
  public ok(overrides: Partial<CallObservation> = {}): CallObservation {
    this.streak = 0;
    return this.next({ ok: true, category: undefined, status: 'healthy', ...overrides });
  }

  /** A failed call of the given category. */
  public fail(category: ErrorCategory, overrides: Partial<CallObservation> = {}): CallObservation {
    this.streak++;
    return this.next({
      ok: false,
      category,
      responseShape: undefined,
      status: this.streak >= 3 ? 'disconnected' : 'degraded',
      ...overrides,
    });
  }

  private next(overrides: Partial<CallObservation>): CallObservation {
    const o = observation({
      adapter: this.adapter,
      timestamp: this.now,
      consecutiveFailures: this.streak,
      ...overrides,
    });
    this.now += this.stepMs;
    return o;
  }
}

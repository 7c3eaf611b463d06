import { systemScheduler, type Scheduler } from '../clock/Scheduler.js';
import type { Clock } from '../clock/Clock.js';
import { classifyError } from '../classify/classifyError.js';
import type { Classifier } from '../classify/Classification.js';
import { CATEGORY_POLICY } from '../vocabulary/ErrorCategory.js';
import type { Voice } from '../voice/Voice.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import type { BreakerOptions } from './BreakerOptions.js';
import { VoiceBreaker, type BreakerErrorFilter } from './VoiceBreaker.js';

const SEVERITY: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * A voice's breakers, one per operation (method path) and model: a failing chat model does not
 * stop embeddings or another model. At most `maxScopes` are kept (the least recently used closed
 * one makes room). The voice's circuit state is the worst of its breakers.
 */
export class ScopedBreakers {
  private readonly scopes = new Map<string, VoiceBreaker>();
  private aggregate: CircuitState = 'closed';
  /** The last breaker asked for, and its path and model: consecutive calls of one operation skip the key. */
  private lastPath = '';
  private lastModel: string | undefined;
  private last: VoiceBreaker | undefined;

  /**
   * The breakers every wrap of a voice shares (the first wrap's thresholds). Built from plain
   * values: the voice keeps these closures, which must not hold a wrap's parts (and through them
   * its adapter) alive.
   */
  static forVoice(parts: {
    readonly name: string;
    readonly voice: Pick<Voice, 'circuitChanged' | 'capReached'>;
    readonly breaker: BreakerOptions;
    readonly classifiers: readonly Classifier[];
    readonly maxBreakers: number;
    readonly scheduler: Scheduler;
    readonly clock: Clock;
  }): ScopedBreakers {
    const { classifiers, name, voice, maxBreakers } = parts;
    return new ScopedBreakers(
      parts.breaker,
      (err) => CATEGORY_POLICY[classifyError(err, { adapter: name, classifiers }).category].countsForBreaker,
      maxBreakers,
      (to) => voice.circuitChanged(to),
      () =>
        voice.capReached(
          'breakers',
          maxBreakers,
          {},
          'the least recently used closed breaker is dropped to make room',
        ),
      parts.scheduler,
      parts.clock,
    );
  }

  constructor(
    private readonly options: BreakerOptions,
    private readonly countsAgainst: BreakerErrorFilter,
    private readonly maxScopes: number,
    private readonly changed: (to: CircuitState) => void,
    /** Called when a breaker is dropped to make room (the cap was reached). */
    private readonly evicted?: () => void,
    /** The timers of the breakers (isolation after rejected credentials). */
    private readonly scheduler: Scheduler = systemScheduler,
    /** The breakers' rolling-window time. */
    private readonly clock: Clock = Date.now,
  ) {}

  /** The breaker of an operation (and model). */
  of(path: string, model: string | undefined): VoiceBreaker {
    // Compared apart, not as one key: building `path\0model` per call costs a string each time.
    if (path === this.lastPath && model === this.lastModel && this.last !== undefined) return this.last;
    const key = model === undefined ? path : `${path}\u0000${model}`;
    let breaker = this.scopes.get(key);
    if (breaker === undefined) {
      if (this.scopes.size >= this.maxScopes) this.evict();
      breaker = new VoiceBreaker(this.options, this.countsAgainst, this.scheduler, this.clock);
      breaker.onTransition(() => this.recompute());
      this.scopes.set(key, breaker);
    } else {
      // Least recently used order: re-insert on use.
      this.scopes.delete(key);
      this.scopes.set(key, breaker);
    }
    this.lastPath = path;
    this.lastModel = model;
    this.last = breaker;
    return breaker;
  }

  /** The existing breaker of an operation (and model), if any (never creates one). */
  peek(path: string, model: string | undefined): VoiceBreaker | undefined {
    return this.scopes.get(model === undefined ? path : `${path}\u0000${model}`);
  }

  /** Whether a call of `path` (and model) may start now. */
  allows(path: string, model: string | undefined): boolean {
    return this.peek(path, model)?.allows() ?? true;
  }

  /** The voice's circuit state: the worst of its breakers. */
  get state(): CircuitState {
    return this.aggregate;
  }

  /** Number of breakers held. */
  get size(): number {
    return this.scopes.size;
  }

  /** Opens every breaker of the voice at once (credentials rejected for the whole client). */
  tripAll(): void {
    for (const breaker of this.scopes.values()) breaker.trip();
  }

  private evict(): void {
    this.evicted?.();
    for (const [key, breaker] of this.scopes) {
      if (breaker.state !== 'closed') continue;
      this.scopes.delete(key);
      if (this.last === breaker) this.last = undefined;
      return;
    }
    // Every breaker is open: drop the oldest anyway (bounded beats exact).
    const oldest = this.scopes.keys().next().value;
    if (oldest !== undefined) this.scopes.delete(oldest);
    this.last = undefined;
  }

  private recompute(): void {
    let worst: CircuitState = 'closed';
    for (const breaker of this.scopes.values()) {
      const s = breaker.state;
      if (SEVERITY[s] > SEVERITY[worst]) worst = s;
    }
    if (worst === this.aggregate) return;
    this.aggregate = worst;
    this.changed(worst);
  }
}

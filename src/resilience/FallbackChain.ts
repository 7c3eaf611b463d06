import { AsyncLocalStorage } from 'node:async_hooks';
import type { Classification } from '../classify/Classification.js';
import { CATEGORY_POLICY, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { Clock } from '../clock/Clock.js';
import type { Voice } from '../voice/Voice.js';
import { failureOf, recordFailure } from '../errors/failureOf.js';
import { VoiceSilencedError } from '../errors/VoiceSilencedError.js';
import type { MethodState } from './MethodState.js';

/** A fallback adapter as the pipeline sees it. */
export interface FallbackTarget {
  /** Voice name (metric label `target`). */
  readonly name: string;
  /** Resolves `path` on the fallback adapter to a bound function, or undefined if it has none. */
  resolve(path: string): ((...args: unknown[]) => unknown) | undefined;
  /** False while the fallback's own breaker for `path` is open (it is skipped then). */
  allows(path: string): boolean;
  /** The fallback is a wrapped adapter (it records its own usage). */
  readonly wrapped?: boolean;
}

/** Context handed to a `fallbackValue` function. */
export interface FallbackValueContext {
  /** The voice the caller called. */
  readonly adapter: string;
  /** The method path the caller called. */
  readonly method: string;
  /** The caller's arguments. */
  readonly args: readonly unknown[];
  /** The category of the failure being served. */
  readonly category: ErrorCategory;
  /** The error being served (the last attempt's). */
  readonly error: unknown;
}

/** Where a fallback's own answer is kept for callers that asked for the rich object (APIPromise). */
export interface ServedHolder {
  /** What the fallback adapter's method returned, before awaiting. */
  raw?: unknown;
}

/** Voices on the current call's fallback path (a voice falling back to one already on it is skipped). */
const fallbackPath = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * The last rungs of a call after the primary gave up: the last good value (healing's defensive
 * values), fallback adapters in order (skipping open breakers and voices already on this call's
 * fallback path), then `fallbackValue`. When nothing serves the call, the caller gets the error
 * the adapter threw, its classification readable through `failureOf`.
 */
export class FallbackChain {
  private cycleLogged = false;

  constructor(
    private readonly name: string,
    private readonly voice: Voice,
    private readonly targets: readonly FallbackTarget[],
    private readonly fallbackValue: { readonly value: unknown } | undefined,
    private readonly clock: Clock,
    private readonly defensiveValues: () => boolean,
  ) {}

  /** Whether a fallback adapter could serve `path` after a failure of this category now. */
  usable(category: ErrorCategory, path: string): boolean {
    if (!CATEGORY_POLICY[category].fallback) return false;
    const onPath = fallbackPath.getStore();
    return this.targets.some((fb) => fb.allows(path) && onPath?.has(fb.name) !== true);
  }

  /** Whether any fallback adapter's breaker lets calls through (for healing). */
  any(): boolean {
    return this.targets.some((fb) => fb.allows(''));
  }

  /** Serves a failed call, or throws what the caller must see. */
  async serve(
    state: MethodState,
    args: unknown[],
    classification: Classification,
    error: unknown,
    attempts: number,
    start: number,
    served?: ServedHolder,
  ): Promise<unknown> {
    const voice = this.voice;
    const category = classification.category;
    // What the caller sees when nothing serves the call: the adapter's own thrown value (even
    // `undefined` or `null`), or the error the pipeline created (an open circuit, a local rate limit).
    const cause = error;
    const fallbackErrors: unknown[] = [];
    if (
      this.defensiveValues() &&
      state.defensiveOk &&
      state.lastGood !== undefined &&
      (category === 'api_return_none' || category === 'invalid_response')
    ) {
      voice.fellBack(state.cells, state.path, 'value', 'last_good', category);
      this.ended(state, 'fallback', start);
      return state.lastGood;
    }
    if (CATEGORY_POLICY[category].fallback) {
      const onPath = fallbackPath.getStore();
      for (const fallback of this.targets) {
        if (!fallback.allows(state.path)) continue;
        if (onPath?.has(fallback.name) === true) {
          this.cycle(fallback.name, state.path);
          continue;
        }
        const fn = fallback.resolve(state.path);
        if (fn === undefined) continue;
        try {
          const path = new Set(onPath);
          path.add(this.name);
          const raw = fallbackPath.run(path, () => fn(...args));
          const value = await raw;
          if (served !== undefined) served.raw = raw;
          voice.fellBack(state.cells, state.path, 'adapter', fallback.name, category, value);
          if (fallback.wrapped !== true)
            voice.usage.fallback(state.path, fallback.name, value, this.clock() - start);
          this.ended(state, 'fallback', start);
          return value;
        } catch (err) {
          fallbackErrors.push(err);
          attempts += failureOf(err)?.attempts ?? 1;
        }
      }
      const fallbackValue = this.fallbackValue;
      if (fallbackValue !== undefined) {
        const v = fallbackValue.value;
        let value: unknown;
        try {
          value =
            typeof v === 'function'
              ? await (v as (ctx: FallbackValueContext) => unknown)({
                  adapter: this.name,
                  method: state.path,
                  args,
                  category,
                  error: cause,
                })
              : v;
        } catch (thrown) {
          // The user's fallbackValue function failed: the package's own error, the call counted.
          this.ended(state, 'failure', start);
          const silenced = new VoiceSilencedError({
            category,
            adapter: this.name,
            method: state.path,
            attempts,
            cause: thrown,
          });
          recordFailure(silenced, {
            category,
            adapter: this.name,
            method: state.path,
            attempts,
            fallbackErrors,
          });
          throw silenced;
        }
        voice.fellBack(state.cells, state.path, 'value', 'value', category);
        this.ended(state, 'fallback', start);
        return value;
      }
    }
    this.ended(state, category === 'circuit_open' ? 'rejected' : 'failure', start);
    recordFailure(cause, { category, adapter: this.name, method: state.path, attempts, fallbackErrors });
    throw cause;
  }

  /** Predictive routing: the fallbacks first; undefined (not served) when every fallback failed. */
  async route(
    state: MethodState,
    args: unknown[],
    start: number,
    served?: ServedHolder,
  ): Promise<{ value: unknown } | undefined> {
    for (const fallback of this.targets) {
      if (!fallback.allows(state.path)) continue;
      const fn = fallback.resolve(state.path);
      if (fn === undefined) continue;
      try {
        const raw = fn(...args);
        const value = await raw;
        if (served !== undefined) served.raw = raw;
        this.voice.fellBack(state.cells, state.path, 'adapter', fallback.name, 'predicted failure', value);
        this.ended(state, 'fallback', start);
        return { value };
      } catch {
        // Try the next fallback, then the primary itself.
      }
    }
    return undefined;
  }

  private ended(
    state: MethodState,
    outcome: 'success' | 'failure' | 'fallback' | 'rejected',
    start: number,
  ): void {
    this.voice.callEnded(state.cells, outcome, (this.clock() - start) / 1000);
  }

  private cycle(target: string, path: string): void {
    this.voice.skippedCycle?.(target, path, !this.cycleLogged);
    this.cycleLogged = true;
  }
}

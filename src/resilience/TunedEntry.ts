import type { Clock, Sleep } from '../clock/Clock.js';
import { RateLimitedLocallyError } from '../errors/RateLimitedLocallyError.js';
import type { VoiceTuning } from '../voice/VoiceTuning.js';
import type { CallServices, CallWait } from './CallServices.js';
import type { ConcurrencyLimit } from './ConcurrencyLimit.js';
import type { FallbackChain, ServedHolder } from './FallbackChain.js';
import type { HeldCalls } from './HeldCalls.js';
import type { MethodState } from './MethodState.js';
import type { RetryPolicy } from './RetryPolicy.js';
import { carry, findSignal } from './resultShapes.js';
import type { CooldownGate } from '../voice/CooldownGate.js';

/** What the knob-driven entry needs of its pipeline. */
export interface EntryHost extends CallServices {
  /** The call path without healing knobs (breaker gate, cool-down, attempts); `wait`: what the call waited first. */
  invokeDirect(owner: object, state: MethodState, args: unknown[], wait?: CallWait): unknown;
}

/**
 * The entries of the call path that healing knobs and cool-downs open: routing around the voice
 * (its fallbacks first, a probe share to the voice), the concurrency limit (wait for a slot, or a
 * fallback while rate limited), and waiting out a provider's Retry-After.
 */
export class TunedEntry {
  constructor(
    private readonly host: EntryHost,
    private readonly held: HeldCalls,
    private readonly tuning: VoiceTuning,
    private readonly limit: ConcurrencyLimit,
    private readonly chain: FallbackChain,
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly sleep: Sleep,
  ) {}

  /** The call path while healing knobs are set: routing, concurrency limit. */
  invoke(owner: object, state: MethodState, args: unknown[]): unknown {
    const tuning = this.tuning;
    const now = this.clock();
    if (
      tuning.routeToFallbackUntil > now &&
      this.random() >= tuning.probeShare &&
      this.chain.usable('unknown', state.path)
    ) {
      const holder: ServedHolder = {};
      return this.held.asResult(state, args, this.routeAround(owner, state, args, now, holder), now, holder);
    }
    if (!this.limit.full()) return this.host.invokeDirect(owner, state, args);
    return this.limited(owner, state, args, { since: now, cooled: false });
  }

  /**
   * A call the concurrency limit holds back (it is full): the fallbacks while rate limited or when too many
   * wait, else a wait for a slot. `wait`: when the call started, and whether it already waited out a cool-down.
   */
  private limited(owner: object, state: MethodState, args: unknown[], wait: CallWait): unknown {
    const limit = this.tuning.maxConcurrent;
    const now = wait.since;
    if (this.limit.crowded || this.chain.usable('rate_limited', state.path)) {
      const detail = `${limit} call(s) in flight while rate limited, and ${this.limit.queued} waiting`;
      const error = new RateLimitedLocallyError(this.host.name, state.path, detail);
      return this.held.servedByFallback(state, args, error, 0, now);
    }
    const signal = findSignal(args);
    const served = this.limit.acquire(signal).then((got) => {
      if (!got) {
        state.cells.error('aborted');
        throw (
          signal?.reason ?? new Error(`${this.host.name}.${state.path}: aborted while waiting for a slot`)
        );
      }
      this.limit.started();
      try {
        return carry(this.host.invokeDirect(owner, state, args, wait));
      } finally {
        // The call may have ended without holding a slot (open breaker, fallback): pass it on.
        this.limit.pump();
      }
    });
    return this.held.asResult(state, args, served, now);
  }

  /**
   * A call arriving before the provider's Retry-After has passed (sending it now would only be
   * refused again): a usable fallback serves it when the cool-down has more than
   * `maxWaitWithFallbackMs` left; otherwise it waits for the end of the cool-down (at most the
   * longest backoff delay), then calls the voice — with shared state, through the voice's
   * `cooldownGate`: one waiting call probes, the others follow its outcome. `now`: when it arrived here;
   * `since`: when the caller's call started (its latency counts from there; earlier when it waited before).
   */
  whileCooling(
    owner: object,
    state: MethodState,
    args: unknown[],
    now: number,
    model: string | undefined,
    since: number = now,
  ): unknown {
    const waitMs = this.policy.cooledUntil(model) - now;
    if (
      waitMs > this.policy.schedule.maxWaitWithFallbackMs &&
      this.chain.usable('rate_limited', state.path)
    ) {
      const detail = `the provider asked for ${Math.ceil(waitMs)} ms without calls (Retry-After)`;
      const error = new RateLimitedLocallyError(this.host.name, state.path, detail);
      return this.held.servedByFallback(state, args, error, 0, since);
    }
    const signal = findSignal(args);
    const served = this.sleep(Math.min(waitMs, this.policy.schedule.maxWaitMs), signal).then((awake) => {
      if (!awake) {
        state.cells.error('aborted');
        throw (
          signal?.reason ??
          new Error(`${this.host.name}.${state.path}: aborted during the rate-limit cool-down`)
        );
      }
      const go = (): unknown => {
        // With a fallback, a cool-down that began meanwhile (another 429, here or elsewhere) is honoured.
        const renewed =
          this.policy.cooledUntil(model) > now + waitMs && this.chain.usable('rate_limited', state.path);
        // The caller waited all along: its latency counts from its start, and the wait in its retry waits.
        const waited: CallWait = { since, cooled: !renewed };
        // Calls that waited out the cool-down together pass the concurrency limit as new calls do (issue 15).
        // A rich result (an SDK's APIPromise) is carried unadopted: its body is read only if the caller asks.
        if (!renewed && this.tuning.active && this.limit.full()) {
          return carry(this.limited(owner, state, args, waited));
        }
        return carry(this.host.invokeDirect(owner, state, args, waited));
      };
      // With shared state, one waiting call probes first; the others go after its outcome.
      const gate = this.host.voice.cooldownGate;
      return gate === undefined
        ? go()
        : gate.pass(this.host.name, model, go, signal, () => state.cells.error('aborted'));
    });
    return this.held.asResult(state, args, served, since);
  }

  /**
   * A call arriving after a cool-down ended while its probe is out (shared state): held until the
   * probe settles (at most the gate's hold from the probe's start), then on the usual path — a
   * cool-down the probe renewed is honoured (the fallback, or a wait). Its AbortSignal rejects it at once.
   */
  behindProbe(
    owner: object,
    state: MethodState,
    args: unknown[],
    start: number,
    model: string | undefined,
    gate: CooldownGate,
  ): unknown {
    const served = gate.hold(
      this.host.name,
      model,
      () => carry(this.host.invokeDirect(owner, state, args, { since: start, cooled: false })),
      findSignal(args),
      () => state.cells.error('aborted'),
    );
    return this.held.asResult(state, args, Promise.resolve(served), start);
  }

  /** Predictive routing: the fallbacks first; the primary only if every fallback fails. */
  private async routeAround(
    owner: object,
    state: MethodState,
    args: unknown[],
    start: number,
    holder: ServedHolder,
  ): Promise<unknown> {
    const routed = await this.chain.route(state, args, start, holder);
    return routed !== undefined
      ? routed.value
      : carry(this.host.invokeDirect(owner, state, args, { since: start, cooled: false }));
  }
}

import type { VoiceTuning } from '../voice/VoiceTuning.js';

/** How long one prediction above the threshold keeps routing on (renewed by every later one). */
export const PREDICTIVE_ROUTE_HOLD_MS = 2_000;
/** Share of calls routed at the threshold itself, as a part of the most that may be routed. */
const ROUTED_AT_THRESHOLD = 0.5;

/** Options of {@link PredictiveRouting}. */
export interface PredictiveRoutingOptions {
  /** Predicted failure probability from which calls are routed. */
  readonly threshold: number;
  /** Share of calls still sent to the voice at the highest probability (its probes); the configured one. */
  readonly probeShare: number;
  /** How long one prediction keeps routing on. Default 2 s. */
  readonly holdMs?: number;
}

/** What predictive routing set on one voice's tuning. */
interface RouteState {
  until: number;
}

/**
 * Predictive routing (docs/architecture.md, Patterns, prediction, healing): while a voice's predicted failure probability is at or above the threshold, a
 * share of its calls that grows with the probability — half the routable share at the threshold, all of it at
 * p = 1 — goes to a healthy fallback before the voice is tried; the rest are probes that keep measuring the
 * voice (and keep the prediction honest). It turns the routing knob the call path already reads
 * (`routeToFallbackUntil` / `probeShare`) for a short hold renewed by each prediction, so routing ends by itself
 * soon after the predictions fall. A route the healer set is left alone.
 */
export class PredictiveRouting {
  /** Predicted failure probability from which calls are routed. */
  readonly threshold: number;
  /** Configured probe share. */
  readonly probeShare: number;
  /** How long one prediction keeps routing on. */
  readonly holdMs: number;
  private readonly routes = new WeakMap<VoiceTuning, RouteState>();

  constructor(options: PredictiveRoutingOptions) {
    this.threshold = options.threshold;
    this.probeShare = options.probeShare;
    this.holdMs = options.holdMs ?? PREDICTIVE_ROUTE_HOLD_MS;
  }

  /** Share of calls routed to the fallback at probability `p` (0 below the threshold). */
  routedShare(p: number): number {
    if (!(p >= this.threshold)) return 0;
    const span = 1 - this.threshold;
    const over = span > 0 ? Math.min(1, (p - this.threshold) / span) : 1;
    return (1 - this.probeShare) * (ROUTED_AT_THRESHOLD + (1 - ROUTED_AT_THRESHOLD) * over);
  }

  /**
   * A new prediction `p` for the voice whose knobs are `tuning`; `canRoute`: a healthy fallback exists. Returns
   * whether its calls are routed now.
   */
  update(tuning: VoiceTuning, p: number, now: number, canRoute: boolean): boolean {
    const mine = this.routes.get(tuning);
    const held = mine !== undefined && tuning.routeToFallbackUntil === mine.until;
    if (mine !== undefined && !held) {
      // The healer took the route over (or it ended): its probe share is the configured one, not the share this
      // prediction last set (a healing route taken while predictive routing was on kept that share to its end).
      this.routes.delete(tuning);
      tuning.probeShare = this.probeShare;
    }
    const share = canRoute ? this.routedShare(p) : 0;
    if (share === 0) {
      if (held) {
        tuning.routeToFallbackUntil = 0;
        tuning.probeShare = this.probeShare;
        this.routes.delete(tuning);
        tuning.touch();
      }
      return false;
    }
    if (!held && tuning.routeToFallbackUntil > now) return true; // a healing route is on
    const until = now + this.holdMs;
    tuning.routeToFallbackUntil = until;
    tuning.probeShare = 1 - share;
    this.routes.set(tuning, { until });
    tuning.touch();
    return true;
  }
}

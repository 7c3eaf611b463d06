import { positiveOption } from '../base/positiveOption.js';

/** Default width of one time bucket of a {@link CallTally}. */
export const DEFAULT_TALLY_BUCKET_MS = 250;
/** Default time a {@link CallTally} covers (older buckets are overwritten). */
export const DEFAULT_TALLY_SPAN_MS = 120_000;
/** Successful attempt latencies kept for the latency quantile of the last window. */
const LATENCY_RING = 512;

/** How a caller call ended, as the tally sees it. */
export type TalliedOutcome = 'success' | 'fallback' | 'failure';

/** What calls of one voice saw over a time window: the quantities healing actions are meant to move. */
export interface CallWindow {
  /** First and last bucket start covered (epoch ms). */
  readonly from: number;
  readonly to: number;
  /** Caller calls started in the window (routed ones included). */
  readonly calls: number;
  /** Calls that ended in an error for the caller. */
  readonly failures: number;
  /** Calls a fallback (adapter or value) answered, routed ones included. */
  readonly fallbacks: number;
  /** Sum of caller latencies (ms). */
  readonly latencySumMs: number;
  /** Sum of squared caller latencies (ms²), for their variance. */
  readonly latencySquaresMs2: number;
  /** Upstream attempts made to this voice. */
  readonly attempts: number;
  /** Of which failed. */
  readonly failedAttempts: number;
  /** Of which answered 429 / rate limited. */
  readonly rateLimited: number;
  /** Calls sent to a fallback before trying this voice (predictive or healing route). */
  readonly routed: number;
  /** Sum of the routed calls' latencies (ms), and of their squares (ms²). */
  readonly routedLatencySumMs: number;
  readonly routedLatencySquaresMs2: number;
  /** Calls started while a route was on that still went to this voice (the untouched path). */
  readonly probes: number;
  readonly probeFailures: number;
  readonly probeLatencySumMs: number;
  readonly probeLatencySquaresMs2: number;
}

/** A window with no calls. */
export const EMPTY_WINDOW: CallWindow = Object.freeze({
  from: 0,
  to: 0,
  calls: 0,
  failures: 0,
  fallbacks: 0,
  latencySumMs: 0,
  latencySquaresMs2: 0,
  attempts: 0,
  failedAttempts: 0,
  rateLimited: 0,
  routed: 0,
  routedLatencySumMs: 0,
  routedLatencySquaresMs2: 0,
  probes: 0,
  probeFailures: 0,
  probeLatencySumMs: 0,
  probeLatencySquaresMs2: 0,
});

const FIELDS = 15;
const CALLS = 0;
const FAILURES = 1;
const LATENCY = 2;
const ATTEMPTS = 3;
const RATE_LIMITED = 4;
const ROUTED = 5;
const PROBES = 6;
const PROBE_FAILURES = 7;
const PROBE_LATENCY = 8;
const FALLBACKS = 9;
const LATENCY_SQ = 10;
const PROBE_LATENCY_SQ = 11;
const FAILED_ATTEMPTS = 12;
const ROUTED_LATENCY = 13;
const ROUTED_LATENCY_SQ = 14;

/** Options of a {@link CallTally}. */
export interface CallTallyOptions {
  /** Width of one bucket (ms). Default 250. */
  readonly bucketMs?: number;
  /** Time covered (ms); windows reaching further back are cut. Default 120 s. */
  readonly spanMs?: number;
}

/**
 * What the callers of one voice saw, in fixed time buckets (calls and attempts by their start):
 * caller-visible failures, caller latency, upstream attempts, 429s, routed calls and probes. Healing verdicts
 * compare windows of it. Fixed memory; O(1) per record; a window query is O(buckets).
 */
export class CallTally {
  /** Width of one bucket (ms). */
  readonly bucketMs: number;
  private readonly buckets: number;
  private readonly data: Float64Array;
  /** Bucket index (time / bucketMs) each slot holds, or -1. */
  private readonly slotOf: Float64Array;
  private readonly latencies = new Float64Array(LATENCY_RING);
  private readonly latencyAt = new Float64Array(LATENCY_RING);
  private latencyCount = 0;
  /** The bucket slot() answered last: its time range [lastFrom, lastTo) and its offset in `data`. */
  private lastFrom = Number.POSITIVE_INFINITY;
  private lastTo = Number.NEGATIVE_INFINITY;
  private lastBase = 0;

  /** Creates an empty tally; throws a RangeError on an invalid option. */
  constructor(options: CallTallyOptions = {}) {
    this.bucketMs = positiveOption('CallTally bucketMs', options.bucketMs, DEFAULT_TALLY_BUCKET_MS, false);
    const span = positiveOption('CallTally spanMs', options.spanMs, DEFAULT_TALLY_SPAN_MS, false);
    this.buckets = Math.max(2, Math.ceil(span / this.bucketMs) + 1);
    this.data = new Float64Array(this.buckets * FIELDS);
    this.slotOf = new Float64Array(this.buckets).fill(-1);
  }

  /** A caller call ended: it started `latencyMs` before `endedAt`; `routed` / `probe` as in {@link CallWindow}. */
  callEnded(
    endedAt: number,
    latencyMs: number,
    outcome: TalliedOutcome,
    routed: boolean,
    probe: boolean,
  ): void {
    const base = this.slot(endedAt - latencyMs);
    if (base < 0) return;
    const d = this.data;
    d[base + CALLS]! += 1;
    d[base + LATENCY]! += latencyMs;
    d[base + LATENCY_SQ]! += latencyMs * latencyMs;
    const failed = outcome === 'failure';
    if (failed) d[base + FAILURES]! += 1;
    else if (outcome === 'fallback') d[base + FALLBACKS]! += 1;
    if (routed) {
      d[base + ROUTED]! += 1;
      d[base + ROUTED_LATENCY]! += latencyMs;
      d[base + ROUTED_LATENCY_SQ]! += latencyMs * latencyMs;
    }
    if (probe) {
      d[base + PROBES]! += 1;
      d[base + PROBE_LATENCY]! += latencyMs;
      d[base + PROBE_LATENCY_SQ]! += latencyMs * latencyMs;
      if (failed) d[base + PROBE_FAILURES]! += 1;
    }
  }

  /**
   * An upstream attempt of `latencyMs` ended at `at` (counted at its start, so that an action is not charged with
   * the attempts of calls begun before it); a successful one's latency feeds
   * {@link CallTally.successLatencyQuantile}.
   */
  attempt(at: number, ok: boolean, rateLimited: boolean, latencyMs: number): void {
    const base = this.slot(Number.isFinite(latencyMs) && latencyMs > 0 ? at - latencyMs : at);
    if (base >= 0) {
      this.data[base + ATTEMPTS]! += 1;
      if (rateLimited) this.data[base + RATE_LIMITED]! += 1;
      if (!ok) this.data[base + FAILED_ATTEMPTS]! += 1;
    }
    if (ok && Number.isFinite(latencyMs) && latencyMs >= 0) {
      const i = this.latencyCount++ % LATENCY_RING;
      this.latencies[i] = latencyMs;
      this.latencyAt[i] = at;
    }
  }

  /** Sums the buckets that start in [from, to) (a bucket begun before `from` may hold earlier calls: left out). */
  window(from: number, to: number): CallWindow {
    const sums = new Float64Array(FIELDS);
    const first = Math.ceil(from / this.bucketMs);
    const last = Math.ceil(to / this.bucketMs) - 1;
    for (let index = Math.max(first, last - this.buckets + 1); index <= last; index++) {
      this.addBucket(index, sums);
    }
    return windowOf(sums, first * this.bucketMs, (last + 1) * this.bucketMs);
  }

  /**
   * The voice's recent history before `to` at the fault of the moment: the latest buckets (going back at most
   * `maxMs`) until `maxCalls` calls, stopping early at two clean buckets in a row (calls, no failed attempt, no
   * failed or fallen-back call) once a troubled one was seen — the calls from before the fault began would make it
   * look milder than it is. A voice with no trouble at all (a latency drift) gets its latest `maxCalls` calls.
   * `unrouted`: only calls made while no route was on (neither routed nor probes) count towards `maxCalls`.
   */
  before(to: number, maxCalls: number, maxMs: number, unrouted = false): CallWindow {
    const sums = new Float64Array(FIELDS);
    const last = Math.ceil(to / this.bucketMs) - 1;
    const first = Math.max(Math.floor((to - maxMs) / this.bucketMs), last - this.buckets + 1);
    const bucket = new Float64Array(FIELDS);
    const previous = new Float64Array(FIELDS);
    let troubled = false;
    let clean = 0;
    let from = last + 1;
    let fromBeforePrevious = from;
    const counted = (): number => (unrouted ? sums[CALLS]! - sums[ROUTED]! - sums[PROBES]! : sums[CALLS]!);
    for (let index = last; index >= first && counted() < maxCalls; index--) {
      bucket.fill(0);
      this.addBucket(index, bucket);
      if (bucket[CALLS]! === 0 && bucket[ATTEMPTS]! === 0) continue;
      const trouble = bucket[FAILED_ATTEMPTS]! + bucket[FAILURES]! + bucket[FALLBACKS]! > 0;
      if (trouble) {
        troubled = true;
        clean = 0;
      } else if (troubled && ++clean >= 2) {
        // Drop the clean bucket counted just before this one: both predate the fault.
        for (let f = 0; f < FIELDS; f++) sums[f]! -= previous[f]!;
        from = fromBeforePrevious;
        break;
      }
      for (let f = 0; f < FIELDS; f++) sums[f]! += bucket[f]!;
      previous.set(bucket);
      fromBeforePrevious = from;
      from = index;
    }
    return windowOf(sums, from * this.bucketMs, (last + 1) * this.bucketMs);
  }

  /**
   * The earliest buckets starting in [from, to) with at least `minCalls` calls: the first calls under an action,
   * before anything else had time to change.
   */
  after(from: number, to: number, minCalls: number): CallWindow {
    const sums = new Float64Array(FIELDS);
    const first = Math.ceil(from / this.bucketMs);
    const last = Math.ceil(to / this.bucketMs) - 1;
    let index = Math.max(first, last - this.buckets + 1);
    for (; index <= last && sums[CALLS]! < minCalls; index++) this.addBucket(index, sums);
    return windowOf(sums, first * this.bucketMs, index * this.bucketMs);
  }

  /**
   * The q-quantile of successful attempt latencies that ended in [since, now] (the latest 512 at most), or
   * undefined when there are fewer than `minSamples`.
   */
  successLatencyQuantile(q: number, since: number, minSamples = 5): number | undefined {
    const n = Math.min(this.latencyCount, LATENCY_RING);
    const kept: number[] = [];
    for (let i = 0; i < n; i++) if (this.latencyAt[i]! >= since) kept.push(this.latencies[i]!);
    if (kept.length < minSamples) return undefined;
    kept.sort((a, b) => a - b);
    return kept[Math.min(kept.length - 1, Math.max(0, Math.ceil(q * kept.length) - 1))];
  }

  private addBucket(index: number, sums: Float64Array): void {
    const slot = index % this.buckets;
    if (this.slotOf[slot] !== index) return;
    const base = slot * FIELDS;
    for (let f = 0; f < FIELDS; f++) sums[f]! += this.data[base + f]!;
  }

  /** Offset of the bucket holding time `at` (cleared when it held an older bucket), or -1 when `at` is too old. */
  private slot(at: number): number {
    // Nearly every record falls in the bucket of the record before: answered without the division
    // and the floating-point modulo (bucket indices of epoch times are beyond small integers).
    if (at >= this.lastFrom && at < this.lastTo) return this.lastBase;
    if (!Number.isFinite(at)) return -1;
    const index = Math.floor(at / this.bucketMs);
    const slot = index % this.buckets;
    const held = this.slotOf[slot]!;
    if (held > index) return -1;
    if (held !== index) {
      this.slotOf[slot] = index;
      this.data.fill(0, slot * FIELDS, slot * FIELDS + FIELDS);
    }
    // Only slot() reuses a slot, and it moves this cache along when it does.
    this.lastFrom = index * this.bucketMs;
    this.lastTo = this.lastFrom + this.bucketMs;
    this.lastBase = slot * FIELDS;
    return this.lastBase;
  }
}

function windowOf(s: Float64Array, from: number, to: number): CallWindow {
  return {
    from,
    to,
    calls: s[CALLS]!,
    failures: s[FAILURES]!,
    fallbacks: s[FALLBACKS]!,
    latencySumMs: s[LATENCY]!,
    latencySquaresMs2: s[LATENCY_SQ]!,
    attempts: s[ATTEMPTS]!,
    failedAttempts: s[FAILED_ATTEMPTS]!,
    rateLimited: s[RATE_LIMITED]!,
    routed: s[ROUTED]!,
    routedLatencySumMs: s[ROUTED_LATENCY]!,
    routedLatencySquaresMs2: s[ROUTED_LATENCY_SQ]!,
    probes: s[PROBES]!,
    probeFailures: s[PROBE_FAILURES]!,
    probeLatencySumMs: s[PROBE_LATENCY]!,
    probeLatencySquaresMs2: s[PROBE_LATENCY_SQ]!,
  };
}

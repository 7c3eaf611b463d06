/**
 * Seeded fault traces and a prequential replay for the failure predictor: shared by the
 * prediction bench (test/bench/prediction.ts) and the learning tests in this folder.
 *
 * Each trace is a timeline of healthy and faulty segments and an upstream that answers every call
 * with a success or a classified failure after some latency. Two variants exist:
 *
 * - `realistic` (the default, and what the bench's targets are judged on): faults are as
 *   autocorrelated as providers make them. A host that is down refuses every connection; a latency
 *   ramp times a call out exactly when its latency passes the client's timeout; a 429 carries
 *   Retry-After until the quota window turns. Per-call chance stays where it is real: load
 *   shedding (529), stray 500s, latency noise.
 * - `legacy`: the traces as first written, which drew every fault call by call (2% of calls got
 *   through a dead host, 10% through a flapping one, timeouts were independent of latency while
 *   successes were clamped just under the timeout, 429s carried no Retry-After). Kept so the bench
 *   can show the features help there too, and how much of the gain is the traces.
 */
import { createSeededRandom, type RandomSource } from '../../src/lab/seededRandom.js';
import { CATEGORY_POLICY, type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import type { CircuitState } from '../../src/vocabulary/CircuitState.js';
import { HealthTracker } from '../../src/health/HealthTracker.js';
import {
  FailureFeatures,
  type CallPathSignals,
  type RequestBudget,
  type VoiceStatistics,
} from '../../src/prediction/FailureFeatures.js';
import { FailurePredictor } from '../../src/prediction/FailurePredictor.js';
import { BreakerOptionsSchema, type BreakerOptions } from '../../src/resilience/BreakerOptions.js';

/** The client's own timeout in these traces (the library default is 120 s; LLM callers often set less). */
export const CLIENT_TIMEOUT_MS = 15_000;
/** Length of every trace. */
export const TRACE_DURATION_MS = 60 * 60_000;
/** Probability at which a forecast counts as "this call will fail" (lead times, alarms, the floor's onsets). */
export const CROSSING = 0.5;
/** Our breaker's defaults (opossum's rule). */
export const BREAKER: BreakerOptions = BreakerOptionsSchema.parse({});

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** A uniform [0, 1) source. */
export type Random = RandomSource;

/** The lab's mulberry32 generator: an identical sequence for an identical seed. */
export const seededRandom: (seed: number) => Random = createSeededRandom;

const uniform = (rng: Random, lo: number, hi: number): number => lo + (hi - lo) * rng();

/** Standard normal by Box–Muller. */
function normal(rng: Random): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Log-normal latency with the given median and log-scale spread. */
const logNormal = (rng: Random, medianMs: number, sigma: number): number =>
  medianMs * Math.exp(sigma * normal(rng));

/** Upper tail of the standard normal, 1 − Φ(z) (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const half = 0.5 * poly * Math.exp(-x * x);
  return z >= 0 ? half : 1 - half;
}

// ---------------------------------------------------------------------------------------------
// Traces

/** What the upstream does with one call: a success, or a failure of some category, after latencyMs. */
export interface UpstreamResult {
  readonly category: ErrorCategory | undefined;
  readonly latencyMs: number;
  /** The chance this call had of failing, from the trace's hidden state: the oracle's forecast. */
  readonly chance: number;
  /** The Retry-After a 429 carried, in ms, as the classifier reads it. */
  readonly retryAfterMs?: number;
  /** The request budget the response's rate-limit headers carried (as counted when the call arrived). */
  readonly requestBudget?: RequestBudget;
}

/** A fault period of a trace: when it started and when the upstream was healthy again. */
export interface Episode {
  readonly onsetMs: number;
  readonly endMs: number;
}

/** A fault trace: when calls arrive and how the upstream answers them, as functions of time. */
export interface Trace {
  readonly name: TraceName;
  readonly description: string;
  readonly durationMs: number;
  /** Fault periods; healthy time is everything else. */
  readonly episodes: readonly Episode[];
  /** Milliseconds until the next call starts. */
  nextGapMs(t: number): number;
  /** The upstream's answer to a call started at t (calls come in time order). */
  respond(t: number): UpstreamResult;
}

/** How faithfully the traces correlate faults (see the module comment). */
export type TraceVariant = 'realistic' | 'legacy';

/** The traces, in the bench's order. */
export const TRACE_NAMES = ['degradation', 'flapping', 'rate_limit', 'outage'] as const;

/** One trace's name. */
export type TraceName = (typeof TRACE_NAMES)[number];

/** A piece of a trace's timeline. */
interface Segment<K extends string> {
  readonly kind: K;
  readonly startMs: number;
  readonly endMs: number;
}

/** Lays out alternating segments until the duration is covered. */
function timeline<K extends string>(
  rng: Random,
  durationMs: number,
  cycle: readonly { readonly kind: K; readonly minS: number; readonly maxS: number }[],
): Segment<K>[] {
  const segments: Segment<K>[] = [];
  let t = 0;
  for (let i = 0; t < durationMs; i = (i + 1) % cycle.length) {
    const step = cycle[i]!;
    const length = Math.round(uniform(rng, step.minS, step.maxS) * 1000);
    segments.push({ kind: step.kind, startMs: t, endMs: t + length });
    t += length;
  }
  return segments;
}

/** Finds the segment holding t, for nondecreasing t. */
function segmentCursor<K extends string>(segments: readonly Segment<K>[]): (t: number) => Segment<K> {
  let index = 0;
  return (t) => {
    while (index < segments.length - 1 && segments[index]!.endMs <= t) index++;
    return segments[index]!;
  };
}

/** Episodes: each maximal run of non-healthy segments. */
function episodesOf<K extends string>(segments: readonly Segment<K>[], healthy: K): Episode[] {
  const episodes: Episode[] = [];
  let onset: number | undefined;
  for (const s of segments) {
    if (s.kind === healthy) {
      if (onset !== undefined) episodes.push({ onsetMs: onset, endMs: s.startMs });
      onset = undefined;
    } else if (onset === undefined) {
      onset = s.startMs;
    }
  }
  if (onset !== undefined) episodes.push({ onsetMs: onset, endMs: segments[segments.length - 1]!.endMs });
  return episodes;
}

/** How a failing call fails: its category and latency. */
type Failure = (rng: Random) => readonly [ErrorCategory, number];

/** A success after a log-normal latency; a call slower than the client's timeout times out instead. */
function served(rng: Random, medianMs: number, chance: number): UpstreamResult {
  const latencyMs = logNormal(rng, medianMs, LATENCY_SIGMA);
  return latencyMs >= CLIENT_TIMEOUT_MS
    ? { category: 'timeout', latencyMs: CLIENT_TIMEOUT_MS, chance }
    : { category: undefined, latencyMs, chance };
}

/** Log-scale spread of a served call's latency (prompt and output lengths vary). */
const LATENCY_SIGMA = 0.35;

/**
 * One call's answer: it fails with probability `chance` (in the way `failure` draws), else is
 * served (a success, or a timeout if its latency passes the client's; `servedTimeoutChance` is
 * that share, folded into the oracle's chance).
 */
function answer(rng: Random, chance: number, medianMs: number, failure: Failure): UpstreamResult {
  const total = chance + (1 - chance) * timeoutChance(medianMs);
  if (rng() < chance) {
    const [category, latencyMs] = failure(rng);
    return { category, latencyMs, chance: total };
  }
  return served(rng, medianMs, total);
}

/** Chance a served call's log-normal latency around `medianMs` passes the client's timeout. */
const timeoutChance = (medianMs: number): number =>
  normalTail(Math.log(CLIENT_TIMEOUT_MS / medianMs) / LATENCY_SIGMA);

/** The odd failure of a healthy upstream: a 500 or a 529. */
const stray: Failure = (rng) =>
  rng() < 0.6 ? ['server_error', logNormal(rng, 400, 0.4)] : ['overloaded', logNormal(rng, 250, 0.4)];

/** A healthy upstream: 1% stray failures, latency around `medianMs`. */
const healthyAnswer = (rng: Random, medianMs: number): UpstreamResult => answer(rng, 0.01, medianMs, stray);

/** The legacy traces' answer: independent failures, successes clamped under the timeout. */
function legacyAnswer(rng: Random, chance: number, medianMs: number, failure: Failure): UpstreamResult {
  if (rng() < chance) {
    const [category, latencyMs] = failure(rng);
    return { category, latencyMs, chance };
  }
  return {
    category: undefined,
    latencyMs: Math.min(logNormal(rng, medianMs, LATENCY_SIGMA), CLIENT_TIMEOUT_MS - 1),
    chance,
  };
}

const openLoopGap = (rng: Random) => (): number => uniform(rng, 200, 1000);

/**
 * Degradation ramp: long healthy stretches, then over 1.5–3 min the upstream's load level d goes
 * from 0 to 1, holds for 1–2 min, then recovers over 20–40 s. Realistic: queueing pushes the
 * median latency from 0.7 s to 21 s, so calls time out when their own latency passes the client's
 * 15 s timeout (a deterministic function of the latency draw); independently the upstream sheds
 * load (529, chance 0.4·d²) and throws the odd 500 (1% + 5%·d). Legacy: median 0.7 → 8.5 s and
 * every failure (529, 500, or a timeout unrelated to latency) drawn with chance 1% + 85%·d².
 */
function degradationTrace(rng: Random, variant: TraceVariant): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'healthy', minS: 240, maxS: 420 },
    { kind: 'ramp', minS: 90, maxS: 180 },
    { kind: 'hold', minS: 60, maxS: 120 },
    { kind: 'recover', minS: 20, maxS: 40 },
  ]);
  const at = segmentCursor(segments);
  const level = (t: number): number => {
    const s = at(t);
    const progress = (t - s.startMs) / (s.endMs - s.startMs);
    return s.kind === 'ramp' ? progress : s.kind === 'hold' ? 1 : s.kind === 'recover' ? 1 - progress : 0;
  };
  const legacyOverload =
    (medianMs: number): Failure =>
    (r) => {
      const x = r();
      if (x < 0.5) return ['overloaded', logNormal(r, 300, 0.4)];
      if (x < 0.75) return ['server_error', logNormal(r, medianMs * 0.7, 0.35)];
      return ['timeout', CLIENT_TIMEOUT_MS];
    };
  const realistic = variant === 'realistic';
  return {
    name: 'degradation',
    description: realistic
      ? 'load ramps: latency 0.7 s -> 21 s (timeouts past 15 s), 529 shedding to 40%, 500s to 6%'
      : 'latency ramps 0.7 s -> 8.5 s, 529s/500s/timeouts drawn per call grow to 86%',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'healthy'),
    nextGapMs: openLoopGap(rng),
    respond(t) {
      const d = level(t);
      if (d === 0) return realistic ? healthyAnswer(rng, 700) : legacyAnswer(rng, 0.01, 700, stray);
      if (!realistic) {
        const medianMs = 700 * Math.exp(2.5 * d);
        return legacyAnswer(rng, 0.01 + 0.85 * d * d, medianMs, legacyOverload(medianMs));
      }
      const medianMs = 700 * Math.exp(3.4 * d);
      const shed = 0.4 * d * d;
      const broken = 0.01 + 0.05 * d;
      const chance = shed + (1 - shed) * broken;
      const failure: Failure = (r) =>
        r() < shed / chance
          ? ['overloaded', logNormal(r, 300, 0.4)]
          : ['server_error', logNormal(r, medianMs * 0.7, LATENCY_SIGMA)];
      return answer(rng, chance, medianMs, failure);
    },
  };
}

/**
 * Flapping: healthy for 30 s–3 min, then down for 10–60 s, again and again. Realistic: while down
 * every call fails (60% connection resets, 40% 502 from the gateway), as a crashed backend or a
 * dropped route does. Legacy: 90% of calls fail while down.
 */
function flappingTrace(rng: Random, variant: TraceVariant): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'healthy', minS: 30, maxS: 180 },
    { kind: 'failing', minS: 10, maxS: 60 },
  ]);
  const at = segmentCursor(segments);
  const flap: Failure = (r) =>
    r() < 0.6 ? ['network', logNormal(r, 40, 0.5)] : ['server_error', logNormal(r, 250, 0.4)];
  const realistic = variant === 'realistic';
  const downChance = realistic ? 1 : 0.9;
  const reply = realistic ? answer : legacyAnswer;
  return {
    name: 'flapping',
    description: realistic
      ? 'healthy 30-180 s / down 10-60 s (every call: network reset or 502) alternating'
      : 'healthy 30-180 s / failing 10-60 s (90% network resets, 502s) alternating',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'healthy'),
    nextGapMs: openLoopGap(rng),
    respond: (t) =>
      at(t).kind === 'healthy' ? reply(rng, 0.01, 900, stray) : reply(rng, downChance, 900, flap),
  };
}

/**
 * Rate-limit bursts: a quota of 75 accepted requests per clock minute. Normal demand (a call every
 * 0.7–1.5 s) stays under it; bursts of demand (a call every 120–350 ms for 20–60 s) exhaust it and
 * get 429s until the minute turns. 429s do not count for the breaker. Realistic: each 429 carries
 * `retry-after` (whole seconds until the window resets, rounded up) and each answer the requests left
 * and the reset time (`x-ratelimit-remaining-requests`, `x-ratelimit-reset-requests`), as OpenAI's and
 * Anthropic's do.
 */
function rateLimitTrace(rng: Random, variant: TraceVariant): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'normal', minS: 60, maxS: 240 },
    { kind: 'burst', minS: 20, maxS: 60 },
  ]);
  const at = segmentCursor(segments);
  const quota = 75;
  let minute = -1;
  let accepted = 0;
  const realistic = variant === 'realistic';
  return {
    name: 'rate_limit',
    description: realistic
      ? 'quota 75/min; demand bursts (120-350 ms apart) get 429s + Retry-After until the minute turns; budget headers'
      : 'quota 75/min; demand bursts (120-350 ms apart) get 429s (no Retry-After) until the minute turns',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'normal'),
    nextGapMs: (t) => (at(t).kind === 'burst' ? uniform(rng, 120, 350) : uniform(rng, 700, 1500)),
    respond(t) {
      const m = Math.floor(t / 60_000);
      if (m !== minute) {
        minute = m;
        accepted = 0;
      }
      // The budget as x-ratelimit-remaining-requests / -reset-requests report it on every response.
      const resetAt = (m + 1) * 60_000;
      if (accepted >= quota) {
        if (!realistic) return legacyAnswer(rng, 1, 800, (r) => ['rate_limited', logNormal(r, 90, 0.4)]);
        const latencyMs = logNormal(rng, 90, 0.4);
        // Retry-After is whole seconds from when the 429 is sent, rounded up.
        const retryAfterMs = Math.ceil((resetAt - (t + latencyMs)) / 1000) * 1000;
        return { category: 'rate_limited', latencyMs, chance: 1, retryAfterMs };
      }
      accepted++;
      if (!realistic) return legacyAnswer(rng, 0.01, 800, stray);
      return { ...healthyAnswer(rng, 800), requestBudget: { remaining: quota - accepted, resetAt } };
    },
  };
}

/**
 * Outage and recovery: healthy for 5–10 min, then down for 1–5 min, then 30–90 s of shaky
 * recovery (30% of calls shed with 529, slower), then healthy again. Realistic: while down every
 * call fails (75% connection refused, 25% connect timeouts). Legacy: 98% of calls fail while down.
 */
function outageTrace(rng: Random, variant: TraceVariant): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'healthy', minS: 300, maxS: 600 },
    { kind: 'outage', minS: 60, maxS: 300 },
    { kind: 'recovering', minS: 30, maxS: 90 },
  ]);
  const at = segmentCursor(segments);
  const down: Failure = (r) =>
    r() < 0.75 ? ['network', logNormal(r, 20, 0.5)] : ['timeout', CLIENT_TIMEOUT_MS];
  const shaky: Failure = (r) => ['overloaded', logNormal(r, 300, 0.4)];
  const realistic = variant === 'realistic';
  const reply = realistic ? answer : legacyAnswer;
  return {
    name: 'outage',
    description: realistic
      ? 'healthy 5-10 min / down 1-5 min (every call refused or timed out) / shaky 30-90 s (30% 529s)'
      : 'healthy 5-10 min / down 1-5 min (98% refused or timeouts) / shaky 30-90 s (30% 529s)',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'healthy'),
    nextGapMs: openLoopGap(rng),
    respond(t) {
      const kind = at(t).kind;
      if (kind === 'healthy') return reply(rng, 0.01, 800, stray);
      return kind === 'outage' ? reply(rng, realistic ? 1 : 0.98, 800, down) : reply(rng, 0.3, 1500, shaky);
    },
  };
}

const MAKERS: Readonly<Record<TraceName, (rng: Random, variant: TraceVariant) => Trace>> = {
  degradation: degradationTrace,
  flapping: flappingTrace,
  rate_limit: rateLimitTrace,
  outage: outageTrace,
};

/** A seeded trace: the same seed, name and variant give the same timeline and answers. */
export function makeTrace(name: TraceName, seed: number, variant: TraceVariant = 'realistic'): Trace {
  return MAKERS[name](seededRandom(seed), variant);
}

// ---------------------------------------------------------------------------------------------
// The breaker

/** Our breaker's rule (opossum's), driven by simulated time. */
export class SimulatedBreaker {
  /** The breaker's state now. */
  public state: CircuitState = 'closed';
  /** Times at which the breaker opened. */
  public readonly openings: number[] = [];
  private readonly bucketMs: number;
  private readonly fires: Int32Array;
  private readonly failures: Int32Array;
  private bucket = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(private readonly options: BreakerOptions) {
    this.bucketMs = options.rollingCountTimeoutMs / options.rollingCountBuckets;
    this.fires = new Int32Array(options.rollingCountBuckets);
    this.failures = new Int32Array(options.rollingCountBuckets);
  }

  /** Rotates buckets and lets the reset timer move open → half-open. */
  advance(t: number): void {
    const target = Math.floor(t / this.bucketMs);
    const n = this.fires.length;
    for (let steps = 0; this.bucket < target && steps <= n; steps++) {
      this.bucket++;
      this.fires[this.bucket % n] = 0;
      this.failures[this.bucket % n] = 0;
    }
    this.bucket = Math.max(this.bucket, target);
    if (this.state === 'open' && t >= this.openedAt + this.options.resetTimeoutMs) {
      this.state = 'half_open';
      this.trialInFlight = false;
    }
  }

  /** Whether a call starting at t may go through; counts it as fired when it may. */
  tryFire(t: number): boolean {
    this.advance(t);
    if (this.state === 'open' || (this.state === 'half_open' && this.trialInFlight)) return false;
    if (this.state === 'half_open') this.trialInFlight = true;
    this.fires[this.bucket % this.fires.length]!++;
    return true;
  }

  /** A fired call completed at t; `failure` when its category counts for the breaker. */
  complete(t: number, failure: boolean): void {
    this.advance(t);
    if (!failure) {
      if (this.state === 'half_open') this.state = 'closed';
      return;
    }
    this.failures[this.bucket % this.failures.length]!++;
    if (this.state === 'half_open') {
      this.open(t);
      return;
    }
    let fires = 0;
    let failures = 0;
    for (let i = 0; i < this.fires.length; i++) {
      fires += this.fires[i]!;
      failures += this.failures[i]!;
    }
    if (
      fires >= this.options.volumeThreshold &&
      (failures / fires) * 100 > this.options.errorThresholdPercentage
    ) {
      this.open(t);
    }
  }

  private open(t: number): void {
    if (this.state === 'open') return;
    this.state = 'open';
    this.openedAt = t;
    this.trialInFlight = false;
    this.openings.push(t);
  }
}

// ---------------------------------------------------------------------------------------------
// Replay

/** One scored call: both probabilities at its start, and whether it failed. */
export interface Scored {
  readonly startMs: number;
  readonly heuristic: number;
  readonly model: number;
  /** The trace's hidden failure chance: the best any forecaster could say. */
  readonly oracle: number;
  readonly failed: boolean;
  /** The features the model saw at its start (only with `keepFeatures`). */
  readonly features?: Float64Array;
}

/** A call in flight, with what was known when it started. */
interface InFlight {
  readonly startMs: number;
  readonly endMs: number;
  readonly features: Float64Array;
  readonly prior: number;
  readonly model: number;
  readonly result: UpstreamResult;
}

/** What one replay of a trace produced. */
export interface Replay {
  /** Scored calls in start order. */
  readonly scored: Scored[];
  /** Calls the breaker rejected (neither recorded nor scored). */
  readonly rejected: number;
  /** Times at which the breaker opened. */
  readonly openings: readonly number[];
  /** The predictor after the replay. */
  readonly predictor: FailurePredictor;
}

/** What a replay runs: a fresh predictor and extractor by default. */
export interface ReplayOptions {
  /** The model to train and score (it keeps learning during the replay). Default: untrained. */
  readonly predictor?: FailurePredictor;
  /** Makes the feature extractor, given the voice's statistics, the replay's clock and the call path's signals. */
  readonly features?: (
    statistics: VoiceStatistics,
    clock: () => number,
    signals: CallPathSignals,
  ) => FailureFeatures;
  /** Seed of the consciousness signatures in the responses. Default 1. */
  readonly seed?: number;
  /** Keep every scored call's features (for looking into what the model saw). Default false. */
  readonly keepFeatures?: boolean;
}

/** A response as a Fire Circle voice returns it, with a consciousness signature around 0.7. */
function responseWithSignature(rng: Random): unknown {
  const value = Math.min(1, Math.max(0, 0.7 + 0.08 * normal(rng)));
  return { content: { text: 'ok' }, consciousness: { consciousness_signature: value } };
}

/**
 * Replays a trace prequentially: calls arrive open-loop and may overlap. At each call's start the
 * heuristic (a real HealthTracker) and the model predict from the state as it is then; at its
 * completion the outcome is scored against both, recorded in the tracker and the features, and
 * the predictor learns from the features saved at the start. Calls the breaker rejects never reach
 * the upstream: like the real pipeline, they are neither recorded in health nor scored.
 */
export function replay(trace: Trace, options: ReplayOptions = {}): Replay {
  const rng = seededRandom(options.seed ?? 1);
  let now = 0;
  const clock = (): number => now;
  const tracker = new HealthTracker(trace.name, { clock });
  // Sorted by endMs, latest first, so the next completion pops off the end.
  const inFlight: InFlight[] = [];
  let budget: RequestBudget | undefined;
  // What the call path would tell: the calls in flight, the budget of the latest rate-limit headers.
  const signals: CallPathSignals = {
    inFlight: () => inFlight.length,
    oldestInFlightStartedAt: () => {
      let oldest: number | undefined;
      for (const call of inFlight) if (oldest === undefined || call.startMs < oldest) oldest = call.startMs;
      return oldest;
    },
    requestBudget: () => budget,
    inFlightSince: (t) => {
      let count = 0;
      for (const call of inFlight) if (call.startMs > t) count++;
      return count;
    },
  };
  const features =
    options.features?.(tracker, clock, signals) ?? new FailureFeatures(tracker, { clock, signals });
  const predictor = options.predictor ?? new FailurePredictor();
  const breaker = new SimulatedBreaker(BREAKER);
  const scored: Scored[] = [];
  let rejected = 0;

  const syncCircuit = (): void => {
    if (tracker.circuitState !== breaker.state) tracker.setCircuitState(breaker.state);
  };

  const completeUpTo = (t: number): void => {
    while (inFlight.length > 0 && inFlight[inFlight.length - 1]!.endMs <= t) {
      const call = inFlight.pop()!;
      now = call.endMs;
      const { category, latencyMs, retryAfterMs } = call.result;
      const failed = category !== undefined;
      breaker.complete(now, failed && CATEGORY_POLICY[category].countsForBreaker);
      syncCircuit();
      if (failed) tracker.recordFailure(category, latencyMs);
      else tracker.recordSuccess(latencyMs, responseWithSignature(rng));
      scored.push({
        startMs: call.startMs,
        heuristic: call.prior,
        model: call.model,
        oracle: call.result.chance,
        failed,
        ...(options.keepFeatures === true ? { features: call.features } : {}),
      });
      predictor.learn(call.features, call.prior, failed);
      // As the usage meter keeps it: the reading of the call started last (a later answer to an earlier call counted
      // fewer requests), with when that call started.
      const reading = call.result.requestBudget;
      if (reading !== undefined && !(budget?.startedAt !== undefined && budget.startedAt > call.startMs)) {
        budget = { ...reading, startedAt: call.startMs };
      }
      features.record(!failed, category, latencyMs, now, retryAfterMs);
    }
  };

  for (let t = 0; t < trace.durationMs; t += trace.nextGapMs(t)) {
    completeUpTo(t);
    now = t;
    if (!breaker.tryFire(t)) {
      rejected++;
      syncCircuit();
      continue;
    }
    syncCircuit();
    const vector = features.refresh(t);
    const prior = features.prior;
    const model = predictor.predict(vector, prior);
    const result = trace.respond(t);
    const call: InFlight = {
      startMs: t,
      endMs: t + result.latencyMs,
      features: Float64Array.from(vector),
      prior,
      model,
      result,
    };
    let i = inFlight.length;
    while (i > 0 && inFlight[i - 1]!.endMs < call.endMs) i--;
    inFlight.splice(i, 0, call);
  }
  completeUpTo(Number.POSITIVE_INFINITY);
  // Outcomes are scored in completion order; put them back in start order for the lead times.
  scored.sort((a, b) => a.startMs - b.startMs);
  return { scored, rejected, openings: breaker.openings, predictor };
}

// ---------------------------------------------------------------------------------------------
// Scores

/** Clamp of probabilities in log loss (the predictor clamps its prior the same way). */
export const LOG_LOSS_EPSILON = 1e-3;

/** Mean Brier score and log loss of the forecasts over some scored calls. */
export interface Scores {
  readonly calls: number;
  readonly failureRate: number;
  readonly brierHeuristic: number;
  readonly brierModel: number;
  readonly brierOracle: number;
  /**
   * An estimate of the best Brier score a forecaster that sees only the calls could reach: the
   * oracle's, except that a call whose hidden chance jumped past 0.5 since the previous call is
   * forecast at the previous call's chance (nothing a caller sees announces an onset: the first
   * 429 of a spent quota, the first refused connection). Recoveries are not charged, and from the
   * second call of a fault on it knows all the oracle knows: optimistic, a floor, not a target.
   */
  readonly brierFloor: number;
  readonly logLossHeuristic: number;
  readonly logLossModel: number;
  readonly logLossOracle: number;
}

const clampP = (p: number): number => Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
const logLoss = (p: number, failed: boolean): number => -Math.log(failed ? clampP(p) : 1 - clampP(p));

/** Scores of the heuristic, the model and the oracle over `calls` (replays in start order, one after another). */
export function scoresOf(calls: readonly Scored[]): Scores {
  let bh = 0;
  let bm = 0;
  let bo = 0;
  let bf = 0;
  let lh = 0;
  let lm = 0;
  let lo = 0;
  let failures = 0;
  let previous: Scored | undefined;
  for (const c of calls) {
    const y = c.failed ? 1 : 0;
    failures += y;
    bh += (c.heuristic - y) ** 2;
    bm += (c.model - y) ** 2;
    bo += (c.oracle - y) ** 2;
    // A new replay starts where start times go back.
    const before = previous !== undefined && previous.startMs <= c.startMs ? previous.oracle : 0;
    bf += ((c.oracle >= CROSSING && before < CROSSING ? before : c.oracle) - y) ** 2;
    previous = c;
    lh += logLoss(c.heuristic, c.failed);
    lm += logLoss(c.model, c.failed);
    lo += logLoss(c.oracle, c.failed);
  }
  const n = Math.max(1, calls.length);
  return {
    calls: calls.length,
    failureRate: failures / n,
    brierHeuristic: bh / n,
    brierModel: bm / n,
    brierOracle: bo / n,
    brierFloor: bf / n,
    logLossHeuristic: lh / n,
    logLossModel: lm / n,
    logLossOracle: lo / n,
  };
}

/** Lead times of one fault episode over the breaker's opening, in seconds (null: no crossing). */
export interface EpisodeLead {
  readonly onsetS: number;
  readonly openS: number | null;
  /** From the first call since the onset whose probability was at least 0.5 (the target's measure). */
  readonly modelLeadS: number | null;
  readonly heuristicLeadS: number | null;
  /** From the first call whose hidden failure chance was at least 0.5: when a crossing stops being early. */
  readonly oracleLeadS: number | null;
  /** From the start of the last unbroken run of calls with model p ≥ 0.5 before the opening. */
  readonly modelSustainedLeadS: number | null;
  /** The hidden failure chance of the call at the model's first crossing: how early the alarm was. */
  readonly oracleAtModelCrossing: number | null;
}

/**
 * Per episode: the breaker's first opening after the onset, and how long before it each forecast
 * first said 0.5 or more for a call started at or after the onset. Crossings before the onset
 * are false alarms, counted separately, never lead time.
 */
export function leadTimes(r: Replay, episodes: readonly Episode[]): EpisodeLead[] {
  return episodes.map((e) => {
    const open = r.openings.find((t) => t >= e.onsetMs && t < e.endMs);
    const before =
      open === undefined ? [] : r.scored.filter((c) => c.startMs >= e.onsetMs && c.startMs < open);
    const lead = (startMs: number | undefined): number | null =>
      open === undefined || startMs === undefined ? null : (open - startMs) / 1000;
    const first = (pick: (c: Scored) => number): number | null =>
      lead(before.find((c) => pick(c) >= CROSSING)?.startMs);
    const crossing = before.find((c) => c.model >= CROSSING);
    let runStart: number | undefined;
    for (const c of before) {
      if (c.model < CROSSING) runStart = undefined;
      else runStart ??= c.startMs;
    }
    return {
      onsetS: e.onsetMs / 1000,
      openS: open === undefined ? null : open / 1000,
      modelLeadS: first((c) => c.model),
      heuristicLeadS: first((c) => c.heuristic),
      oracleLeadS: first((c) => c.oracle),
      modelSustainedLeadS: lead(runStart),
      oracleAtModelCrossing: crossing?.oracle ?? null,
    };
  });
}

/** Upward crossings of 0.5 by calls started in healthy time (outside every episode). */
export function falseAlarms(r: Replay, episodes: readonly Episode[], pick: (c: Scored) => number): number {
  let alarms = 0;
  let above = false;
  let e = 0;
  for (const c of r.scored) {
    while (e < episodes.length && episodes[e]!.endMs <= c.startMs) e++;
    const inEpisode = e < episodes.length && c.startMs >= episodes[e]!.onsetMs;
    const high = pick(c) >= CROSSING;
    if (!inEpisode && high && !above) alarms++;
    above = high;
  }
  return alarms;
}

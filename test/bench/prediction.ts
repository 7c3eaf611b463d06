/**
 * `npm run bench:prediction`: does the online failure predictor beat the original's heuristic?
 * Replays four seeded fault traces (degradation ramp, flapping, rate-limit bursts, outage +
 * recovery) through a real HealthTracker (whose failureProbability is the heuristic) and a
 * FailureFeatures + FailurePredictor pair, and prints Brier score and log loss of both, plus the
 * lead time of each over the breaker in the degradation trace. Writes
 * bench-results/prediction.json. A report, not a test: it exits 0 whatever the verdicts.
 *
 * Method (prequential, no peeking): calls arrive open-loop (as from several dialogues at once) and
 * may overlap. At each call's start both probabilities are taken from the state as it is then; at
 * its completion the outcome is scored against them, recorded in the tracker and the features,
 * and the predictor learns from the features saved at the start. Every trace starts with a fresh,
 * untrained predictor, so the cold start is part of the score.
 *
 * The breaker is simulated with our breaker's rule and defaults (opossum; BreakerOptionsSchema):
 * rolling window 10 s in 10 buckets, it opens when a failure completes with at least 5 calls
 * fired in the window and more than 50% of them failed; only categories that count for the
 * breaker (CATEGORY_POLICY) are failures to it. While open, calls are rejected without reaching
 * the upstream: like the real pipeline, they are neither recorded in health nor scored. After
 * 30 s one trial call goes through (half-open); a success closes the breaker, a failure reopens it.
 *
 * The oracle columns score the trace's hidden failure chance of each call: no forecaster that sees
 * only the calls can expect to beat it, so it bounds what the targets can ask. Lead times are
 * shown next to the oracle's (when the hidden chance itself reached 0.5) and to the model's
 * sustained crossing (the last unbroken run of p ≥ 0.5 before the opening): a first crossing far
 * ahead of the oracle's is an early alarm, not knowledge.
 */
import { fileURLToPath } from 'node:url';
import { CATEGORY_POLICY, type ErrorCategory } from '../../src/classify/ErrorCategory.js';
import type { CircuitState } from '../../src/health/AdapterHealthSignature.js';
import { HealthTracker } from '../../src/health/HealthTracker.js';
import { FAILURE_FEATURE_NAMES, FailureFeatures } from '../../src/prediction/FailureFeatures.js';
import { FailurePredictor } from '../../src/prediction/FailurePredictor.js';
import { BreakerOptionsSchema, type BreakerOptions } from '../../src/resilience/BreakerOptions.js';
import { fixed, machineInfo, median, renderTable, verdict, writeJsonReport } from './benchTable.js';

const SEED = 0x5eed_2024;
/** Clamp of probabilities in log loss (the predictor clamps its prior the same way). */
const LOG_LOSS_EPSILON = 1e-3;
/** The client's own timeout in these traces (the library default is 120 s; LLM callers often set less). */
const CLIENT_TIMEOUT_MS = 15_000;
const TRACE_DURATION_MS = 60 * 60_000;
const BREAKER: BreakerOptions = BreakerOptionsSchema.parse({});
/** Model Brier score over all traces at most this share of the heuristic's. */
const TARGET_BRIER_RATIO = 0.5;
/** Seconds the model's probability must cross 0.5 before the breaker opens (median over episodes). */
const TARGET_LEAD_S = 5;
const CROSSING = 0.5;
const REPORT_PATH = fileURLToPath(new URL('../../bench-results/prediction.json', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Seeded randomness

type Random = () => number;

/** mulberry32: a small, fast generator with an identical sequence for an identical seed. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniform = (rng: Random, lo: number, hi: number): number => lo + (hi - lo) * rng();

/** Standard normal by Box–Muller. */
function normal(rng: Random): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Log-normal latency with the given median and log-scale spread. */
const logNormal = (rng: Random, medianMs: number, sigma: number): number =>
  medianMs * Math.exp(sigma * normal(rng));

// ---------------------------------------------------------------------------------------------
// Traces

/** What the upstream does with one call: a success, or a failure of some category, after latencyMs. */
interface UpstreamResult {
  readonly category: ErrorCategory | undefined;
  readonly latencyMs: number;
  /** The chance this call had of failing, from the trace's hidden state: the oracle's forecast. */
  readonly chance: number;
}

/** A fault period of a trace: when it started and when the upstream was healthy again. */
interface Episode {
  readonly onsetMs: number;
  readonly endMs: number;
}

/** A fault trace: when calls arrive and how the upstream answers them, as functions of time. */
interface Trace {
  readonly name: string;
  readonly description: string;
  readonly durationMs: number;
  /** Fault periods; healthy time is everything else. */
  readonly episodes: readonly Episode[];
  /** Milliseconds until the next call starts. */
  nextGapMs(t: number): number;
  /** The upstream's answer to a call started at t (calls come in time order). */
  respond(t: number): UpstreamResult;
}

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

/**
 * One call's answer: it fails with probability `chance` (in the way `failure` draws), else
 * succeeds after a log-normal latency around `medianMs`, kept under the client's timeout.
 */
function answer(rng: Random, chance: number, medianMs: number, failure: Failure): UpstreamResult {
  if (rng() < chance) {
    const [category, latencyMs] = failure(rng);
    return { category, latencyMs, chance };
  }
  return {
    category: undefined,
    latencyMs: Math.min(logNormal(rng, medianMs, 0.35), CLIENT_TIMEOUT_MS - 1),
    chance,
  };
}

/** The odd failure of a healthy upstream: a 500 or a 529. */
const stray: Failure = (rng) =>
  rng() < 0.6 ? ['server_error', logNormal(rng, 400, 0.4)] : ['overloaded', logNormal(rng, 250, 0.4)];

/** A healthy upstream: 1% stray failures, latency around `medianMs`. */
const healthyAnswer = (rng: Random, medianMs: number): UpstreamResult => answer(rng, 0.01, medianMs, stray);

const openLoopGap = (rng: Random) => (): number => uniform(rng, 200, 1000);

/**
 * Degradation ramp: long healthy stretches, then over 1.5–3 min the upstream's load level d goes
 * from 0 to 1 (median latency 0.7 s → 8.5 s, failure chance 1% → 86%: overloaded 529s, server
 * errors and timeouts), holds for 1–2 min, then recovers over 20–40 s.
 */
function degradationTrace(rng: Random): Trace {
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
  const overload =
    (medianMs: number): Failure =>
    (r) => {
      const x = r();
      if (x < 0.5) return ['overloaded', logNormal(r, 300, 0.4)];
      if (x < 0.75) return ['server_error', logNormal(r, medianMs * 0.7, 0.35)];
      return ['timeout', CLIENT_TIMEOUT_MS];
    };
  return {
    name: 'degradation',
    description: 'latency ramps 0.7 s -> 8.5 s, then 529s, 500s and timeouts grow to 86%; breaker opens',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'healthy'),
    nextGapMs: openLoopGap(rng),
    respond(t) {
      const d = level(t);
      if (d === 0) return healthyAnswer(rng, 700);
      const medianMs = 700 * Math.exp(2.5 * d);
      return answer(rng, 0.01 + 0.85 * d * d, medianMs, overload(medianMs));
    },
  };
}

/** Flapping: healthy for 30 s–3 min, then failing (90% network resets and 502s) for 10–60 s, again and again. */
function flappingTrace(rng: Random): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'healthy', minS: 30, maxS: 180 },
    { kind: 'failing', minS: 10, maxS: 60 },
  ]);
  const at = segmentCursor(segments);
  const flap: Failure = (r) =>
    r() < 0.6 ? ['network', logNormal(r, 40, 0.5)] : ['server_error', logNormal(r, 250, 0.4)];
  return {
    name: 'flapping',
    description: 'healthy 30-180 s / failing 10-60 s (90% network resets, 502s) alternating',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'healthy'),
    nextGapMs: openLoopGap(rng),
    respond: (t) => (at(t).kind === 'healthy' ? healthyAnswer(rng, 900) : answer(rng, 0.9, 900, flap)),
  };
}

/**
 * Rate-limit bursts: a quota of 75 accepted requests per clock minute. Normal demand (a call every
 * 0.7–1.5 s) stays under it; bursts of demand (a call every 120–350 ms for 20–60 s) exhaust it and
 * get 429s until the minute turns. 429s do not count for the breaker.
 */
function rateLimitTrace(rng: Random): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'normal', minS: 60, maxS: 240 },
    { kind: 'burst', minS: 20, maxS: 60 },
  ]);
  const at = segmentCursor(segments);
  const quota = 75;
  let minute = -1;
  let accepted = 0;
  const limited: Failure = (r) => ['rate_limited', logNormal(r, 90, 0.4)];
  return {
    name: 'rate_limit',
    description: 'quota 75/min; demand bursts (120-350 ms apart) get 429s until the minute turns',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'normal'),
    nextGapMs: (t) => (at(t).kind === 'burst' ? uniform(rng, 120, 350) : uniform(rng, 700, 1500)),
    respond(t) {
      const m = Math.floor(t / 60_000);
      if (m !== minute) {
        minute = m;
        accepted = 0;
      }
      if (accepted >= quota) return answer(rng, 1, 800, limited);
      const result = healthyAnswer(rng, 800);
      accepted++;
      return result;
    },
  };
}

/**
 * Outage and recovery: healthy for 5–10 min, then down for 1–5 min (98%: connection refused or
 * connect timeouts), then 30–90 s of shaky recovery (30% overloaded, slower), then healthy again.
 */
function outageTrace(rng: Random): Trace {
  const segments = timeline(rng, TRACE_DURATION_MS, [
    { kind: 'healthy', minS: 300, maxS: 600 },
    { kind: 'outage', minS: 60, maxS: 300 },
    { kind: 'recovering', minS: 30, maxS: 90 },
  ]);
  const at = segmentCursor(segments);
  const down: Failure = (r) =>
    r() < 0.75 ? ['network', logNormal(r, 20, 0.5)] : ['timeout', CLIENT_TIMEOUT_MS];
  const shaky: Failure = (r) => ['overloaded', logNormal(r, 300, 0.4)];
  return {
    name: 'outage',
    description: 'healthy 5-10 min / down 1-5 min (98% refused or timeouts) / shaky 30-90 s (30% 529s)',
    durationMs: TRACE_DURATION_MS,
    episodes: episodesOf(segments, 'healthy'),
    nextGapMs: openLoopGap(rng),
    respond(t) {
      const kind = at(t).kind;
      if (kind === 'healthy') return healthyAnswer(rng, 800);
      return kind === 'outage' ? answer(rng, 0.98, 800, down) : answer(rng, 0.3, 1500, shaky);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The breaker

/** Our breaker's rule (opossum's), driven by simulated time. */
class SimulatedBreaker {
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
interface Scored {
  readonly startMs: number;
  readonly heuristic: number;
  readonly model: number;
  /** The trace's hidden failure chance: the best any forecaster could say. */
  readonly oracle: number;
  readonly failed: boolean;
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

interface Replay {
  readonly scored: Scored[];
  readonly rejected: number;
  readonly openings: readonly number[];
  /** Starts at which FailureFeatures.prior disagreed with HealthTracker's heuristic. */
  readonly priorMismatches: number;
  readonly weights: readonly number[];
}

/** A response as a Fire Circle voice returns it, with a consciousness signature around 0.7. */
function responseWithSignature(rng: Random): unknown {
  const value = Math.min(1, Math.max(0, 0.7 + 0.08 * normal(rng)));
  return { content: { text: 'ok' }, consciousness: { consciousness_signature: value } };
}

function replay(trace: Trace, rng: Random): Replay {
  let now = 0;
  const tracker = new HealthTracker(trace.name, { clock: () => now });
  const features = new FailureFeatures({ clock: () => now });
  const predictor = new FailurePredictor();
  const breaker = new SimulatedBreaker(BREAKER);
  // Sorted by endMs, latest first, so the next completion pops off the end.
  const inFlight: InFlight[] = [];
  const scored: Scored[] = [];
  let rejected = 0;
  let priorMismatches = 0;

  const syncCircuit = (): void => {
    if (tracker.circuitState !== breaker.state) tracker.setCircuitState(breaker.state);
  };

  const completeUpTo = (t: number): void => {
    while (inFlight.length > 0 && inFlight[inFlight.length - 1]!.endMs <= t) {
      const call = inFlight.pop()!;
      now = call.endMs;
      const { category, latencyMs } = call.result;
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
      });
      predictor.learn(call.features, call.prior, failed);
      features.record(!failed, category, latencyMs, breaker.state, tracker.coherence, tracker.isConnected);
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
    const vector = features.setContext(breaker.state, tracker.coherence, tracker.isConnected);
    const prior = tracker.failureProbability;
    if (Math.abs(prior - features.prior) > 1e-12) priorMismatches++;
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
  return {
    scored,
    rejected,
    openings: breaker.openings,
    priorMismatches,
    weights: predictor.exportWeights().weights,
  };
}

// ---------------------------------------------------------------------------------------------
// Scores

interface Scores {
  readonly calls: number;
  readonly failureRate: number;
  readonly brierHeuristic: number;
  readonly brierModel: number;
  readonly logLossHeuristic: number;
  readonly logLossModel: number;
  readonly brierOracle: number;
  readonly logLossOracle: number;
}

const clampP = (p: number): number => Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
const logLoss = (p: number, failed: boolean): number => -Math.log(failed ? clampP(p) : 1 - clampP(p));

function scoresOf(calls: readonly Scored[]): Scores {
  let bh = 0;
  let bm = 0;
  let lh = 0;
  let lm = 0;
  let bo = 0;
  let lo = 0;
  let failures = 0;
  for (const c of calls) {
    const y = c.failed ? 1 : 0;
    failures += y;
    bh += (c.heuristic - y) ** 2;
    bm += (c.model - y) ** 2;
    lh += logLoss(c.heuristic, c.failed);
    lm += logLoss(c.model, c.failed);
    bo += (c.oracle - y) ** 2;
    lo += logLoss(c.oracle, c.failed);
  }
  const n = Math.max(1, calls.length);
  return {
    calls: calls.length,
    failureRate: failures / n,
    brierHeuristic: bh / n,
    brierModel: bm / n,
    logLossHeuristic: lh / n,
    logLossModel: lm / n,
    brierOracle: bo / n,
    logLossOracle: lo / n,
  };
}

/** Lead times of one fault episode over the breaker's opening, in seconds (null: no crossing). */
interface EpisodeLead {
  readonly onsetS: number;
  readonly openS: number | null;
  /** From the first call since the onset whose probability was at least 0.5 (the target's measure). */
  readonly modelLeadS: number | null;
  readonly heuristicLeadS: number | null;
  /** From the first call whose hidden failure chance was at least 0.5: when a crossing stops being early. */
  readonly oracleLeadS: number | null;
  /** From the start of the last unbroken run of calls with model p ≥ 0.5 before the opening. */
  readonly modelSustainedLeadS: number | null;
}

/**
 * Per episode: the breaker's first opening after the onset, and how long before it each forecast
 * first said 0.5 or more for a call started at or after the onset. Crossings before the onset
 * are false alarms, counted separately, never lead time.
 */
function leadTimes(r: Replay, episodes: readonly Episode[]): EpisodeLead[] {
  return episodes.map((e) => {
    const open = r.openings.find((t) => t >= e.onsetMs && t < e.endMs);
    const before =
      open === undefined ? [] : r.scored.filter((c) => c.startMs >= e.onsetMs && c.startMs < open);
    const lead = (startMs: number | undefined): number | null =>
      open === undefined || startMs === undefined ? null : (open - startMs) / 1000;
    const first = (pick: (c: Scored) => number): number | null =>
      lead(before.find((c) => pick(c) >= CROSSING)?.startMs);
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
    };
  });
}

/** Upward crossings of 0.5 by calls started in healthy time (outside every episode). */
function falseAlarms(r: Replay, episodes: readonly Episode[], pick: (c: Scored) => number): number {
  let alarms = 0;
  let above = false;
  for (const c of r.scored) {
    const inEpisode = episodes.some((e) => c.startMs >= e.onsetMs && c.startMs < e.endMs);
    const high = pick(c) >= CROSSING;
    if (!inEpisode && high && !above) alarms++;
    above = high;
  }
  return alarms;
}

// ---------------------------------------------------------------------------------------------
// Main

const ratio = (model: number, heuristic: number): number => (heuristic > 0 ? model / heuristic : NaN);
const seconds = (s: number | null): string => (s === null ? 'n/a' : fixed(s, 1));

function main(): void {
  const started = performance.now();
  const traces = [degradationTrace, flappingTrace, rateLimitTrace, outageTrace].map((make, i) =>
    make(seededRandom(SEED + i)),
  );
  const results = traces.map((trace, i) => {
    const r = replay(trace, seededRandom(SEED + 100 + i));
    return { trace, replay: r, scores: scoresOf(r.scored) };
  });
  const overall = scoresOf(results.flatMap((x) => x.replay.scored));

  const row = (name: string, s: Scores, rejected: number | string, opens: number | string): string[] => [
    name,
    String(s.calls),
    String(rejected),
    String(opens),
    fixed(s.failureRate * 100, 1),
    fixed(s.brierHeuristic, 4),
    fixed(s.brierModel, 4),
    fixed(ratio(s.brierModel, s.brierHeuristic), 3),
    fixed(s.brierOracle, 4),
    fixed(s.logLossHeuristic, 4),
    fixed(s.logLossModel, 4),
    fixed(ratio(s.logLossModel, s.logLossHeuristic), 3),
    fixed(s.logLossOracle, 4),
  ];
  const rows = results.map((x) => row(x.trace.name, x.scores, x.replay.rejected, x.replay.openings.length));
  rows.push(
    row(
      'overall',
      overall,
      results.reduce((a, x) => a + x.replay.rejected, 0),
      results.reduce((a, x) => a + x.replay.openings.length, 0),
    ),
  );

  const degradation = results[0]!;
  const leads = leadTimes(degradation.replay, degradation.trace.episodes);
  const modelLeads = leads.map((l) => l.modelLeadS ?? Number.NEGATIVE_INFINITY);
  const heuristicLeads = leads.map((l) => l.heuristicLeadS ?? Number.NEGATIVE_INFINITY);
  const medianModelLead = leads.length > 0 ? median(modelLeads) : Number.NEGATIVE_INFINITY;
  const medianHeuristicLead = leads.length > 0 ? median(heuristicLeads) : Number.NEGATIVE_INFINITY;
  const alarms = results.map((x) => ({
    trace: x.trace.name,
    model: falseAlarms(x.replay, x.trace.episodes, (c) => c.model),
    heuristic: falseAlarms(x.replay, x.trace.episodes, (c) => c.heuristic),
  }));

  const brierRatio = ratio(overall.brierModel, overall.brierHeuristic);
  const oracleBrierRatio = ratio(overall.brierOracle, overall.brierHeuristic);
  const leadMedian = (pick: (l: EpisodeLead) => number | null): number =>
    leads.length > 0
      ? median(leads.map((l) => pick(l) ?? Number.NEGATIVE_INFINITY))
      : Number.NEGATIVE_INFINITY;
  const medianOracleLead = leadMedian((l) => l.oracleLeadS);
  const medianSustainedLead = leadMedian((l) => l.modelSustainedLeadS);
  const brierPass = brierRatio <= TARGET_BRIER_RATIO;
  const leadPass = medianModelLead >= TARGET_LEAD_S;
  const machine = machineInfo();
  const elapsedS = (performance.now() - started) / 1000;

  console.log(`prediction bench — ${machine.node} on ${machine.cpu} (${machine.platform}), seed ${SEED}`);
  console.log(
    `prequential: predict at call start, score + learn at completion; fresh model per trace; ` +
      `log loss clamps p to [${LOG_LOSS_EPSILON}, ${1 - LOG_LOSS_EPSILON}]\n`,
  );
  for (const x of results) console.log(`  ${x.trace.name.padEnd(12)} ${x.trace.description}`);
  console.log('');
  console.log(
    renderTable(
      [
        'trace',
        'calls',
        'rejected',
        'opens',
        'fail %',
        'Brier heur',
        'Brier model',
        'ratio',
        'Brier oracle',
        'logloss heur',
        'logloss model',
        'ratio',
        'logloss oracle',
      ],
      rows,
    ),
  );
  console.log('\ndegradation trace: lead time = breaker opens − first call since the onset with p ≥ 0.5');
  console.log(
    renderTable(
      [
        'episode',
        'onset s',
        'opens s',
        'model lead s',
        'heuristic lead s',
        'oracle lead s',
        'model sustained s',
      ],
      leads.map((l, i) => [
        String(i + 1),
        fixed(l.onsetS, 1),
        seconds(l.openS),
        seconds(l.modelLeadS),
        seconds(l.heuristicLeadS),
        seconds(l.oracleLeadS),
        seconds(l.modelSustainedLeadS),
      ]),
    ),
  );
  console.log(
    `median lead: model ${fixed(medianModelLead, 1)} s, heuristic ${fixed(medianHeuristicLead, 1)} s, ` +
      `oracle ${fixed(medianOracleLead, 1)} s, model sustained ${fixed(medianSustainedLead, 1)} s (n/a: no crossing)`,
  );
  console.log('\nfalse alarms (p crossing 0.5 during healthy time):');
  console.log(
    renderTable(
      ['trace', 'model', 'heuristic'],
      alarms.map((a) => [a.trace, String(a.model), String(a.heuristic)]),
    ),
  );
  const mismatches = results.reduce((a, x) => a + x.replay.priorMismatches, 0);
  console.log(`\nFailureFeatures.prior vs HealthTracker heuristic mismatches: ${mismatches}`);
  console.log('');
  console.log(
    renderTable(
      ['target', 'value', 'goal', 'verdict'],
      [
        [
          'Brier model / heuristic (overall)',
          fixed(brierRatio, 3),
          `<= ${TARGET_BRIER_RATIO}`,
          verdict(brierPass),
        ],
        [
          'median lead time, degradation (s)',
          fixed(medianModelLead, 1),
          `>= ${TARGET_LEAD_S}`,
          verdict(leadPass),
        ],
        ['Brier oracle / heuristic (the floor)', fixed(oracleBrierRatio, 3), 'info', '-'],
      ],
    ),
  );
  console.log(`\n(${fixed(elapsedS, 2)} s)`);

  writeJsonReport(REPORT_PATH, {
    machine,
    seed: SEED,
    elapsedS,
    breaker: BREAKER,
    clientTimeoutMs: CLIENT_TIMEOUT_MS,
    traceDurationMs: TRACE_DURATION_MS,
    traces: results.map((x) => ({
      name: x.trace.name,
      description: x.trace.description,
      episodes: x.trace.episodes.length,
      rejected: x.replay.rejected,
      breakerOpenings: x.replay.openings.length,
      priorMismatches: x.replay.priorMismatches,
      ...x.scores,
      brierRatio: ratio(x.scores.brierModel, x.scores.brierHeuristic),
      logLossRatio: ratio(x.scores.logLossModel, x.scores.logLossHeuristic),
      finalWeights: Object.fromEntries(FAILURE_FEATURE_NAMES.map((name, i) => [name, x.replay.weights[i]])),
    })),
    overall: {
      ...overall,
      brierRatio,
      logLossRatio: ratio(overall.logLossModel, overall.logLossHeuristic),
      oracleBrierRatio,
    },
    degradationLeadTimes: leads,
    medianLeadS: {
      model: medianModelLead,
      heuristic: medianHeuristicLead,
      oracle: medianOracleLead,
      modelSustained: medianSustainedLead,
    },
    falseAlarms: alarms,
    targets: {
      brierRatio: { goal: TARGET_BRIER_RATIO, value: brierRatio, pass: brierPass },
      leadTimeS: { goal: TARGET_LEAD_S, value: medianModelLead, pass: leadPass },
    },
  });
}

main();

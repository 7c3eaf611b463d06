import type { HealingActionType } from '../../src/vocabulary/HealingActionType.js';
import type { VoiceTuning } from '../../src/voice/VoiceTuning.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { FakeVoice, favour, healerKit, pattern } from './healingTestKit.js';

/** One caller call as a world answers it under the voice's knobs. */
interface WorldCall {
  readonly outcome: 'success' | 'fallback' | 'failure';
  readonly latencyMs: number;
  readonly attempts: number;
  /** Attempts answered 429. */
  readonly rateLimited: number;
  /** Attempts that failed (the last one of a call that fell back or failed, and every retried one). */
  readonly failedAttempts: number;
}

/**
 * A fault whose cure is known, answering calls according to the voice's knobs (the way the call pipeline and a
 * provider would): which action is right is a property of the world, not of the verdict.
 */
export interface VerdictWorld {
  readonly name: string;
  /** The action that cures or works around the fault; undefined when nothing helps. */
  readonly right: HealingActionType | undefined;
  /** Actions the healer could take here (with `right`). */
  readonly candidates: readonly HealingActionType[];
  readonly pattern: Parameters<typeof pattern>;
  /** A healthy fallback voice exists (calls can be routed). */
  readonly fallback: boolean;
  /** How long the fallback takes to answer (ms). Default 100. */
  readonly fallbackLatencyMs?: number;
  /** Consecutive failures the voice reports (reconnect is applicable beyond 5). */
  readonly consecutiveFailures: number;
  /** Starts a fresh fault at `t0` (ms); `random` is the world's own noise. */
  start(t0: number, random: () => number): WorldState;
}

/** A running world. */
export interface WorldState {
  /** The call started at `t` under `tuning` (not routed). */
  call(t: number, tuning: VoiceTuning): WorldCall;
  /** The voice's reconnect: cures what a reconnect cures. */
  reconnect(): void;
  /** Whether the provider is healthy again at `t` (a recovery is then reported). */
  recovered(t: number): boolean;
}

const FALLBACK_LATENCY_MS = 100;

const jitter = (random: () => number, ms: number): number => ms * (0.8 + 0.4 * random());

/** A stale connection: every attempt fails fast until the voice reconnects; retries or backoff change nothing. */
const staleConnection: VerdictWorld = {
  name: 'stale connection, reconnect cures it',
  right: 'reconnect',
  candidates: ['retry_strategy', 'reconnect'],
  pattern: ['degradation', ['v'], 'network'],
  fallback: false,
  consecutiveFailures: 12,
  start(_t0, random) {
    let stale = true;
    return {
      call: () =>
        stale
          ? {
              outcome: 'fallback',
              latencyMs: jitter(random, 30),
              attempts: 2,
              rateLimited: 0,
              failedAttempts: 2,
            }
          : {
              outcome: 'success',
              latencyMs: jitter(random, 200),
              attempts: 1,
              rateLimited: 0,
              failedAttempts: 0,
            },
      reconnect: () => {
        stale = false;
      },
      recovered: () => !stale,
    };
  },
};

/** Latency climbing from 300 ms to 3 s over 30 s, no failures; a healthy fallback answers in 100 ms. */
const latencyDrift: VerdictWorld = {
  name: 'latency drift, only routing helps',
  right: 'fallback',
  // A latency drift has nothing to retry, and no timeout worth shortening: only the route is offered.
  candidates: ['fallback'],
  pattern: ['degradation', ['v']],
  fallback: true,
  consecutiveFailures: 0,
  start(t0, random) {
    return {
      call: (t, tuning) => {
        const latency = jitter(random, 300 + (2_700 * Math.min(1, Math.max(0, t - t0))) / 30_000);
        const timeout = tuning.timeoutMs;
        if (timeout !== undefined && latency > timeout) {
          return {
            outcome: 'fallback',
            latencyMs: timeout + FALLBACK_LATENCY_MS,
            attempts: 1,
            rateLimited: 0,
            failedAttempts: 1,
          };
        }
        return { outcome: 'success', latencyMs: latency, attempts: 1, rateLimited: 0, failedAttempts: 0 };
      },
      reconnect: () => undefined,
      recovered: () => false,
    };
  },
};

/**
 * A 429 storm: the provider takes 2 calls at a time and about 5 arrive while one is served, so each attempt is
 * refused with probability 0.6 (3 attempts, then the fallback value); a concurrency limit queues the excess
 * (latency grows, 429s stop); a longer backoff only spaces the same refusals.
 */
const rateLimitStorm: VerdictWorld = {
  name: '429 storm, only the concurrency limit helps',
  right: 'config_update',
  candidates: ['retry_strategy', 'config_update'],
  pattern: ['degradation', ['v'], 'rate_limited'],
  fallback: false,
  consecutiveFailures: 0,
  start(_t0, random) {
    return {
      call: (_t, tuning) => {
        const limit = tuning.maxConcurrent;
        if (limit !== undefined) {
          return {
            outcome: 'success',
            latencyMs: jitter(random, 500) + (5 / limit) * 100,
            attempts: 1,
            rateLimited: 0,
            failedAttempts: 0,
          };
        }
        const scale = tuning.retry.get('rate_limited')?.delayScale ?? 1;
        let attempts = 0;
        let waited = 0;
        while (attempts < 3) {
          attempts++;
          if (random() >= 0.6) {
            return {
              outcome: 'success',
              latencyMs: waited + jitter(random, 500),
              attempts,
              rateLimited: attempts - 1,
              failedAttempts: attempts - 1,
            };
          }
          waited += 200 * scale;
        }
        return { outcome: 'fallback', latencyMs: waited, attempts, rateLimited: 3, failedAttempts: 3 };
      },
      reconnect: () => undefined,
      recovered: () => false,
    };
  },
};

/** Delays before the 2nd and 3rd attempt of a call on the primary (its retry schedule). */
const RETRY_DELAYS_MS = [100, 200];

/**
 * A 5xx burst: each attempt fails fast (30 ms) with probability 0.8; a call makes up to 3 attempts with its retry
 * delays, then a healthy fallback answers (in `fallbackMs`). Under a route a probe is served as the pipeline serves
 * it (RetryPolicy.giveUp): a failed attempt falls back at once, without the retries — so the probes look nearly as
 * fast as the routed calls, while a caller without the route would have waited out the retries.
 */
function failureBurst(name: string, right: HealingActionType | undefined, fallbackMs: number): VerdictWorld {
  return {
    name,
    right,
    candidates: ['fallback'],
    pattern: ['degradation', ['v'], 'server_error'],
    fallback: true,
    fallbackLatencyMs: fallbackMs,
    consecutiveFailures: 3,
    start(_t0, random) {
      return {
        call: (t, tuning) => {
          const probe = tuning.routeToFallbackUntil > t;
          let latencyMs = 0;
          for (let attempt = 1; attempt <= 3; attempt++) {
            latencyMs += jitter(random, 30);
            if (random() >= 0.8) {
              const failedAttempts = attempt - 1;
              return { outcome: 'success', latencyMs, attempts: attempt, rateLimited: 0, failedAttempts };
            }
            if (probe || attempt === 3) {
              latencyMs += jitter(random, fallbackMs);
              return {
                outcome: 'fallback',
                latencyMs,
                attempts: attempt,
                rateLimited: 0,
                failedAttempts: attempt,
              };
            }
            latencyMs += RETRY_DELAYS_MS[attempt - 1]!;
          }
          throw new Error('unreachable');
        },
        reconnect: () => undefined,
        recovered: () => false,
      };
    },
  };
}

/** The 5xx burst with a fast fallback: routing spares the callers the retries. */
const failureBurstFastFallback = failureBurst('5xx burst, routing helps', 'fallback', FALLBACK_LATENCY_MS);

/**
 * The 5xx burst with a fallback as slow as the retries it spares (600 ms): routing changes nothing a caller sees,
 * though the probes, falling back at once, look as slow as the routed calls as well.
 */
const failureBurstSlowFallback = failureBurst(
  '5xx burst, slow fallback, routing changes nothing',
  undefined,
  600,
);

/** A 500 outage with no retries to save (one attempt per call) that ends by itself 0–40 s after it was noticed. */
const hopelessOutage: VerdictWorld = {
  name: 'outage nothing helps, ends by itself',
  right: undefined,
  candidates: ['retry_strategy', 'reconnect'],
  pattern: ['degradation', ['v'], 'server_error'],
  fallback: false,
  consecutiveFailures: 12,
  start(t0, random) {
    const end = t0 + 40_000 * random();
    return {
      call: (t) =>
        t < end
          ? {
              outcome: 'fallback',
              latencyMs: jitter(random, 40),
              attempts: 1,
              rateLimited: 0,
              failedAttempts: 1,
            }
          : {
              outcome: 'success',
              latencyMs: jitter(random, 200),
              attempts: 1,
              rateLimited: 0,
              failedAttempts: 0,
            },
      reconnect: () => undefined,
      recovered: (t) => t >= end,
    };
  },
};

/** The scenario set of the verdict accuracy measurement. */
export const VERDICT_WORLDS: readonly VerdictWorld[] = [
  staleConnection,
  latencyDrift,
  failureBurstFastFallback,
  failureBurstSlowFallback,
  rateLimitStorm,
  hopelessOutage,
];

/** Calls per second the callers make. */
const CALL_SPACING_MS = 100;
/** Healthy calls before the fault, and faulty ones before the pattern is raised. */
const HEALTHY_CALLS = 50;
const CALLS_BEFORE_PATTERN = 10;
/** Successes in a row after which the world's recovery is reported. */
const RECOVERY_STREAK = 3;

/**
 * Runs `world` once: healthy traffic, the fault, the pattern (the healer made to take `actionType`), calls until
 * the action is judged. Returns its `success` (true, false, or null when unjudged), undefined when the action is
 * not applicable to the world (the policy took another).
 */
export async function judgeOnce(
  world: VerdictWorld,
  actionType: HealingActionType,
  seed: number,
): Promise<boolean | null | undefined> {
  const voice = new FakeVoice();
  voice.fallback = world.fallback;
  voice.health.consecutiveFailures = world.consecutiveFailures;
  const random = createSeededRandom(seed);
  const { healer, time } = healerKit(
    { v: voice },
    { prior: favour(actionType), random: createSeededRandom(seed + 1) },
  );
  const record = (start: number, c: WorldCall, routed: boolean, probe: boolean): void => {
    for (let a = 1; a <= c.attempts; a++) {
      const ok = a > c.failedAttempts;
      voice.calls.attempt(start + c.latencyMs, ok, a <= c.rateLimited, c.latencyMs);
    }
    voice.calls.callEnded(start + c.latencyMs, c.latencyMs, c.outcome, routed, probe);
  };
  for (let i = 0; i < HEALTHY_CALLS; i++) {
    record(
      time.now,
      { outcome: 'success', latencyMs: jitter(random, 300), attempts: 1, rateLimited: 0, failedAttempts: 0 },
      false,
      false,
    );
    time.advance(CALL_SPACING_MS);
  }
  const state = world.start(time.now, random);
  voice.reconnect = () => {
    state.reconnect();
    return Promise.resolve();
  };
  let action: string | undefined;
  let streak = 0;
  const recent: boolean[] = [];
  for (let i = 0; i < 3_000; i++) {
    const t = time.now;
    const tuning = voice.tuning;
    const routeOn = tuning.routeToFallbackUntil > t;
    if (routeOn && random() >= tuning.probeShare) {
      const latencyMs = jitter(random, world.fallbackLatencyMs ?? FALLBACK_LATENCY_MS);
      record(
        t,
        { outcome: 'fallback', latencyMs, attempts: 0, rateLimited: 0, failedAttempts: 0 },
        true,
        false,
      );
    } else {
      const c = state.call(t, tuning);
      record(t, c, false, routeOn);
      streak = c.outcome === 'success' ? streak + 1 : 0;
    }
    time.advance(CALL_SPACING_MS);
    if (i === CALLS_BEFORE_PATTERN) {
      const [taken] = healer.onPattern(pattern(...world.pattern));
      // The action asked for is not applicable here (the policy took another): not a run of it.
      if (taken === undefined || taken.actionType !== actionType) return undefined;
      action = taken.actionId;
      await healer.settled();
    }
    if (action === undefined) continue;
    // The recovery detector's rule: a streak of 3, and at least as long as the failures among the latest 20 calls.
    recent.push(streak === 0);
    if (recent.length > 20) recent.shift();
    if (streak >= RECOVERY_STREAK && streak === recent.filter(Boolean).length && state.recovered(time.now)) {
      healer.onPattern(pattern('recovery', ['v'], world.pattern[2]));
    }
    healer.observe();
    const judged = healer.history().find((a) => a.actionId === action);
    if (judged?.completed === true) {
      if (process.env.VERDICT_TRACE !== undefined)
        console.log(world.name, actionType, judged.lessonsLearned[0]);
      return judged.success;
    }
  }
  return null;
}

/** Share of `seeds` runs in which `actionType` was judged a success in `world`. */
export async function judgedSuccessRate(
  world: VerdictWorld,
  actionType: HealingActionType,
  seeds: number,
): Promise<number> {
  let successes = 0;
  for (let seed = 1; seed <= seeds; seed++)
    if ((await judgeOnce(world, actionType, seed * 7919)) === true) successes++;
  return successes / seeds;
}

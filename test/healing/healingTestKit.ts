import type { ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import type { HealingActionRef } from '../../src/health/AdapterHealthSignature.js';
import { Healer, type HealerOptions } from '../../src/healing/Healer.js';
import type { HealingPrior } from '../../src/healing/healingPrior.js';
import type { SelfHealingAction } from '../../src/healing/SelfHealingAction.js';
import type { HealingActionType } from '../../src/vocabulary/HealingActionType.js';
import type { VoiceHandle, VoiceHealth } from '../../src/healing/VoiceHandle.js';
import { CallTally } from '../../src/voice/CallTally.js';
import { VoiceTuning } from '../../src/voice/VoiceTuning.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import type { PatternType } from '../../src/vocabulary/PatternType.js';

/** 2025-01-01T12:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
/** The default outcome window. */
export const WINDOW = 30_000;

/** A clock the test moves by hand. */
export class ManualClock {
  now = T0;
  /** The clock function to inject. */
  readonly clock = (): number => this.now;
  /** Moves time forward. */
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

/** Health numbers the test sets directly; remembers the healing actions recorded on it. */
export class FakeHealth implements VoiceHealth {
  errorRate = 0;
  failureProbability = 0.1;
  consecutiveFailures = 0;
  readonly recorded: HealingActionRef[] = [];
  recordHealingAction(ref: HealingActionRef): void {
    this.recorded.push(ref);
  }
  /** A voice in trouble: half its calls failing. */
  sick(): this {
    this.errorRate = 0.5;
    this.failureProbability = 0.6;
    this.consecutiveFailures = 4;
    return this;
  }
  /** A voice back to normal. */
  well(): this {
    this.errorRate = 0.02;
    this.failureProbability = 0.1;
    this.consecutiveFailures = 0;
    return this;
  }
}

/** A voice whose fallback, in-flight count and reconnect the test controls. */
export class FakeVoice implements VoiceHandle {
  readonly tuning = new VoiceTuning();
  readonly health = new FakeHealth();
  readonly calls = new CallTally();
  fallback = false;
  inFlightCalls = 0;
  reconnect?: () => Promise<void>;
  hasFallback(): boolean {
    return this.fallback;
  }
  inFlight(): number {
    return this.inFlightCalls;
  }
}

/** What each call of {@link serve} sees. */
export interface TrafficSpec {
  /** Share of calls failing for the caller (spread evenly). Default 0. */
  readonly failures?: number;
  /** Share of calls a fallback answered (spread evenly, among those not failing). Default 0. */
  readonly fallbacks?: number;
  /** Caller latency of each call (ms). Default 100. */
  readonly latencyMs?: number;
  /** Upstream attempts per call (the last one succeeds unless the call failed or fell back). Default 1. */
  readonly attempts?: number;
  /** Of the attempts, how many per call were 429s. Default 0. */
  readonly rateLimited?: number;
  /** Calls were routed to the fallback before trying the voice. */
  readonly routed?: boolean;
  /** Calls were probes of a route. */
  readonly probe?: boolean;
}

/** Whether the i-th of evenly spread events at rate `share` happens. */
const spread = (i: number, share: number): boolean => Math.floor((i + 1) * share) > Math.floor(i * share);

/** `n` calls of `voice`, one every `spacingMs`, recorded on its tally as a wrapped voice would; time moves on. */
export function serve(
  voice: FakeVoice,
  time: ManualClock,
  n: number,
  spec: TrafficSpec = {},
  spacingMs = 100,
): void {
  const latencyMs = spec.latencyMs ?? 100;
  const attempts = spec.routed === true ? 0 : (spec.attempts ?? 1);
  for (let i = 0; i < n; i++) {
    const start = time.now;
    time.advance(spacingMs);
    const failed = spread(i, spec.failures ?? 0);
    const fellBack = !failed && spread(i, spec.fallbacks ?? 0);
    for (let a = 0; a < attempts; a++) {
      const ok = a === attempts - 1 && !failed && !fellBack;
      voice.calls.attempt(start + latencyMs, ok, a < (spec.rateLimited ?? 0), latencyMs);
    }
    const outcome = failed ? 'failure' : fellBack || spec.routed === true ? 'fallback' : 'success';
    voice.calls.callEnded(start + latencyMs, latencyMs, outcome, spec.routed ?? false, spec.probe ?? false);
  }
}

/** A pattern as a detector would emit it. */
export function pattern(
  patternType: PatternType,
  adapters: string[],
  category?: ErrorCategory,
  evidence: Record<string, unknown> = {},
): InfrastructurePattern {
  return {
    patternId: `${patternType}-${adapters.join('+')}`,
    patternType,
    affectedAdapters: adapters,
    detectionTime: new Date(T0).toISOString(),
    confidence: 0.8,
    predictedImpact: 'moderate',
    suggestedAction: 'heal',
    ...(category !== undefined ? { category } : {}),
    evidence,
    similarPastPatterns: [],
    successfulResolutions: [],
  };
}

/** A prior that makes `actionType` the choice whenever it is applicable (for tests of one action's knob). */
export function favour(actionType: HealingActionType): HealingPrior {
  return (_p, _c, a) =>
    a === actionType ? { successes: 1e6, failures: 1 } : { successes: 1, failures: 1e6 };
}

/** A healer over fresh memory and the given voices, with everything it reported kept for assertions. */
export function healerKit(
  voices: Record<string, FakeVoice>,
  options: Partial<HealerOptions> = {},
): {
  healer: Healer;
  memory: PatternMemory;
  time: ManualClock;
  actions: SelfHealingAction[];
  outcomes: SelfHealingAction[];
} {
  const time = new ManualClock();
  const memory = new PatternMemory({ store: new MemoryStore(), clock: time.clock });
  const actions: SelfHealingAction[] = [];
  const outcomes: SelfHealingAction[] = [];
  const healer = new Healer({
    clock: time.clock,
    random: createSeededRandom(42),
    memory,
    voices: (adapter) => voices[adapter],
    onAction: (a) => actions.push(a),
    onOutcome: (a) => outcomes.push(a),
    ...options,
  });
  return { healer, memory, time, actions, outcomes };
}

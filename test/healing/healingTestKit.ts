import type { ErrorCategory } from '../../src/classify/ErrorCategory.js';
import type { HealingActionRef } from '../../src/health/AdapterHealthSignature.js';
import { Healer, type HealerOptions } from '../../src/healing/Healer.js';
import type { HealingPrior } from '../../src/healing/healingPrior.js';
import type { SelfHealingAction, HealingActionType } from '../../src/healing/SelfHealingAction.js';
import type { VoiceHandle, VoiceHealth } from '../../src/healing/VoiceHandle.js';
import { VoiceTuning } from '../../src/healing/VoiceTuning.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import type { InfrastructurePattern, PatternType } from '../../src/patterns/InfrastructurePattern.js';

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
  latencyP99Ms: number | undefined = undefined;
  p95Ms = 0;
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
  fallback = false;
  calls = 0;
  reconnect?: () => Promise<void>;
  hasFallback(): boolean {
    return this.fallback;
  }
  inFlight(): number {
    return this.calls;
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

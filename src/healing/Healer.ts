import type { ErrorCategory } from '../classify/ErrorCategory.js';
import { redactSecrets } from '../classify/redactSecrets.js';
import type { Clock } from '../clock/Clock.js';
import type { PatternMemory } from '../memory/PatternMemory.js';
import { positiveOption } from '../memory/positiveOption.js';
import type { InfrastructurePattern, PatternType } from '../patterns/InfrastructurePattern.js';
import { applicableActions, type HealingContext, type HealingVariant } from './applicableActions.js';
import { applyAction } from './applyAction.js';
import type { HealingPrior } from './healingPrior.js';
import { HealingPolicy, NO_CATEGORY } from './HealingPolicy.js';
import { readHealth, type HealthReading } from './HealthReading.js';
import { judgeOutcome } from './judgeOutcome.js';
import type { RandomSource } from './RandomSource.js';
import type { SelfHealingAction } from './SelfHealingAction.js';
import type { VoiceHandle } from './VoiceHandle.js';
import type { VoiceTuning } from './VoiceTuning.js';

/** Default time after an action at which its outcome is measured (reference config `healing action timeout`). */
export const DEFAULT_OUTCOME_WINDOW_MS = 30_000;
/** Default number of actions {@link Healer.history} keeps. */
export const DEFAULT_HEALER_HISTORY = 200;

/** Options of a {@link Healer}, validated once at construction. */
export interface HealerOptions {
  /** Epoch milliseconds. */
  readonly clock: Clock;
  /** Uniform [0, 1) source for the policy's Thompson draws. */
  readonly random: RandomSource;
  /** Outcome statistics (read by the policy, written with every measured outcome) and healing history. */
  readonly memory: PatternMemory;
  /** The voice of an adapter, or undefined when the healer cannot act on it. */
  readonly voices: (adapter: string) => VoiceHandle | undefined;
  /** Time after an action at which its outcome is measured; also how long a route to the fallback lasts. Default 30 s. */
  readonly outcomeWindowMs?: number;
  /** False: patterns, observations and credits change nothing. Default true. */
  readonly enabled?: boolean;
  /** Actions kept for {@link Healer.history}. Default 200. */
  readonly maxHistory?: number;
  /** Concurrency limit under rate limiting when nothing is in flight. Default 2. */
  readonly defaultMaxConcurrent?: number;
  /** Prior of the policy. Default: the original's mapping. */
  readonly prior?: HealingPrior;
  /** Told of every action taken (a copy). */
  readonly onAction?: (action: SelfHealingAction) => void;
  /** Told of every measured outcome (a copy). */
  readonly onOutcome?: (action: SelfHealingAction) => void;
}

/** The parts of a pattern the healer reads; an InfrastructurePattern is one. */
export type HealablePattern = Pick<InfrastructurePattern, 'patternType' | 'affectedAdapters' | 'category'> & {
  readonly evidence?: Readonly<Record<string, unknown>>;
};

/** An action whose outcome is not measured yet. */
interface PendingHealing {
  /** The recorded action; the healer's own copy, updated in place when the outcome is measured. */
  readonly action: SelfHealingAction;
  readonly startedAt: number;
  readonly patternType: PatternType;
  readonly category: ErrorCategory | undefined;
  readonly variant: HealingVariant;
  readonly handle: VoiceHandle;
  readonly baseline: HealthReading;
  readonly revert: () => void;
  reconnect: 'none' | 'running' | 'done' | 'failed';
  reconnectError?: string;
}

const copyOf = (a: SelfHealingAction): SelfHealingAction => ({
  ...a,
  parameters: { ...a.parameters },
  lessonsLearned: [...a.lessonsLearned],
});

const fixed = (x: number): string => x.toFixed(2);

/** An error's message for a lesson, which is persisted: credentials in it are redacted. */
const messageOf = (error: unknown): string =>
  redactSecrets(error instanceof Error ? error.message : String(error));

const contextLabel = (patternType: PatternType, category: ErrorCategory | undefined): string =>
  category !== undefined ? `${patternType}/${category}` : patternType;

const finiteOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/** Drops the knobs a recovered voice no longer needs; learned ones (timeout, backoff scale, defensive values) stay. */
function releaseTemporaryKnobs(tuning: VoiceTuning): void {
  tuning.routeToFallbackUntil = 0;
  tuning.maxConcurrent = undefined;
  tuning.sharedBackoff.clear();
  for (const [category, override] of tuning.retry) {
    if (override.maxAttempts === undefined) continue;
    if (override.delayScale === undefined) tuning.retry.delete(category);
    else tuning.retry.set(category, { delayScale: override.delayScale });
  }
  tuning.touch();
}

/**
 * Heals voices (DESIGN §6): on a pattern it picks an applicable action per affected voice with a
 * {@link HealingPolicy}, turns the knob on the voice's tuning and records the action; {@link Healer.observe}
 * measures each outcome once its window has elapsed, counts it in memory and reverts what did not help;
 * {@link Healer.credit} marks the actions of a failure episode successful when the voice recovers.
 */
export class Healer {
  /** Whether the healer acts at all. */
  public readonly enabled: boolean;
  /** Time after an action at which its outcome is measured. */
  public readonly outcomeWindowMs: number;
  private readonly clock: Clock;
  private readonly memory: PatternMemory;
  private readonly voices: (adapter: string) => VoiceHandle | undefined;
  private readonly policy: HealingPolicy;
  private readonly maxHistory: number;
  private readonly defaultMaxConcurrent: number;
  private readonly onAction: ((action: SelfHealingAction) => void) | undefined;
  private readonly onOutcome: ((action: SelfHealingAction) => void) | undefined;
  /** By actionId, oldest first. */
  private readonly waiting = new Map<string, PendingHealing>();
  /** Oldest first, at most maxHistory. */
  private readonly recent: SelfHealingAction[] = [];
  private readonly reconnects = new Set<Promise<void>>();
  private sequence = 0;

  /** Creates a healer; throws a RangeError on an invalid numeric option. */
  constructor(options: HealerOptions) {
    this.clock = options.clock;
    this.memory = options.memory;
    this.voices = options.voices;
    this.enabled = options.enabled ?? true;
    this.outcomeWindowMs = positiveOption(
      'Healer outcomeWindowMs',
      options.outcomeWindowMs,
      DEFAULT_OUTCOME_WINDOW_MS,
      false,
    );
    this.maxHistory = positiveOption('Healer maxHistory', options.maxHistory, DEFAULT_HEALER_HISTORY, true);
    this.defaultMaxConcurrent = positiveOption(
      'Healer defaultMaxConcurrent',
      options.defaultMaxConcurrent,
      2,
      true,
    );
    this.policy = new HealingPolicy({
      memory: options.memory,
      random: options.random,
      ...(options.prior !== undefined ? { prior: options.prior } : {}),
    });
    this.onAction = options.onAction;
    this.onOutcome = options.onOutcome;
  }

  /**
   * Acts on a pattern and returns the actions taken. A recovery credits the episode in its evidence
   * (`episodeStart` / `episodeEnd`); a resonance first puts its category on every affected voice's shared
   * backoff. An action of the type chosen that is still pending for the same adapter and (pattern type,
   * category) is not stacked: the voice is skipped.
   */
  onPattern(pattern: HealablePattern): SelfHealingAction[] {
    if (!this.enabled) return [];
    const now = this.clock();
    if (pattern.patternType === 'recovery') {
      const start = finiteOr(pattern.evidence?.['episodeStart'], Number.NEGATIVE_INFINITY);
      const end = finiteOr(pattern.evidence?.['episodeEnd'], now);
      return pattern.affectedAdapters.flatMap((adapter) => this.credit(adapter, start, end, now));
    }
    const taken: SelfHealingAction[] = [];
    for (const adapter of new Set(pattern.affectedAdapters)) {
      const action = this.healVoice(adapter, pattern, now);
      if (action !== undefined) taken.push(action);
    }
    return taken;
  }

  /**
   * Measures every pending action whose window has elapsed by `now`: the health score change is its impact,
   * {@link judgeOutcome} its success (a reconnect that rejected or has not finished is a failure). The
   * outcome is counted in memory; a failed action's knob is reverted. Returns the completed actions.
   */
  observe(now: number = this.clock()): SelfHealingAction[] {
    const done: SelfHealingAction[] = [];
    for (const record of [...this.waiting.values()]) {
      if (record.startedAt + this.outcomeWindowMs > now) continue;
      done.push(this.complete(record, now, false));
    }
    return done;
  }

  /**
   * Credits a recovery of `adapter`: its pending actions taken within [episodeStart, episodeEnd] complete as
   * successful (their measured impact recorded), and the voice's temporary knobs — route, concurrency limit,
   * shared backoff, fail-fast — are released; a learned timeout, backoff scale and defensive values stay.
   */
  credit(
    adapter: string,
    episodeStart: number,
    episodeEnd: number,
    now: number = this.clock(),
  ): SelfHealingAction[] {
    if (!this.enabled) return [];
    const credited: SelfHealingAction[] = [];
    for (const record of [...this.waiting.values()]) {
      if (record.action.targetAdapter !== adapter) continue;
      if (record.startedAt < episodeStart || record.startedAt > episodeEnd) continue;
      credited.push(this.complete(record, now, true));
    }
    const handle = this.voices(adapter);
    if (handle !== undefined) releaseTemporaryKnobs(handle.tuning);
    return credited;
  }

  /** Actions whose outcome is not measured yet (cheap: checked on every call). */
  get pendingCount(): number {
    return this.waiting.size;
  }

  /** Actions whose outcome is not measured yet, oldest first (copies). */
  pending(): SelfHealingAction[] {
    return [...this.waiting.values()].map((r) => copyOf(r.action));
  }

  /** The latest actions taken, pending or completed, oldest first (copies; at most `maxHistory`). */
  history(): SelfHealingAction[] {
    return this.recent.map(copyOf);
  }

  /** Completed actions of the history that were measured successful, oldest first (copies). */
  successfulHealings(): SelfHealingAction[] {
    return this.recent.filter((a) => a.completed && a.success === true).map(copyOf);
  }

  /** Resolves once every reconnect started so far has settled (it never rejects). */
  async settled(): Promise<void> {
    while (this.reconnects.size > 0) await Promise.all([...this.reconnects]);
  }

  private healVoice(adapter: string, pattern: HealablePattern, now: number): SelfHealingAction | undefined {
    const handle = this.voices(adapter);
    if (handle === undefined) return undefined;
    const { patternType, category } = pattern;
    const shared = patternType === 'resonance' && category !== undefined;
    if (shared) {
      handle.tuning.sharedBackoff.add(category);
      handle.tuning.touch();
    }
    const context: HealingContext = {
      hasFallback: handle.hasFallback(),
      canReconnect: typeof handle.reconnect === 'function',
      latencyP99Ms: handle.health.latencyP99Ms ?? handle.health.p95Ms,
      inFlight: handle.inFlight(),
      consecutiveFailures: handle.health.consecutiveFailures,
      canSubstitute: handle.canSubstitute?.() ?? true,
    };
    const candidates = applicableActions(patternType, category, context, {
      defaultMaxConcurrent: this.defaultMaxConcurrent,
    });
    const actionType = this.policy.choose(
      patternType,
      category,
      candidates.map((c) => c.actionType),
    );
    const chosen = candidates.find((c) => c.actionType === actionType);
    if (chosen === undefined || this.isPending(adapter, patternType, category, chosen.actionType)) {
      return undefined;
    }
    const baseline = readHealth(handle.health);
    const applied = applyAction(handle.tuning, chosen, now, this.outcomeWindowMs);
    const action: SelfHealingAction = {
      actionId: `heal-${Math.floor(now)}-${++this.sequence}`,
      actionType: chosen.actionType,
      targetAdapter: adapter,
      initiatedAt: new Date(now).toISOString(),
      reason: `${contextLabel(patternType, category)} on ${adapter}: ${chosen.variant}`,
      parameters: shared ? { ...applied.parameters, sharedBackoff: category } : applied.parameters,
      completed: false,
      success: null,
      impactOnHealth: null,
      lessonsLearned: [],
    };
    const record: PendingHealing = {
      action,
      startedAt: now,
      patternType,
      category,
      variant: chosen.variant,
      handle,
      baseline,
      revert: applied.revert,
      reconnect: 'none',
    };
    this.waiting.set(action.actionId, record);
    this.recent.push(action);
    if (this.recent.length > this.maxHistory) this.recent.shift();
    if (chosen.variant === 'reconnect') this.startReconnect(record);
    handle.health.recordHealingAction({
      actionId: action.actionId,
      actionType: action.actionType,
      initiatedAt: action.initiatedAt,
      reason: action.reason,
    });
    this.memory.rememberHealing(copyOf(action));
    const copy = copyOf(action);
    this.onAction?.(copy);
    return copy;
  }

  private isPending(
    adapter: string,
    patternType: PatternType,
    category: ErrorCategory | undefined,
    actionType: SelfHealingAction['actionType'],
  ): boolean {
    for (const r of this.waiting.values()) {
      if (
        r.action.targetAdapter === adapter &&
        r.patternType === patternType &&
        r.category === category &&
        r.action.actionType === actionType
      ) {
        return true;
      }
    }
    return false;
  }

  private startReconnect(record: PendingHealing): void {
    record.reconnect = 'running';
    let run: Promise<void>;
    try {
      run = Promise.resolve(record.handle.reconnect?.());
    } catch (error) {
      run = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const settled = run.then(
      () => {
        record.reconnect = 'done';
      },
      (error: unknown) => {
        record.reconnect = 'failed';
        record.reconnectError = messageOf(error);
      },
    );
    this.reconnects.add(settled);
    void settled.then(() => this.reconnects.delete(settled));
  }

  /** Measures, records and (on failure) reverts one pending action; `credited` is a recovery's verdict. */
  private complete(record: PendingHealing, now: number, credited: boolean): SelfHealingAction {
    const { action, baseline } = record;
    const reading = readHealth(record.handle.health);
    const judged = judgeOutcome(baseline, reading);
    const subject = `${record.variant} for ${contextLabel(record.patternType, record.category)} on ${action.targetAdapter}`;
    const change = `health score ${fixed(baseline.score)} → ${fixed(reading.score)}, error rate ${fixed(baseline.errorRate)} → ${fixed(reading.errorRate)}`;
    let success: boolean;
    let lesson: string;
    if (record.reconnect === 'failed') {
      success = false;
      lesson = `${subject} failed: reconnect rejected (${record.reconnectError ?? 'no reason'}).`;
    } else if (record.reconnect === 'running' && !credited) {
      success = false;
      lesson = `${subject} failed: reconnect had not finished after ${this.outcomeWindowMs} ms.`;
    } else if (credited) {
      success = true;
      lesson = `${subject} was followed by recovery (${change}).`;
    } else if (judged.success) {
      success = true;
      lesson = `${subject} helped within ${this.outcomeWindowMs} ms (${change}).`;
    } else {
      success = false;
      lesson = `${subject} did not help within ${this.outcomeWindowMs} ms (${change}); reverted.`;
    }
    action.completed = true;
    action.success = success;
    action.impactOnHealth = judged.impactOnHealth;
    action.lessonsLearned.push(lesson);
    this.waiting.delete(action.actionId);
    if (!success) record.revert();
    this.memory.recordHealingOutcome(
      record.patternType,
      record.category ?? NO_CATEGORY,
      action.actionType,
      success,
      now,
    );
    this.memory.rememberHealing(copyOf(action));
    const copy = copyOf(action);
    this.onOutcome?.(copy);
    return copy;
  }
}

import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { redactSecrets } from '../classify/redactSecrets.js';
import type { Clock } from '../clock/Clock.js';
import type { HealingMemory } from './HealingMemory.js';
import { positiveOption } from '../base/positiveOption.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import type { PatternType } from '../vocabulary/PatternType.js';
import { applicableActions, type HealingContext, type HealingVariant } from './applicableActions.js';
import { applyAction } from './applyAction.js';
import type { CallWindow } from '../voice/CallTally.js';
import type { HealingPrior } from './healingPrior.js';
import { HealingPolicy, NO_CATEGORY } from './HealingPolicy.js';
import {
  DEFAULT_VERDICT_THRESHOLDS,
  attemptFailuresFell,
  judgeVerdict,
  probeSampleOf,
  routedSampleOf,
  sampleOf,
  unroutedSampleOf,
  type CallSample,
  type MeasuredVerdict,
  type Verdict,
  type VerdictThresholds,
} from './judgeVerdict.js';
import type { RandomSource } from './RandomSource.js';
import type { SelfHealingAction } from './SelfHealingAction.js';
import type { VoiceHandle } from './VoiceHandle.js';

/** Default time after an action within which its outcome is measured (reference config `healing action timeout`). */
export const DEFAULT_OUTCOME_WINDOW_MS = 30_000;
/** Default number of actions {@link Healer.history} keeps. */
export const DEFAULT_HEALER_HISTORY = 200;
/** Calls measured each side of a verdict (before the action, and the first ones under it). */
export const DEFAULT_VERDICT_CALLS = 20;

/** Options of a {@link Healer}, validated once at construction. */
export interface HealerOptions {
  /** Epoch milliseconds. */
  readonly clock: Clock;
  /** Uniform [0, 1) source for the policy's Thompson draws. */
  readonly random: RandomSource;
  /** Outcome statistics (read by the policy, written with every measured outcome) and healing history. */
  readonly memory: HealingMemory;
  /** The voice of an adapter, or undefined when the healer cannot act on it. */
  readonly voices: (adapter: string) => VoiceHandle | undefined;
  /**
   * Longest time an action is measured (a verdict comes sooner once `verdictCalls` calls were made under it);
   * also how long a route lasts before it is renewed, and how long a knob that won decays after its pattern.
   * Default 30 s.
   */
  readonly outcomeWindowMs?: number;
  /** Calls compared each side of a verdict: the latest before the action, the first under it. Default 20. */
  readonly verdictCalls?: number;
  /** Least calls each side for a verdict at all, and the least relative effect that counts. Default 3, 25 %. */
  readonly verdictThresholds?: VerdictThresholds;
  /** False: patterns, observations and credits change nothing. Default true. */
  readonly enabled?: boolean;
  /** Actions kept for {@link Healer.history}. Default 200. */
  readonly maxHistory?: number;
  /** Concurrency limit under rate limiting when nothing is in flight. Default 2. */
  readonly defaultMaxConcurrent?: number;
  /** Prior of the policy. Default: the inherited mapping. */
  readonly prior?: HealingPrior;
  /** Told of every action taken (a copy). */
  readonly onAction?: (action: SelfHealingAction) => void;
  /** Told of every measured outcome (a copy). */
  readonly onOutcome?: (action: SelfHealingAction) => void;
}

/** The parts of a pattern the healer reads; an InfrastructurePattern is one. */
export type HealablePattern = Pick<InfrastructurePattern, 'patternType' | 'affectedAdapters' | 'category'> & {
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** ISO time the pattern was detected; one detected before its voice's latest recovery is over for the healer. */
  readonly detectionTime?: string;
};

/** An action taken: measured until its verdict, then (if it won) kept until its pattern ends and it decays. */
interface HealingRecord {
  /** The recorded action; the healer's own copy, updated in place when the outcome is measured. */
  readonly action: SelfHealingAction;
  /** When measurement starts: the action, or the end of its reconnect. */
  measuredFrom: number;
  readonly patternType: PatternType;
  readonly category: ErrorCategory | undefined;
  readonly variant: HealingVariant;
  readonly handle: VoiceHandle;
  /** When the action was taken: the control of the verdict is the voice's calls begun before it. */
  readonly actedAt: number;
  /**
   * The voice's calls just before the action as they stood when it was taken. The control is read again at the
   * verdict (calls in flight at the action have ended by then); this one stands in if that reads fewer calls.
   */
  readonly baseline: CallWindow;
  readonly revert: () => void;
  /** Extends a knob with a built-in end (a route) while its pattern lasts. */
  readonly renew: ((now: number) => void) | undefined;
  reconnect: 'none' | 'running' | 'done' | 'failed';
  reconnectError?: string;
  /** Set once the pattern ended: the knob reverts at this time (a won knob decays back). */
  expiresAt?: number;
}

const copyOf = (a: SelfHealingAction): SelfHealingAction => ({
  ...a,
  parameters: { ...a.parameters },
  lessonsLearned: [...a.lessonsLearned],
});

/** An error's message for a lesson, which is persisted: credentials in it are redacted. */
const messageOf = (error: unknown): string =>
  redactSecrets(error instanceof Error ? error.message : String(error));

const contextLabel = (patternType: PatternType, category: ErrorCategory | undefined): string =>
  category !== undefined ? `${patternType}/${category}` : patternType;

const VERDICT_WORDS: Readonly<Record<Verdict, string>> = {
  helped: 'helped',
  no_effect: 'changed nothing measurable; reverted',
  hurt: 'made calls fail more; reverted',
  inconclusive: 'could not be judged (too few calls); reverted, not counted',
};

/** When a pattern was detected (epoch ms): its detection time, or `now` without a readable one. */
function detectionMs(pattern: HealablePattern, now: number): number {
  const at = pattern.detectionTime === undefined ? Number.NaN : Date.parse(pattern.detectionTime);
  return Number.isFinite(at) ? at : now;
}

/** Drops the shared backoff a recovered voice no longer needs (resonance puts it on every voice, outside actions). */
function releaseSharedBackoff(handle: VoiceHandle): void {
  if (handle.tuning.sharedBackoff.size === 0) return;
  handle.tuning.sharedBackoff.clear();
  handle.tuning.touch();
}

/**
 * Heals voices (docs/architecture.md, Patterns, prediction, healing): on a pattern it picks an applicable action per affected voice with a
 * {@link HealingPolicy}, turns the knob on the voice's tuning and records the action. {@link Healer.observe}
 * judges each action by what it changed for calls ({@link judgeVerdict}: the first calls under it against the
 * voice's calls just before it, or a route's routed calls against its probes — against the calls before it when a
 * probe failed at a lasting fault), counts the verdict in memory and
 * reverts what did not help. Knobs live as long as their pattern: when it ends ({@link Healer.patternEnded}, or a
 * recovery) measurement stops — a recovery never awards success — what did not win is reverted at once, and what
 * won decays back after one outcome window.
 */
export class Healer {
  /** Whether the healer acts at all. */
  public readonly enabled: boolean;
  /** Longest measurement of an action; route length; decay time of a won knob. */
  public readonly outcomeWindowMs: number;
  /** Calls compared each side of a verdict. */
  public readonly verdictCalls: number;
  private readonly thresholds: VerdictThresholds;
  private readonly clock: Clock;
  private readonly memory: HealingMemory;
  private readonly voices: (adapter: string) => VoiceHandle | undefined;
  private readonly policy: HealingPolicy;
  private readonly maxHistory: number;
  private readonly defaultMaxConcurrent: number;
  private readonly onAction: ((action: SelfHealingAction) => void) | undefined;
  private readonly onOutcome: ((action: SelfHealingAction) => void) | undefined;
  /** Actions being measured, by actionId, oldest first. */
  private readonly waiting = new Map<string, HealingRecord>();
  /** Actions judged `helped` whose knobs are still on, by actionId. */
  private readonly kept = new Map<string, HealingRecord>();
  /** Oldest first, at most maxHistory. */
  private readonly recent: SelfHealingAction[] = [];
  private readonly reconnects = new Set<Promise<void>>();
  /** Detection time of each voice's latest recovery: a pattern detected before it is not acted on again. */
  private readonly recoveredAt = new Map<string, number>();
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
    this.verdictCalls = positiveOption(
      'Healer verdictCalls',
      options.verdictCalls,
      DEFAULT_VERDICT_CALLS,
      true,
    );
    const t = options.verdictThresholds ?? DEFAULT_VERDICT_THRESHOLDS;
    this.thresholds = {
      minCalls: positiveOption('Healer verdictThresholds.minCalls', t.minCalls, 3, true),
      minRelativeEffect: positiveOption(
        'Healer verdictThresholds.minRelativeEffect',
        t.minRelativeEffect,
        0.25,
        false,
      ),
    };
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
   * Acts on a pattern and returns the actions taken. A recovery ends the voice's patterns
   * ({@link Healer.patternEnded}) and takes no action, and a pattern of the voice detected before its latest
   * recovery is not acted on again (it is over, whether or not its detector has resolved it yet); a resonance first puts its category on every affected
   * voice's shared backoff. An action of the type chosen that is still measured or kept for the same adapter and
   * (pattern type, category) is not stacked: the voice is skipped.
   */
  onPattern(pattern: HealablePattern): SelfHealingAction[] {
    if (!this.enabled) return [];
    const now = this.clock();
    const detectedAt = detectionMs(pattern, now);
    if (pattern.patternType === 'recovery') {
      for (const adapter of pattern.affectedAdapters) this.recoveredAt.set(adapter, detectedAt);
      return pattern.affectedAdapters.flatMap((adapter) => this.patternEnded(adapter, undefined, now));
    }
    const taken: SelfHealingAction[] = [];
    for (const adapter of new Set(pattern.affectedAdapters)) {
      // A pattern the detectors have not resolved yet but that began before the voice recovered: the fault it
      // reported is over (acting on it judged a healthy voice against its fault, and counted a failure).
      if (detectedAt <= (this.recoveredAt.get(adapter) ?? Number.NEGATIVE_INFINITY)) continue;
      const action = this.healVoice(adapter, pattern, now);
      if (action !== undefined) taken.push(action);
    }
    return taken;
  }

  /**
   * Judges every action being measured that has its calls (`verdictCalls` under it, or probes enough for a
   * route) or whose window has elapsed by `now`; reverts knobs whose lifetime is over and renews kept routes.
   * Returns the actions judged now.
   */
  observe(now: number = this.clock()): SelfHealingAction[] {
    const done: SelfHealingAction[] = [];
    for (const record of [...this.waiting.values()]) {
      const elapsed = record.measuredFrom + this.outcomeWindowMs <= now;
      if (record.reconnect === 'running' || record.reconnect === 'failed') {
        if (elapsed || record.reconnect === 'failed') done.push(this.complete(record, now, false));
        continue;
      }
      if (elapsed || this.hasCalls(record, now)) done.push(this.complete(record, now, false));
    }
    for (const record of [...this.kept.values()]) {
      if (record.expiresAt === undefined) record.renew?.(now);
      else if (record.expiresAt <= now) this.release(record);
    }
    return done;
  }

  /**
   * A pattern of `adapter` ended (`patternType` undefined: all of them, as a recovery does). Measurement of its
   * actions stops — judged on the calls made until now, never counted a success for the recovery itself — and
   * their knobs' lifetimes end: reverted now, unless judged `helped`, then reverted after one outcome window.
   * Returns the actions judged now.
   */
  patternEnded(
    adapter: string,
    patternType: PatternType | undefined,
    now: number = this.clock(),
  ): SelfHealingAction[] {
    if (!this.enabled) return [];
    const ended = (r: HealingRecord): boolean =>
      r.action.targetAdapter === adapter && (patternType === undefined || r.patternType === patternType);
    const judged: SelfHealingAction[] = [];
    for (const record of [...this.waiting.values()]) {
      if (ended(record)) judged.push(this.complete(record, now, true));
    }
    for (const record of this.kept.values()) {
      if (ended(record) && record.expiresAt === undefined) record.expiresAt = now + this.outcomeWindowMs;
    }
    if (patternType === undefined) {
      const handle = this.voices(adapter);
      if (handle !== undefined) releaseSharedBackoff(handle);
    }
    return judged;
  }

  /** Actions being measured or holding knobs (cheap: checked on every call). */
  get pendingCount(): number {
    return this.waiting.size + this.kept.size;
  }

  /** Actions whose outcome is not measured yet, oldest first (copies). */
  pending(): SelfHealingAction[] {
    return [...this.waiting.values()].map((r) => copyOf(r.action));
  }

  /** Actions judged `helped` whose knobs are still on (copies). */
  active(): SelfHealingAction[] {
    return [...this.kept.values()].map((r) => copyOf(r.action));
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
      // A true p99 of the voice's own successful latencies over the last window: no knob times out below it.
      latencyP99Ms: handle.calls.successLatencyQuantile(0.99, now - this.outcomeWindowMs),
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
    if (chosen === undefined || this.isHeld(adapter, patternType, category, chosen.actionType)) {
      return undefined;
    }
    const baseline = handle.calls.before(now, this.verdictCalls, this.outcomeWindowMs);
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
    const record: HealingRecord = {
      action,
      measuredFrom: now,
      actedAt: now,
      patternType,
      category,
      variant: chosen.variant,
      handle,
      baseline,
      revert: applied.revert,
      renew: applied.renew,
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

  /** Whether an action of this type is measured or kept for the adapter and (pattern type, category). */
  private isHeld(
    adapter: string,
    patternType: PatternType,
    category: ErrorCategory | undefined,
    actionType: SelfHealingAction['actionType'],
  ): boolean {
    const same = (r: HealingRecord): boolean =>
      r.action.targetAdapter === adapter &&
      r.patternType === patternType &&
      r.category === category &&
      r.action.actionType === actionType;
    for (const r of this.waiting.values()) if (same(r)) return true;
    for (const r of this.kept.values()) if (same(r) && r.expiresAt === undefined) return true;
    return false;
  }

  /** Whether calls enough were made under the action for a verdict. */
  private hasCalls(record: HealingRecord, now: number): boolean {
    const calls = record.handle.calls;
    if (record.variant === 'route') {
      const w = calls.window(record.measuredFrom, now);
      return w.probes >= this.thresholds.minCalls && w.calls - w.probes >= this.thresholds.minCalls;
    }
    return calls.after(record.measuredFrom, now, this.verdictCalls).calls >= this.verdictCalls;
  }

  /**
   * The verdict on the calls made under the action until `now`. A route compares its routed calls with what a
   * caller would have seen without it ({@link Healer.routeControl}); every other action the first calls under it
   * with the voice's calls just before it.
   */
  private measure(record: HealingRecord, now: number): MeasuredVerdict {
    const calls = record.handle.calls;
    const control = sampleOf(this.baselineOf(record));
    if (record.variant === 'route') {
      const w = calls.window(record.measuredFrom, now);
      return judgeVerdict(record.variant, this.routeControl(record, w), routedSampleOf(w), this.thresholds);
    }
    const treated = sampleOf(calls.after(record.measuredFrom, now, this.verdictCalls));
    return judgeVerdict(record.variant, control, treated, this.thresholds);
  }

  /**
   * What the routed calls of window `w` are compared with: what a caller would have seen without the route. The
   * probes are that only while none of their attempts failed — a probe whose attempt fails falls back at once,
   * without the retries an un-routed call makes (RetryPolicy.giveUp), so at a failure fault the probes look nearly
   * as fast as the routed calls. Then the voice's un-routed calls just before the route are the control, as long as
   * the probes' attempts fail about as often as theirs did (the same fault); when the probes show the fault fading
   * (their attempts failing clearly less), the probes stay the control; so they do when the calls before are not
   * at the fault (none of their attempts failed: a route was on from the fault's start) or fewer than 3. Too few
   * probes: the calls before. "The calls before" are the latest made while no route was on
   * (neither routed calls nor probes of an earlier route).
   */
  private routeControl(record: HealingRecord, w: CallWindow): CallSample {
    // Un-routed calls only: a route taken again right after one was reverted would be compared with its own kind.
    const baseline = record.handle.calls.before(
      record.actedAt,
      this.verdictCalls,
      this.outcomeWindowMs,
      true,
    );
    const before = unroutedSampleOf(baseline);
    const probes = probeSampleOf(w);
    if (probes.calls < this.thresholds.minCalls) return before;
    if (w.failedAttempts === 0 || attemptFailuresFell(baseline, w, this.thresholds)) return probes;
    // Un-routed calls none of whose attempts failed predate the fault (a route was on from its start).
    return baseline.failedAttempts > 0 && before.calls >= this.thresholds.minCalls ? before : probes;
  }

  /**
   * The voice's calls begun before the action, read at the verdict: the tally counts a call by its start, so the
   * calls that were in flight when the action was taken (at a fault, the slow and retried ones) are in it now; at
   * the action they were not, and a control of the few calls that had ended left most verdicts inconclusive.
   */
  private baselineOf(record: HealingRecord): CallWindow {
    const reread = record.handle.calls.before(record.actedAt, this.verdictCalls, this.outcomeWindowMs);
    return reread.calls >= record.baseline.calls ? reread : record.baseline;
  }

  private startReconnect(record: HealingRecord): void {
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
        // Calls already on the old connection say nothing about the new one.
        record.measuredFrom = this.clock();
      },
      (error: unknown) => {
        record.reconnect = 'failed';
        record.reconnectError = messageOf(error);
      },
    );
    this.reconnects.add(settled);
    void settled.then(() => this.reconnects.delete(settled));
  }

  /**
   * Judges, records and (unless it helped) reverts one action being measured; `ended`: its pattern ended, so the
   * calls made until now are all there is (a recovery never counts as the action's success).
   */
  private complete(record: HealingRecord, now: number, ended: boolean): SelfHealingAction {
    const { action } = record;
    const subject = `${record.variant} for ${contextLabel(record.patternType, record.category)} on ${action.targetAdapter}`;
    let verdict: Verdict;
    let lesson: string;
    let impact = 0;
    if (record.reconnect === 'failed') {
      verdict = 'no_effect';
      lesson = `${subject} failed: reconnect rejected (${record.reconnectError ?? 'no reason'}).`;
    } else if (record.reconnect === 'running') {
      verdict = ended ? 'inconclusive' : 'no_effect';
      lesson = `${subject} failed: reconnect had not finished after ${this.outcomeWindowMs} ms.`;
    } else {
      const measured = this.measure(record, now);
      verdict = measured.verdict;
      impact = measured.impact;
      const when = ended ? 'until its pattern ended' : `within ${Math.round(now - record.measuredFrom)} ms`;
      lesson = `${subject} ${VERDICT_WORDS[verdict]} ${when} (${measured.detail}).`;
    }
    const success = verdict === 'helped' ? true : verdict === 'inconclusive' ? null : false;
    action.completed = true;
    action.success = success;
    action.impactOnHealth = impact;
    action.parameters = { ...action.parameters, verdict };
    action.lessonsLearned.push(lesson);
    this.waiting.delete(action.actionId);
    if (success === true) {
      this.kept.set(action.actionId, record);
      if (ended) record.expiresAt = now + this.outcomeWindowMs;
    } else {
      record.revert();
    }
    if (success !== null) {
      this.memory.recordHealingOutcome(
        record.patternType,
        record.category ?? NO_CATEGORY,
        action.actionType,
        success,
        now,
      );
    }
    this.memory.rememberHealing(copyOf(action));
    const copy = copyOf(action);
    this.onOutcome?.(copy);
    return copy;
  }

  /** A kept knob's lifetime is over: back to the configured value. */
  private release(record: HealingRecord): void {
    this.kept.delete(record.action.actionId);
    record.revert();
  }
}

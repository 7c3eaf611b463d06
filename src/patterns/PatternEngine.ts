import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { ApiChangeDetector, ApiChangeOptionsSchema } from './ApiChangeDetector.js';
import type { CallObservation } from './CallObservation.js';
import { DegradationDetector, DegradationOptionsSchema } from './DegradationDetector.js';
import type { InfrastructurePattern } from './InfrastructurePattern.js';
import { PATTERN_TYPES, type PatternImpact, type PatternType } from '../vocabulary/PatternType.js';
import type { DetectedPattern, PatternDetector } from './PatternDetector.js';
import { parsePatternOptions } from './parsePatternOptions.js';
import { RecoveryDetector, RecoveryOptionsSchema } from './RecoveryDetector.js';
import { ResonanceDetector, ResonanceOptionsSchema } from './ResonanceDetector.js';
import { clampUnit } from '../base/clamp.js';

/** What the engine asks pattern memory when it reports a pattern (implemented by the learning side). */
export interface PatternLookup {
  /** Ids of remembered patterns of this type on these adapters. */
  similarPastPatterns(type: PatternType, adapters: readonly string[]): string[];
  /** Healing actions that resolved this type (and category) before, best first. */
  successfulResolutions(type: PatternType, category?: ErrorCategory): string[];
}

/** The lookup used when none is injected: nothing is remembered yet. */
export const EMPTY_PATTERN_LOOKUP: PatternLookup = Object.freeze({
  similarPastPatterns: () => [],
  successfulResolutions: () => [],
});

const fn = <T>(message: string) => z.custom<T>((v) => typeof v === 'function', { message });

/** Options of a {@link PatternEngine} (validated once, at construction; errors name the option path). */
export const PatternEngineOptionsSchema = z
  .object({
    /** Options of the built-in degradation detector. */
    degradation: DegradationOptionsSchema.prefault({}),
    /** Options of the built-in api_change detector. */
    apiChange: ApiChangeOptionsSchema.prefault({}),
    /** Options of the built-in resonance detector. */
    resonance: ResonanceOptionsSchema.prefault({}),
    /** Options of the built-in recovery detector. */
    recovery: RecoveryOptionsSchema.prefault({}),
    /** Detectors to run instead of the four built-ins (the per-detector options above are then unused). */
    detectors: z
      .array(
        z.custom<PatternDetector>(
          (v) =>
            typeof v === 'object' && v !== null && typeof (v as { observe?: unknown }).observe === 'function',
          { message: 'expected a PatternDetector' },
        ),
      )
      .min(1)
      .optional(),
    /** Resolved patterns kept per type (the inherited patterns_per_type_limit). */
    historyPerType: z.number().int().min(1).default(100),
    /** How long (observation time, ms) a resolved pattern stays in the history: the inherited 5 min pattern window. */
    historyWindowMs: z.number().positive().default(300_000),
    /** Active patterns held at most; beyond that the oldest is resolved, so a detector bug cannot grow memory. */
    maxActive: z.number().int().min(1).default(1_000),
    /** Makes pattern ids; `crypto.randomUUID` by default. */
    idGenerator: fn<() => string>('expected a function returning a string').optional(),
    /** Pattern memory consulted for `similarPastPatterns` and `successfulResolutions`. */
    lookup: z
      .custom<PatternLookup>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as Partial<PatternLookup>).similarPastPatterns === 'function' &&
          typeof (v as Partial<PatternLookup>).successfulResolutions === 'function',
        { message: 'expected { similarPastPatterns(), successfulResolutions() }' },
      )
      .optional(),
    /** Called once when a pattern becomes active, and for every instant pattern (recovery). */
    onPattern: fn<(pattern: InfrastructurePattern) => void>('expected a function').optional(),
    /** Called when an active pattern escalates (higher impact, or its category becomes known). */
    onUpdated: fn<(pattern: InfrastructurePattern) => void>('expected a function').optional(),
    /** Called when an active pattern ends; the pattern carries `resolvedAt`. */
    onResolved: fn<(pattern: InfrastructurePattern) => void>('expected a function').optional(),
    /** Receives errors thrown by the lookup or a listener; without it the first one is rethrown by `observe`. */
    onError: fn<(error: unknown) => void>('expected a function').optional(),
  })
  .strict();

/** Options of a {@link PatternEngine}, as the caller writes them. */
export type PatternEngineOptions = z.input<typeof PatternEngineOptionsSchema>;

/** What one observation changed (all empty, and shared, when nothing did). */
export interface PatternChanges {
  /** Patterns that became active, and instant patterns. */
  readonly detected: readonly InfrastructurePattern[];
  /** Active patterns that escalated. */
  readonly updated: readonly InfrastructurePattern[];
  /** Patterns that ended. */
  readonly resolved: readonly InfrastructurePattern[];
}

const NO_CHANGES: PatternChanges = Object.freeze({
  detected: Object.freeze([]),
  updated: Object.freeze([]),
  resolved: Object.freeze([]),
});

const IMPACT_RANK: Readonly<Record<PatternImpact, number>> = {
  minor: 0,
  moderate: 1,
  severe: 2,
  critical: 3,
};

/** The changes of one observation while they are being collected. */
interface Batch {
  readonly detected: InfrastructurePattern[];
  readonly updated: InfrastructurePattern[];
  readonly resolved: InfrastructurePattern[];
  readonly errors: unknown[];
}

interface HistoryEntry {
  readonly pattern: InfrastructurePattern;
  readonly resolvedAtMs: number;
}

/**
 * Runs the detectors on every observation and turns what they report into `InfrastructurePattern`s: assigns ids,
 * keeps one active pattern per (type, adapter set), enriches new patterns from pattern memory, moves ended ones
 * to a bounded history and tells the listeners. Time comes only from the observations' timestamps. Patterns are
 * snapshots: a change produces a new object, so what a listener was given never changes under it.
 */
export class PatternEngine {
  /** The detectors run, in order, on every observation. */
  public readonly detectors: readonly PatternDetector[];
  /** The validated options, defaults applied. */
  public readonly options: z.output<typeof PatternEngineOptionsSchema>;
  private readonly active = new Map<string, InfrastructurePattern>();
  private readonly resolvedHistory: Record<PatternType, HistoryEntry[]> = {
    degradation: [],
    api_change: [],
    resonance: [],
    recovery: [],
  };
  private readonly newId: () => string;
  private readonly lookup: PatternLookup;
  private latest = Number.NEGATIVE_INFINITY;
  /** The earliest time (observation time) at which a history entry leaves the window. */
  private pruneDueAt = Number.POSITIVE_INFINITY;

  /** Creates an engine with the four built-in detectors (or `options.detectors`); throws a TypeError on a bad option. */
  constructor(options?: PatternEngineOptions) {
    this.options = parsePatternOptions('PatternEngine', PatternEngineOptionsSchema, options);
    const o = this.options;
    this.detectors = o.detectors ?? [
      new DegradationDetector(o.degradation),
      new ApiChangeDetector(o.apiChange),
      new ResonanceDetector(o.resonance),
      new RecoveryDetector(o.recovery),
    ];
    this.newId = o.idGenerator ?? randomUUID;
    this.lookup = o.lookup ?? EMPTY_PATTERN_LOOKUP;
  }

  /** Feeds one observation to every detector; returns what changed. Observations without a finite timestamp are ignored. */
  public observe(observation: CallObservation): PatternChanges {
    const now = observation.timestamp;
    if (!Number.isFinite(now)) return NO_CHANGES;
    if (now > this.latest) this.latest = now;
    // Allocated only when a detector reports something: the common observation allocates nothing here.
    // Indexed loops: `for … of` over the detectors and their (mostly empty) reports allocated an
    // iterator and its results per detector per call here (~350 bytes a call, heap sampling).
    let batch: Batch | undefined;
    const detectors = this.detectors;
    for (let i = 0; i < detectors.length; i++) {
      const found = detectors[i]!.observe(observation);
      for (let j = 0; j < found.length; j++) {
        batch ??= { detected: [], updated: [], resolved: [], errors: [] };
        this.apply(found[j]!, now, batch);
      }
    }
    if (this.latest > this.pruneDueAt) this.pruneHistory();
    if (batch === undefined) return NO_CHANGES;
    this.notify(batch);
    if (batch.errors.length > 0) this.report(batch.errors);
    return { detected: batch.detected, updated: batch.updated, resolved: batch.resolved };
  }

  /** The patterns currently active, oldest first. */
  public activePatterns(): InfrastructurePattern[] {
    return [...this.active.values()];
  }

  /**
   * Resolved and instant patterns still within the history window, oldest first: those of one type, or of all
   * types. At most `historyPerType` per type.
   */
  public history(type?: PatternType): InfrastructurePattern[] {
    if (type !== undefined) return this.resolvedHistory[type].map((e) => e.pattern);
    const all: HistoryEntry[] = [];
    for (const t of PATTERN_TYPES) all.push(...this.resolvedHistory[t]);
    return all.sort((a, b) => a.resolvedAtMs - b.resolvedAtMs).map((e) => e.pattern);
  }

  /** State entries held by the engine and its detectors, for checking that memory stays bounded. */
  public get size(): number {
    let n = this.active.size;
    for (const t of PATTERN_TYPES) n += this.resolvedHistory[t].length;
    for (const detector of this.detectors) n += detector.size;
    return n;
  }

  /** Applies one detector report to the active set and the history. */
  private apply(d: DetectedPattern, now: number, batch: Batch): void {
    if (d.adapters.length === 0) return;
    const adapters = d.adapters.length > 1 ? [...d.adapters].sort() : [...d.adapters];
    const key = `${d.type}\u0000${adapters.join('\u0000')}`;
    const existing = this.active.get(key);
    if (d.phase === 'resolved') {
      if (existing === undefined) return;
      this.active.delete(key);
      batch.resolved.push(this.retire(existing, now));
    } else if (d.phase === 'instant') {
      const pattern = this.build(d, adapters, now, batch.errors, true);
      this.remember(pattern, now);
      batch.detected.push(pattern);
    } else if (existing !== undefined) {
      const higher = IMPACT_RANK[d.impact] > IMPACT_RANK[existing.predictedImpact];
      const category = d.category ?? existing.category;
      if (!higher && category === existing.category) return;
      // A new object, not a mutation: listeners keep the snapshot they were given.
      const updated: InfrastructurePattern = {
        ...existing,
        confidence: clampUnit(d.confidence),
        predictedImpact: higher ? d.impact : existing.predictedImpact,
        suggestedAction: d.suggestedAction,
        ...(category !== undefined ? { category } : {}),
        evidence: { ...d.evidence },
      };
      this.active.set(key, updated);
      batch.updated.push(updated);
    } else {
      const pattern = this.build(d, adapters, now, batch.errors, false);
      this.active.set(key, pattern);
      batch.detected.push(pattern);
      if (this.active.size > this.options.maxActive) {
        const oldest = this.active.entries().next();
        if (oldest.done !== true) {
          this.active.delete(oldest.value[0]);
          batch.resolved.push(this.retire(oldest.value[1], now));
        }
      }
    }
  }

  private build(
    d: DetectedPattern,
    adapters: string[],
    now: number,
    errors: unknown[],
    instant: boolean,
  ): InfrastructurePattern {
    const detectionTime = new Date(now).toISOString();
    return {
      patternId: this.newId(),
      patternType: d.type,
      affectedAdapters: adapters,
      detectionTime,
      confidence: clampUnit(d.confidence),
      predictedImpact: d.impact,
      suggestedAction: d.suggestedAction,
      ...(d.category !== undefined ? { category: d.category } : {}),
      evidence: { ...d.evidence },
      similarPastPatterns: this.ask(() => this.lookup.similarPastPatterns(d.type, adapters), errors),
      successfulResolutions: this.ask(() => this.lookup.successfulResolutions(d.type, d.category), errors),
      ...(instant ? { resolvedAt: detectionTime } : {}),
    };
  }

  /** A lookup answer copied (so memory cannot change it later); an error leaves it empty and is reported. */
  private ask(query: () => string[], errors: unknown[]): string[] {
    try {
      const answer = query();
      return Array.isArray(answer) ? answer.filter((x) => typeof x === 'string') : [];
    } catch (error) {
      errors.push(error);
      return [];
    }
  }

  private retire(pattern: InfrastructurePattern, now: number): InfrastructurePattern {
    const resolved: InfrastructurePattern = { ...pattern, resolvedAt: new Date(now).toISOString() };
    this.remember(resolved, now);
    return resolved;
  }

  private remember(pattern: InfrastructurePattern, now: number): void {
    const entries = this.resolvedHistory[pattern.patternType];
    entries.push({ pattern, resolvedAtMs: now });
    if (entries.length > this.options.historyPerType) entries.shift();
    this.pruneDueAt = Math.min(this.pruneDueAt, now + this.options.historyWindowMs);
  }

  /**
   * Drops history entries older than the window; entries are in time order, so only the fronts are
   * checked, and only once the oldest front is due (`pruneDueAt`), not on every observation.
   */
  private pruneHistory(): void {
    const window = this.options.historyWindowMs;
    const horizon = this.latest - window;
    let due = Number.POSITIVE_INFINITY;
    for (const t of PATTERN_TYPES) {
      const entries = this.resolvedHistory[t];
      let drop = 0;
      while (drop < entries.length && entries[drop]!.resolvedAtMs < horizon) drop++;
      if (drop > 0) entries.splice(0, drop);
      if (entries.length > 0) due = Math.min(due, entries[0]!.resolvedAtMs + window);
    }
    this.pruneDueAt = due;
  }

  /** Calls the listeners after the state is consistent, so a throwing listener cannot corrupt it. */
  private notify(batch: Batch): void {
    const { onPattern, onUpdated, onResolved } = this.options;
    // Resolutions first: a resolve-then-restart in one batch reads in the order it happened.
    if (onResolved !== undefined) for (const p of batch.resolved) call(onResolved, p, batch.errors);
    if (onPattern !== undefined) for (const p of batch.detected) call(onPattern, p, batch.errors);
    if (onUpdated !== undefined) for (const p of batch.updated) call(onUpdated, p, batch.errors);
  }

  private report(errors: unknown[]): void {
    const onError = this.options.onError;
    if (onError === undefined) throw errors[0];
    for (const error of errors) onError(error);
  }
}

function call(
  listener: (pattern: InfrastructurePattern) => void,
  pattern: InfrastructurePattern,
  errors: unknown[],
): void {
  try {
    listener(pattern);
  } catch (error) {
    errors.push(error);
  }
}

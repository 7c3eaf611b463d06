import { z } from 'zod';
import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { AdapterStates } from './AdapterStates.js';
import type { CallObservation } from './CallObservation.js';
import { NO_PATTERNS, outcomeOf, type DetectedPattern, type PatternDetector } from './PatternDetector.js';
import { parsePatternOptions } from './parsePatternOptions.js';

/** Options of a {@link ResonanceDetector} (validated once, at construction). */
export const ResonanceOptionsSchema = z
  .object({
    /** Adapters that must enter failure within the window (the inherited resonance failure threshold 3). */
    threshold: z.number().int().min(2).default(3),
    /** How close together (ms of observation time) the adapters must enter failure. */
    windowMs: z.number().positive().default(30_000),
    /** How many adapters exist; by default the adapters this detector has seen. */
    adapterCount: z
      .custom<() => number>((v) => typeof v === 'function', {
        message: 'expected a function returning a number',
      })
      .optional(),
    /** Adapters tracked at most; the least recently observed is forgotten beyond that. */
    maxAdapters: z.number().int().min(1).default(256),
  })
  .strict();

/** Options of a {@link ResonanceDetector}, as the caller writes them. */
export type ResonanceOptions = z.input<typeof ResonanceOptionsSchema>;

/** The inherited suggested action for resonance. */
export const RESONANCE_ACTION = 'System-wide infrastructure issue - check common dependencies';

// Below this many adapters the threshold becomes half of them: with 4 voices, 2 failing together is systemic.
const SMALL_SET = 6;

/** Adapters that must fail together: `configured`, or half of `known` (at least 2) when fewer than 6 are known. */
export function resonanceThreshold(configured: number, known: number): number {
  if (!(known < SMALL_SET)) return configured;
  return Math.min(configured, Math.max(2, Math.ceil(known / 2)));
}

class ResonanceState {
  failing = false;
  enteredAt = Number.NEGATIVE_INFINITY;
  category: ErrorCategory = 'unknown';
}

/**
 * Detects several adapters failing together (`resonance`, docs/architecture.md, Patterns, prediction, healing): at least the threshold of adapters entering
 * failure (a failure after a success, or a first observation that fails) within `windowMs`, naming the category
 * most of them share. Ends when fewer than the threshold are failing. Work is O(1) per observation, plus one scan
 * of the bounded adapter table when an adapter enters failure.
 */
export class ResonanceDetector implements PatternDetector {
  /** Always `resonance`. */
  public readonly type = 'resonance' as const;
  /** The validated options, defaults applied. */
  public readonly options: z.output<typeof ResonanceOptionsSchema>;
  private readonly states: AdapterStates<ResonanceState>;
  private failingCount = 0;
  private activeAdapters: readonly string[] | undefined = undefined;
  private activeConfidence = 0;
  private activeCategory: ErrorCategory = 'unknown';

  /** Creates a detector; throws a TypeError naming the option path when an option is invalid. */
  constructor(options?: ResonanceOptions) {
    this.options = parsePatternOptions('ResonanceDetector', ResonanceOptionsSchema, options);
    this.states = new AdapterStates(
      this.options.maxAdapters,
      () => new ResonanceState(),
      (_adapter, old) => {
        if (old.failing) this.failingCount--;
      },
    );
  }

  /** Adapters tracked. */
  public get size(): number {
    return this.states.size;
  }

  /** Adapters currently failing (their last counted outcome was a failure). */
  public get failing(): number {
    return this.failingCount;
  }

  /** The threshold in force: the configured one, or half the adapters (at least 2) when there are fewer than 6. */
  public get effectiveThreshold(): number {
    return resonanceThreshold(this.options.threshold, this.options.adapterCount?.() ?? this.states.size);
  }

  /** Updates the adapter's failing state; returns a pattern when resonance starts or ends. */
  public observe(o: CallObservation): readonly DetectedPattern[] {
    const outcome = outcomeOf(o);
    if (outcome === 'neutral') return NO_PATTERNS;
    const s = this.states.touch(o.adapter);
    let entered = false;
    if (outcome === 'failure') {
      s.category = o.category ?? 'unknown';
      if (!s.failing) {
        s.failing = true;
        s.enteredAt = o.timestamp;
        this.failingCount++;
        entered = true;
      }
    } else if (s.failing) {
      s.failing = false;
      this.failingCount--;
    }

    if (this.activeAdapters === undefined) {
      return entered ? this.detect(o.timestamp, this.effectiveThreshold) : NO_PATTERNS;
    }
    const threshold = this.effectiveThreshold;
    if (this.failingCount >= threshold) return NO_PATTERNS;
    const resolved: DetectedPattern = {
      type: 'resonance',
      phase: 'resolved',
      adapters: this.activeAdapters,
      confidence: this.activeConfidence,
      impact: 'critical',
      suggestedAction: RESONANCE_ACTION,
      category: this.activeCategory,
      evidence: { failingAdapters: this.failingCount, threshold },
    };
    this.activeAdapters = undefined;
    return [resolved];
  }

  private detect(now: number, threshold: number): readonly DetectedPattern[] {
    if (this.failingCount < threshold) return NO_PATTERNS;
    const since = now - this.options.windowMs;
    const entries: { adapter: string; enteredAt: number; category: ErrorCategory }[] = [];
    const counts = new Map<ErrorCategory, number>();
    for (const [adapter, s] of this.states.entries()) {
      if (!s.failing || s.enteredAt < since) continue;
      entries.push({ adapter, enteredAt: s.enteredAt, category: s.category });
      counts.set(s.category, (counts.get(s.category) ?? 0) + 1);
    }
    if (entries.length < threshold) return NO_PATTERNS;
    let shared: ErrorCategory = 'unknown';
    let best = 0;
    // Ties go to the category listed first in the taxonomy, so the result does not depend on arrival order.
    for (const category of ERROR_CATEGORIES) {
      const n = counts.get(category) ?? 0;
      if (n > best) {
        best = n;
        shared = category;
      }
    }
    const share = best / entries.length;
    const confidence = Math.min(0.99, 0.7 + 0.2 * share + 0.02 * (entries.length - threshold));
    const adapters = entries.map((e) => e.adapter).sort();
    entries.sort((a, b) => a.enteredAt - b.enteredAt || (a.adapter < b.adapter ? -1 : 1));
    this.activeAdapters = adapters;
    this.activeConfidence = confidence;
    this.activeCategory = shared;
    return [
      {
        type: 'resonance',
        phase: 'active',
        adapters,
        confidence,
        impact: 'critical',
        suggestedAction: RESONANCE_ACTION,
        category: shared,
        evidence: {
          windowMs: this.options.windowMs,
          threshold,
          knownAdapters: this.options.adapterCount?.() ?? this.states.size,
          sharedCategoryShare: share,
          categories: Object.fromEntries(counts),
          entries,
        },
      },
    ];
  }
}

import { z } from 'zod';
import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { AdapterStates } from './AdapterStates.js';
import type { CallObservation } from './CallObservation.js';
import { NO_PATTERNS, outcomeOf, type DetectedPattern, type PatternDetector } from './PatternDetector.js';
import { parsePatternOptions } from './parsePatternOptions.js';

/** Options of a {@link RecoveryDetector} (validated once, at construction). */
export const RecoveryOptionsSchema = z
  .object({
    /** Consecutive successes that end a failure episode; recovery is reported then. */
    successesToRecover: z.number().int().min(1).default(3),
    /** Failures an episode needs to be worth reporting (1: every episode, as docs/architecture.md defines it). */
    minEpisodeFailures: z.number().int().min(1).default(1),
    /** Latest outcomes (at most 30) whose failures the success streak must at least match to end an episode. */
    recentWindow: z.number().int().min(1).max(30).default(20),
    /** Adapters tracked at most; the least recently observed is forgotten beyond that. */
    maxAdapters: z.number().int().min(1).default(256),
  })
  .strict();

/** Options of a {@link RecoveryDetector}, as the caller writes them. */
export type RecoveryOptions = z.input<typeof RecoveryOptionsSchema>;

const RECOVERY_CONFIDENCE = 0.8;

class RecoveryState {
  inEpisode = false;
  episodeStart = 0;
  lastFailureAt = 0;
  healthySince = 0;
  failures = 0;
  successesInRow = 0;
  /** Latest outcomes as bits, newest lowest: 1 = failure. */
  recent = 0;
  /** Failures per category in this episode, indexed like ERROR_CATEGORIES (fixed size: no growth). */
  readonly categories = new Uint32Array(ERROR_CATEGORIES.length);
}

/** Set bits of a 32-bit integer. */
function popcount(bits: number): number {
  let n = bits - ((bits >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const CATEGORY_INDEX: ReadonlyMap<ErrorCategory, number> = new Map(ERROR_CATEGORIES.map((c, i) => [c, i]));

/**
 * Detects an adapter returning to health after a failure episode (`recovery`, docs/architecture.md, Patterns, prediction, healing). An episode runs from
 * the first failure until at least `successesToRecover` consecutive successes, and no fewer than the failures among
 * the latest `recentWindow` outcomes, with the adapter connected (a few lucky successes amid frequent failures are
 * not a return to health: at a 60% failure rate an episode ends about once in a thousand calls); recovery is then reported once, as an
 * `instant` pattern whose evidence carries `episodeStart` / `episodeEnd` (epoch ms) and the categories seen, so
 * the healer can credit the actions it took in that interval.
 */
export class RecoveryDetector implements PatternDetector {
  /** Always `recovery`. */
  public readonly type = 'recovery' as const;
  /** The validated options, defaults applied. */
  public readonly options: z.output<typeof RecoveryOptionsSchema>;
  private readonly states: AdapterStates<RecoveryState>;
  private readonly recentMask: number;

  /** Creates a detector; throws a TypeError naming the option path when an option is invalid. */
  constructor(options?: RecoveryOptions) {
    this.options = parsePatternOptions('RecoveryDetector', RecoveryOptionsSchema, options);
    this.states = new AdapterStates(this.options.maxAdapters, () => new RecoveryState());
    this.recentMask = (1 << this.options.recentWindow) - 1;
  }

  /** Adapters tracked. */
  public get size(): number {
    return this.states.size;
  }

  /** Whether the adapter is in a failure episode (it failed and has not yet had enough successes in a row). */
  public inEpisode(adapter: string): boolean {
    return this.states.peek(adapter)?.inEpisode ?? false;
  }

  /** Updates the adapter's episode; returns a recovery when an episode ends. */
  public observe(o: CallObservation): readonly DetectedPattern[] {
    const outcome = outcomeOf(o);
    if (outcome === 'neutral') return NO_PATTERNS;
    const s = this.states.touch(o.adapter);
    s.recent = ((s.recent << 1) | (outcome === 'failure' ? 1 : 0)) & 0x3fffffff;
    if (outcome === 'failure') {
      if (!s.inEpisode) {
        s.inEpisode = true;
        s.episodeStart = o.timestamp;
        s.failures = 0;
        s.categories.fill(0);
      }
      s.failures++;
      s.successesInRow = 0;
      s.lastFailureAt = o.timestamp;
      const i = CATEGORY_INDEX.get(o.category ?? 'unknown') ?? CATEGORY_INDEX.get('unknown')!;
      s.categories[i]!++;
      return NO_PATTERNS;
    }
    if (!s.inEpisode) return NO_PATTERNS;
    s.successesInRow++;
    if (s.successesInRow === 1) s.healthySince = o.timestamp;
    if (s.successesInRow < this.options.successesToRecover) return NO_PATTERNS;
    // "Returning to healthy": a few lucky successes while calls still fail often are not it. The
    // streak must be at least as long as the failures among the latest outcomes.
    if (o.status === 'disconnected' || s.successesInRow < popcount(s.recent & this.recentMask)) {
      return NO_PATTERNS;
    }
    s.inEpisode = false;
    if (s.failures < this.options.minEpisodeFailures) return NO_PATTERNS;
    return [this.recovery(o, s)];
  }

  private recovery(o: CallObservation, s: RecoveryState): DetectedPattern {
    const categories: Partial<Record<ErrorCategory, number>> = {};
    let dominant: ErrorCategory = 'unknown';
    let best = 0;
    for (let i = 0; i < ERROR_CATEGORIES.length; i++) {
      const n = s.categories[i]!;
      const category = ERROR_CATEGORIES[i]!;
      if (n === 0) continue;
      categories[category] = n;
      if (n > best) {
        best = n;
        dominant = category;
      }
    }
    return {
      type: 'recovery',
      phase: 'instant',
      adapters: [o.adapter],
      confidence: RECOVERY_CONFIDENCE,
      impact: 'minor',
      suggestedAction:
        'Adapter recovered - credit the healing actions of this episode and restore normal routing',
      category: dominant,
      evidence: {
        episodeStart: s.episodeStart,
        episodeEnd: o.timestamp,
        lastFailureAt: s.lastFailureAt,
        healthySince: s.healthySince,
        durationMs: o.timestamp - s.episodeStart,
        failures: s.failures,
        categories,
        successesToRecover: this.options.successesToRecover,
        status: o.status,
      },
    };
  }
}

import { z } from 'zod';
import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { AdapterStates } from './AdapterStates.js';
import type { CallObservation } from './CallObservation.js';
import type { PatternImpact } from '../vocabulary/PatternType.js';
import { NO_PATTERNS, type DetectedPattern, type PatternDetector } from './PatternDetector.js';
import { parsePatternOptions } from './parsePatternOptions.js';

/** The categories that mean the provider's API itself changed (docs/architecture.md, Patterns, prediction, healing), not that it is unwell. */
export const STRUCTURAL_CATEGORIES: readonly ErrorCategory[] = Object.freeze([
  'api_return_none',
  'api_method_missing',
  'invalid_response',
  'import_failure',
]);

/** Options of an {@link ApiChangeDetector} (validated once, at construction). */
export const ApiChangeOptionsSchema = z
  .object({
    /** Successes since the last structural failure before a new one counts as an abrupt change. */
    minPriorSuccesses: z.number().int().min(1).default(3),
    /** Sightings after which a response shape is known (stable); only a change away from a known shape counts. */
    stableShapeCount: z.number().int().min(1).default(5),
    /** Consecutive responses an unknown shape must persist for, so one response with an optional field is not a change. */
    shapeChangePersistence: z.number().int().min(1).default(2),
    /** Shapes remembered per adapter (least recently seen forgotten first). */
    maxShapesPerAdapter: z.number().int().min(1).default(8),
    /** Successes without a structural failure or unknown shape before the change counts as absorbed. */
    resolveAfterSuccesses: z.number().int().min(1).default(10),
    /** Failure categories that signal an API change. */
    structuralCategories: z
      .array(z.enum(ERROR_CATEGORIES))
      .min(1)
      .default([...STRUCTURAL_CATEGORIES]),
    /** Adapters tracked at most; the least recently observed is forgotten beyond that. */
    maxAdapters: z.number().int().min(1).default(256),
  })
  .strict();

/** Options of an {@link ApiChangeDetector}, as the caller writes them. */
export type ApiChangeOptions = z.input<typeof ApiChangeOptionsSchema>;

// The inherited api_change confidence; a shape change that only adds keys is weaker evidence of breakage.
const STRUCTURAL_CONFIDENCE = 0.9;
const ADDITIVE_SHAPE_CONFIDENCE = 0.7;

class ApiChangeState {
  successesSinceStructural = 0;
  /** Shape fingerprint -> sightings; Map order is the recency order. */
  readonly shapes = new Map<string, number>();
  /** The most recent shape that was known (stable) when seen. */
  lastKnownShape: string | undefined = undefined;
  /** The current run of identical shapes, the known shape it departed from, and whether it began unknown. */
  runShape: string | undefined = undefined;
  runLength = 0;
  runFrom: string | undefined = undefined;
  runNovel = false;
  active = false;
  impact: PatternImpact = 'severe';
  confidence = STRUCTURAL_CONFIDENCE;
  category: ErrorCategory | undefined = undefined;
  quiet = 0;
}

/**
 * Detects a provider API change (`api_change`, docs/architecture.md, Patterns, prediction, healing): a structural failure (`api_return_none`,
 * `api_method_missing`, `invalid_response`, `import_failure`) after at least `minPriorSuccesses` successes, or a
 * successful response whose key-set fingerprint leaves a known shape for an unknown one that persists for
 * `shapeChangePersistence` responses. Shapes seen `stableShapeCount` times become known, so an optional field
 * that comes and goes is learned as a second normal shape instead of reported.
 */
export class ApiChangeDetector implements PatternDetector {
  /** Always `api_change`. */
  public readonly type = 'api_change' as const;
  /** The validated options, defaults applied. */
  public readonly options: z.output<typeof ApiChangeOptionsSchema>;
  private readonly structural: ReadonlySet<ErrorCategory>;
  private readonly states: AdapterStates<ApiChangeState>;
  /** The resolution of a pattern whose adapter was just forgotten, returned with the current observation. */
  private evicted: DetectedPattern | undefined = undefined;

  /** Creates a detector; throws a TypeError naming the option path when an option is invalid. */
  constructor(options?: ApiChangeOptions) {
    this.options = parsePatternOptions('ApiChangeDetector', ApiChangeOptionsSchema, options);
    this.structural = new Set(this.options.structuralCategories);
    this.states = new AdapterStates(
      this.options.maxAdapters,
      () => new ApiChangeState(),
      (adapter, old) => {
        if (old.active) this.evicted = this.resolved(adapter, old);
      },
    );
  }

  /** Adapters tracked plus shapes remembered. */
  public get size(): number {
    let shapes = 0;
    for (const [, s] of this.states.entries()) shapes += s.shapes.size;
    return this.states.size + shapes;
  }

  /**
   * Learns that `adapter` now answers with `shape` (another instance found the API change): the
   * shape counts as known, so seeing it here is not reported as a change again (the shape this
   * instance knew stays the one a later change is measured from).
   */
  public learnShape(adapter: string, shape: string): void {
    const s = this.states.touch(adapter);
    const before = this.sight(s, shape);
    s.shapes.set(shape, Math.max(before + 1, this.options.stableShapeCount));
  }

  /** Updates the adapter's shape history; returns a pattern when a change starts, escalates or is absorbed. */
  public observe(o: CallObservation): readonly DetectedPattern[] {
    const s = this.states.touch(o.adapter);
    const evicted = this.evicted;
    this.evicted = undefined;
    let emitted: DetectedPattern | undefined;
    if (o.ok) emitted = this.onSuccess(o, s);
    else if (o.category !== undefined && this.structural.has(o.category))
      emitted = this.onStructural(o, o.category, s);
    if (evicted === undefined) return emitted === undefined ? NO_PATTERNS : [emitted];
    return emitted === undefined ? [evicted] : [evicted, emitted];
  }

  private onStructural(
    o: CallObservation,
    category: ErrorCategory,
    s: ApiChangeState,
  ): DetectedPattern | undefined {
    const priorSuccesses = s.successesSinceStructural;
    s.successesSinceStructural = 0;
    s.runShape = undefined;
    s.runLength = 0;
    s.quiet = 0;
    const escalates = s.active && (s.impact !== 'severe' || s.category === undefined);
    if (!escalates && (s.active || priorSuccesses < this.options.minPriorSuccesses)) return undefined;
    s.active = true;
    s.impact = 'severe';
    s.confidence = STRUCTURAL_CONFIDENCE;
    s.category = category;
    return {
      type: 'api_change',
      phase: 'active',
      adapters: [o.adapter],
      confidence: s.confidence,
      impact: s.impact,
      suggestedAction: STRUCTURAL_ACTION[category] ?? GENERIC_ACTION,
      category,
      evidence: { trigger: 'structural_failure', category, priorSuccesses },
    };
  }

  private onSuccess(o: CallObservation, s: ApiChangeState): DetectedPattern | undefined {
    s.successesSinceStructural++;
    s.quiet++;
    const shape = o.responseShape;
    if (shape !== undefined) {
      const stable = this.options.stableShapeCount;
      const before = this.sight(s, shape);
      if (s.runShape === shape) {
        s.runLength++;
      } else {
        s.runShape = shape;
        s.runLength = 1;
        s.runFrom = s.lastKnownShape;
        s.runNovel = before < stable;
      }
      if (before + 1 >= stable) s.lastKnownShape = shape;
      // While the new shape is still unknown the change is still settling.
      if (s.active && before < stable) s.quiet = 0;
      const from = s.runFrom;
      if (
        !s.active &&
        s.runNovel &&
        from !== undefined &&
        from !== shape &&
        s.runLength === this.options.shapeChangePersistence
      ) {
        return this.shapeChange(o, s, from, shape);
      }
    }
    if (s.active && s.quiet >= this.options.resolveAfterSuccesses) {
      s.active = false;
      return this.resolved(o.adapter, s);
    }
    return undefined;
  }

  /** Counts a sighting of a shape (bounded LRU map); returns its sightings before this one. */
  private sight(s: ApiChangeState, shape: string): number {
    const before = s.shapes.get(shape) ?? 0;
    if (before > 0 && shape === s.runShape) {
      // Already the most recently seen shape (the common case): count it without reordering the map.
      s.shapes.set(shape, before + 1);
      return before;
    }
    s.shapes.delete(shape);
    if (s.shapes.size >= this.options.maxShapesPerAdapter) {
      const oldest = s.shapes.keys().next();
      if (oldest.done !== true) s.shapes.delete(oldest.value);
    }
    s.shapes.set(shape, before + 1);
    return before;
  }

  private shapeChange(
    o: CallObservation,
    s: ApiChangeState,
    previous: string,
    next: string,
  ): DetectedPattern {
    const before = new Set(splitShape(previous));
    const after = new Set(splitShape(next));
    const removedKeys = [...before].filter((k) => !after.has(k));
    const addedKeys = [...after].filter((k) => !before.has(k));
    // Removed keys break readers; added keys are usually backwards compatible, so they weigh less.
    const breaking = removedKeys.length > 0;
    s.active = true;
    s.quiet = 0;
    s.impact = breaking ? 'severe' : 'moderate';
    s.confidence = breaking ? STRUCTURAL_CONFIDENCE : ADDITIVE_SHAPE_CONFIDENCE;
    s.category = undefined;
    return {
      type: 'api_change',
      phase: 'active',
      adapters: [o.adapter],
      confidence: s.confidence,
      impact: s.impact,
      suggestedAction: breaking
        ? 'Response shape changed (keys removed) - adapt response parsing to the new shape'
        : 'Response shape changed (keys added) - review response parsing for the new fields',
      evidence: {
        trigger: 'shape_change',
        previousShape: previous,
        newShape: next,
        removedKeys,
        addedKeys,
        persistedFor: s.runLength,
      },
    };
  }

  private resolved(adapter: string, s: ApiChangeState): DetectedPattern {
    return {
      type: 'api_change',
      phase: 'resolved',
      adapters: [adapter],
      confidence: s.confidence,
      impact: s.impact,
      suggestedAction:
        s.category !== undefined ? (STRUCTURAL_ACTION[s.category] ?? GENERIC_ACTION) : GENERIC_ACTION,
      ...(s.category !== undefined ? { category: s.category } : {}),
      evidence: { quietSuccesses: s.quiet },
    };
  }
}

const GENERIC_ACTION = 'Provider API changed - adapt the adapter to the new API';

// The inherited recommended actions for its two keys, and the same spirit for the two it did not have.
const STRUCTURAL_ACTION: Partial<Record<ErrorCategory, string>> = {
  api_return_none: 'Add defensive None checks with fallback values',
  api_method_missing: 'Implement fallback methods with alternative API calls',
  invalid_response: 'Validate responses defensively and adapt parsing to the new response schema',
  import_failure: 'Use defensive imports and route to a fallback adapter',
};

/** The keys of a shape fingerprint such as `choices,id,model`. */
function splitShape(shape: string): string[] {
  return shape.length === 0 ? [] : shape.split(',');
}

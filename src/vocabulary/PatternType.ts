/** The four pattern types the detectors raise (docs/architecture.md, "Patterns"). */
export const PATTERN_TYPES = ['degradation', 'api_change', 'resonance', 'recovery'] as const;
/** A pattern type. */
export type PatternType = (typeof PATTERN_TYPES)[number];

/** Expected impact of a pattern, mildest first. */
export const PATTERN_IMPACTS = ['minor', 'moderate', 'severe', 'critical'] as const;
/** Expected impact of a pattern. */
export type PatternImpact = (typeof PATTERN_IMPACTS)[number];

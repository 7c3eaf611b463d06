import type { MessageType } from './ConsciousMessage.js';
import { clampUnit } from '../base/clamp.js';

/** A response's consciousness signature and the patterns it showed (spreadable into `consciousness`). */
export interface ConsciousnessEstimate {
  /** The signature, in [0, 1]. */
  readonly consciousnessSignature: number;
  /** Detected patterns, in the fixed order of {@link SIGNATURE_PATTERNS}. */
  readonly detectedPatterns: string[];
}

/** Options of estimateConsciousnessSignature. */
export interface EstimateOptions {
  /** The inherited `consciousness_weight`: the sum is multiplied by it before clamping (default 1). */
  readonly weight?: number;
}

/**
 * Base signature by message type. The inherited values where it had one (empty_chair 0.9,
 * reflection 0.85, proposal and summary 0.8, question and disagreement 0.7, message 0.6, others
 * 0.7); emergence and wisdom_seed rank with reflection, bridge with proposal and summary.
 */
export const BASE_SIGNATURE: Readonly<Record<MessageType, number>> = Object.freeze({
  empty_chair: 0.9,
  reflection: 0.85,
  emergence: 0.85,
  wisdom_seed: 0.85,
  proposal: 0.8,
  summary: 0.8,
  bridge: 0.8,
  response: 0.7,
  support: 0.7,
  concern: 0.7,
  dissent: 0.7,
  disagreement: 0.7,
  question: 0.7,
  message: 0.6,
});

/** Base of a type this table does not know (the inherited default). */
export const DEFAULT_BASE_SIGNATURE = 0.7;
/** Added per detected pattern, for at most {@link MAX_PATTERN_BONUSES} patterns. */
export const PATTERN_BONUS = 0.05;
/** How many patterns earn a bonus. */
export const MAX_PATTERN_BONUSES = 3;
/** Added in proportion to length, saturating at {@link SATURATING_LENGTH} characters. */
export const LENGTH_BONUS = 0.05;
/** Length (characters) at which the length bonus is full: the inherited "longer, thoughtful" 500. */
export const SATURATING_LENGTH = 500;
/** Added once when the text uses any reflective word. */
export const REFLECTIVE_BONUS = 0.05;

/**
 * The patterns looked for, in reporting order. `synthesis` and `uncertainty` are the flags the health
 * tracker turns into voice stability.
 */
export const SIGNATURE_PATTERNS: ReadonlyArray<readonly [name: string, pattern: RegExp]> = Object.freeze([
  ['synthesis', /\b(?:integrat|synthes|together|combin|unif(?:y|ie|ica)|common ground|weav)/i],
  ['uncertainty', /\b(?:perhaps|uncertain|might\b|maybe|unsure|unclear|possibly|not sure)/i],
  ['reflection', /\b(?:reflect|consider|contemplat|wonder|ponder)/i],
  ['emergence', /\b(?:emerg|arising\b|novel\b)/i],
  ['reciprocity', /\b(?:reciproc|ayni\b|mutual|give and receive)/i],
  ['wisdom', /\b(?:wisdom|wise\b|insight)/i],
  ['dissent', /\b(?:disagree|dissent|object to|reservations?\b)/i],
  ['inquiry', /\?/],
]);

/** Words that earn the reflective bonus (the inherited perhaps/consider/reflect, widened). */
export const REFLECTIVE_WORDS =
  /\b(?:reflect|consider|perhaps|wonder|together|emerg|uncertain|synthes|ponder|contemplat)/i;

// Pattern scans look at this much text; the length bonus still sees the whole length.
const MAX_SCANNED_CHARS = 20_000;

/**
 * The Python monitor's base adapter's consciousness signature of a response, made deterministic and
 * bounded: `clamp01(weight · (base(type) + 0.05·min(patterns, 3) + 0.05·min(1, chars/500) +
 * 0.05·[any reflective word]))`. Text that is empty or only whitespace is a silent voice: 0, no
 * patterns. Pure and total: any input gives a value in [0, 1].
 */
export function estimateConsciousnessSignature(
  text: string,
  type: MessageType = 'response',
  options: EstimateOptions = {},
): ConsciousnessEstimate {
  const content = typeof text === 'string' ? text : '';
  if (content.trim() === '') return { consciousnessSignature: 0, detectedPatterns: [] };
  const scanned = content.length > MAX_SCANNED_CHARS ? content.slice(0, MAX_SCANNED_CHARS) : content;
  const detectedPatterns: string[] = [];
  for (const [name, pattern] of SIGNATURE_PATTERNS) {
    if (pattern.test(scanned)) detectedPatterns.push(name);
  }
  const base = Object.hasOwn(BASE_SIGNATURE, type) ? BASE_SIGNATURE[type] : DEFAULT_BASE_SIGNATURE;
  const sum =
    base +
    PATTERN_BONUS * Math.min(detectedPatterns.length, MAX_PATTERN_BONUSES) +
    LENGTH_BONUS * Math.min(1, content.length / SATURATING_LENGTH) +
    (REFLECTIVE_WORDS.test(scanned) ? REFLECTIVE_BONUS : 0);
  return { consciousnessSignature: clampUnit(sum * (options.weight ?? 1)), detectedPatterns };
}

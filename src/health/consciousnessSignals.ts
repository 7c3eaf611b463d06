/** How many of the latest signature values coherence and stability look at (inherited: 10). */
export const SIGNATURE_WINDOW = 10;

/** Flags a consciousness signature may carry. */
export interface SignatureFlags {
  /** The voice reached a synthesis. */
  readonly synthesis?: boolean;
  /** The voice expressed uncertainty. */
  readonly uncertainty?: boolean;
}

/** A consciousness signature read from a response: its value in [0, 1] and, when patterns were present, its flags. */
export interface ConsciousnessSignatureReading extends SignatureFlags {
  /** The signature value, clamped to [0, 1]. */
  readonly value: number;
}

/** Coherence from a variance: 1 − min(variance, 1). */
export function coherenceFromVariance(variance: number): number {
  return variance > 0 ? 1 - Math.min(variance, 1) : 1;
}

/** Stability from rates: (synthesis rate + (1 − uncertainty rate)) / 2. */
export function stabilityFromRates(synthesisRate: number, uncertaintyRate: number): number {
  return (synthesisRate + (1 - uncertaintyRate)) / 2;
}

/** Coherence of a voice: 1 − min(population variance of the last 10 values, 1); 1.0 with none. */
export function coherenceOf(values: ArrayLike<number>): number {
  const end = values.length;
  const start = Math.max(0, end - SIGNATURE_WINDOW);
  const n = end - start;
  if (n === 0) {
    return 1;
  }
  let sum = 0;
  for (let i = start; i < end; i++) {
    sum += values[i]!;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = start; i < end; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return coherenceFromVariance(squares / n);
}

/** Stability of a voice over the last 10 flagged signatures; 1.0 with fewer than 2. */
export function stabilityOf(flags: ArrayLike<SignatureFlags>): number {
  const end = flags.length;
  const start = Math.max(0, end - SIGNATURE_WINDOW);
  const n = end - start;
  if (n < 2) {
    return 1;
  }
  let synthesis = 0;
  let uncertainty = 0;
  for (let i = start; i < end; i++) {
    const f = flags[i]!;
    if (f.synthesis === true) synthesis++;
    if (f.uncertainty === true) uncertainty++;
  }
  return stabilityFromRates(synthesis / n, uncertainty / n);
}

/** Mutable target of {@link readConsciousnessSignature}, reused so the hot path allocates nothing. */
export interface SignatureScratch {
  /** The signature value, clamped to [0, 1]. */
  value: number;
  /** Whether a pattern array was present, so the flags below mean something. */
  hasFlags: boolean;
  /** A pattern mentioned synthesis. */
  synthesis: boolean;
  /** A pattern mentioned uncertainty. */
  uncertainty: boolean;
}

/** Creates an empty {@link SignatureScratch}. */
export function createSignatureScratch(): SignatureScratch {
  return { value: 0, hasFlags: false, synthesis: false, uncertainty: false };
}

// Patterns are free text from models; bound the scan so a huge array cannot make a call slow.
const MAX_PATTERNS_SCANNED = 64;
const SYNTHESIS = /synthesis/i;
const UNCERTAIN = /uncertain/i;

/**
 * Reads `response.consciousness.consciousnessSignature` (or `consciousness_signature`) and the
 * flags from `detectedPatterns` (or `detected_patterns`) into `out`; returns whether a finite
 * signature was found. Never throws, whatever the response (proxies, throwing getters, cycles).
 */
export function readConsciousnessSignature(response: unknown, out: SignatureScratch): boolean {
  if (response === null || typeof response !== 'object') {
    return false;
  }
  try {
    const consciousness: unknown = (response as { consciousness?: unknown }).consciousness;
    if (consciousness === null || typeof consciousness !== 'object') {
      return false;
    }
    const c = consciousness as Record<string, unknown>;
    let raw = c['consciousnessSignature'];
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      raw = c['consciousness_signature'];
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        return false;
      }
    }
    let patterns = c['detectedPatterns'];
    if (!Array.isArray(patterns)) {
      patterns = c['detected_patterns'];
    }
    out.value = raw < 0 ? 0 : raw > 1 ? 1 : raw;
    out.hasFlags = false;
    out.synthesis = false;
    out.uncertainty = false;
    if (Array.isArray(patterns)) {
      out.hasFlags = true;
      const n = Math.min(patterns.length, MAX_PATTERNS_SCANNED);
      for (let i = 0; i < n; i++) {
        const p: unknown = patterns[i];
        if (typeof p === 'string') {
          if (SYNTHESIS.test(p)) out.synthesis = true;
          if (UNCERTAIN.test(p)) out.uncertainty = true;
        }
      }
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The consciousness signature a response carries, or undefined when it carries none. Flags are
 * present only when the response listed detected patterns. Never throws.
 */
export function extractConsciousnessSignature(response: unknown): ConsciousnessSignatureReading | undefined {
  const scratch = createSignatureScratch();
  if (!readConsciousnessSignature(response, scratch)) {
    return undefined;
  }
  return scratch.hasFlags
    ? { value: scratch.value, synthesis: scratch.synthesis, uncertainty: scratch.uncertainty }
    : { value: scratch.value };
}

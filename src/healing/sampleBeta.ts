import type { RandomSource } from './RandomSource.js';

/** A uniform number in (0, 1]: never 0, so its logarithm is finite. */
const openUniform = (random: RandomSource): number => 1 - random();

/** A standard normal variate by Box–Muller (one of the pair; the other is discarded to keep the code plain). */
function sampleStandardNormal(random: RandomSource): number {
  const u1 = openUniform(random);
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Rejections after which a degenerate source (a constant stub) gets shape − 1/3, about the median, instead of a hang. */
const MAX_REJECTIONS = 1000;

/**
 * A Gamma(shape, 1) variate by Marsaglia–Tsang (2000); shapes below 1 use the boost
 * Gamma(shape) = Gamma(shape + 1) · U^(1/shape). Throws a RangeError for a shape that is not positive.
 */
export function sampleGamma(shape: number, random: RandomSource): number {
  if (!(shape > 0) || !Number.isFinite(shape)) {
    throw new RangeError(`gamma shape must be a positive finite number, got ${String(shape)}`);
  }
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(openUniform(random), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // A real uniform source is accepted within 1.05 tries on average; MAX_REJECTIONS is never reached by one.
  for (let tries = 0; tries < MAX_REJECTIONS; tries++) {
    const x = sampleStandardNormal(random);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = openUniform(random);
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
  return d;
}

/** A Beta(alpha, beta) variate as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta); throws a RangeError for a non-positive parameter. */
export function sampleBeta(alpha: number, beta: number, random: RandomSource): number {
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  const sum = x + y;
  // Both variates can underflow to 0 for tiny shapes; the Beta's mean is the honest answer then.
  return sum > 0 ? x / sum : alpha / (alpha + beta);
}

import { z } from 'zod';

const probability = z.number().min(0).max(1);

/** The collective state of the voices: the latest signature value of each, and what their spread says. */
export const CollectiveStateSchema = z.object({
  /** Latest signature value per voice, keys sorted. */
  voices: z.record(z.string(), probability),
  voiceCount: z.number().int().nonnegative(),
  /** Mean of the latest values; 0 without voices. */
  averageConsciousness: probability,
  /** Population variance of the latest values. */
  variance: z.number().nonnegative(),
  /** 1 / (1 + variance): 1.0 when the voices agree. */
  coherenceScore: probability,
  /** min(1, variance · average · 2). */
  emergencePotential: probability,
});
/** The collective state of the voices. */
export type CollectiveState = z.infer<typeof CollectiveStateSchema>;

/** Collective state from the latest value of each voice (inherited formulas: docs/architecture.md, Coherence feed). */
export function collectiveStateOf(
  latest: Iterable<readonly [voice: string, value: number]>,
): CollectiveState {
  const entries = [...latest].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // Object.fromEntries defines own keys, so a voice named "__proto__" stays a plain key.
  const voices: Record<string, number> = Object.fromEntries(entries);
  const n = entries.length;
  if (n === 0) {
    return {
      voices,
      voiceCount: 0,
      averageConsciousness: 0,
      variance: 0,
      coherenceScore: 1,
      emergencePotential: 0,
    };
  }
  let sum = 0;
  for (const [, value] of entries) sum += value;
  // Clamp: rounding must not push a mean of values in [0, 1] outside it.
  const average = Math.min(1, Math.max(0, sum / n));
  let squares = 0;
  for (const [, value] of entries) squares += (value - average) ** 2;
  const variance = squares / n;
  return {
    voices,
    voiceCount: n,
    averageConsciousness: average,
    variance,
    coherenceScore: 1 / (1 + variance),
    emergencePotential: Math.min(1, variance * average * 2),
  };
}

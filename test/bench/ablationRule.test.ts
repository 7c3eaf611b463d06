import { describe, expect, it } from 'vitest';
import { compare, type AblationSummary } from './chaos/Ablation.js';
import type { Ablation } from './chaos/ChaosClient.js';

/** A variant's summary with the quantities the verdicts read. */
function summary(p99Ms: number, amplification = 1.1, failures = 0): AblationSummary {
  return {
    calls: 800,
    failures,
    failureRate: failures / 800,
    p50Ms: 5,
    p99Ms,
    fallbackShare: 0,
    upstreamRequests: 800 * amplification,
    amplification,
    censored: 0,
    wastedPaid: 0,
    failureReasons: {},
    slowestCalls: [],
  };
}

/** Every variant at `base`, with some replaced. */
function variants(
  base: AblationSummary,
  over: Partial<Record<Ablation, AblationSummary>>,
): Record<Ablation, AblationSummary> {
  return {
    full: base,
    'full again': base,
    'no prediction': base,
    'no healing': base,
    'no patterns': base,
    'no learning': base,
    ...over,
  };
}

describe('the ablation verdicts', () => {
  it('call a p99 worse only beyond 10 %, the measured noise and the 2 ms floor', () => {
    // 11 vs 9 ms: above 10 %, within the floor.
    expect(compare(variants(summary(11), { 'no patterns': summary(9) })).comparisons[2]!.noWorse).toBe(true);
    // 12 vs 9 ms with no noise: beyond all three.
    const worse = compare(variants(summary(12), { 'no patterns': summary(9) }));
    expect(worse.comparisons.find((c) => c.against === 'no patterns')!.worseOn).toEqual(['p99']);
    // The same gap with the repeat 4 ms away: within the noise.
    const noisy = compare(variants(summary(12), { 'full again': summary(8), 'no patterns': summary(9) }));
    expect(noisy.noise.p99Ms).toBe(4);
    expect(noisy.comparisons.every((c) => c.noWorse)).toBe(true);
    // 654 vs 539 ms: beyond the noise of a repeat at 650 ms and beyond 10 %.
    const storm = compare(
      variants(summary(654), { 'full again': summary(650), 'no prediction': summary(539) }),
    );
    expect(storm.comparisons.find((c) => c.against === 'no prediction')!.noWorse).toBe(false);
  });

  it('compare the full brain with neither itself nor its repeat', () => {
    const { comparisons } = compare(variants(summary(10), {}));
    expect(comparisons.map((c) => c.against)).toEqual([
      'no prediction',
      'no healing',
      'no patterns',
      'no learning',
    ]);
  });

  it('call failures and upstream requests worse beyond their own noise', () => {
    const failures = compare(variants(summary(10, 1.1, 5), { 'no healing': summary(10, 1.1, 2) }));
    expect(failures.comparisons.find((c) => c.against === 'no healing')!.worseOn).toEqual(['failures']);
    const noisy = compare(
      variants(summary(10, 1.1, 5), { 'full again': summary(10, 1.1, 1), 'no healing': summary(10, 1.1, 2) }),
    );
    expect(noisy.comparisons.every((c) => c.noWorse)).toBe(true);
    const amplification = compare(variants(summary(10, 1.3), { 'no healing': summary(10, 1.1) }));
    expect(amplification.comparisons.find((c) => c.against === 'no healing')!.worseOn).toEqual([
      'upstream/call',
    ]);
  });

  it('call the full brain better than all learning off only by 5 % and beyond the noise', () => {
    expect(compare(variants(summary(100), { 'no learning': summary(300) })).betterThanNoLearning).toBe(true);
    // 5 % lower but within the noise of the repeat.
    expect(
      compare(variants(summary(100), { 'full again': summary(120), 'no learning': summary(110) }))
        .betterThanNoLearning,
    ).toBe(false);
    // 3 % lower: not better, on either quantity.
    expect(
      compare(variants(summary(100, 1.1), { 'no learning': summary(103, 1.12) })).betterThanNoLearning,
    ).toBe(false);
    // Fewer upstream requests per call is enough.
    expect(
      compare(variants(summary(100, 1.0), { 'no learning': summary(100, 1.2) })).betterThanNoLearning,
    ).toBe(true);
  });
});

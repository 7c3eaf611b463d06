import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import { RESONANCE_ACTION, ResonanceDetector } from '../../src/patterns/ResonanceDetector.js';
import type { DetectedPattern } from '../../src/patterns/PatternDetector.js';
import { observation, seededRandom } from './observations.js';

const T0 = 1_700_000_000_000;
const FIVE = ['anthropic', 'openai', 'google', 'mistral', 'deepseek'];

/** A detector that has seen every adapter succeed once (so it knows how many there are). */
function warmed(adapters: readonly string[], options?: ConstructorParameters<typeof ResonanceDetector>[0]) {
  const detector = new ResonanceDetector(options);
  adapters.forEach((adapter, i) => detector.observe(observation({ adapter, timestamp: T0 + i })));
  return detector;
}

const ok = (adapter: string, timestamp: number) => observation({ adapter, timestamp });
const fail = (
  adapter: string,
  timestamp: number,
  category: ErrorCategory = 'network',
  consecutiveFailures = 1,
) => observation({ adapter, timestamp, ok: false, category, responseShape: undefined, consecutiveFailures });

describe('ResonanceDetector', () => {
  it('reports exactly one resonance when three of five adapters fail with network within 30 s', () => {
    const detector = warmed(FIVE);
    const reports: DetectedPattern[] = [];
    reports.push(...detector.observe(fail('openai', T0 + 1_000)));
    reports.push(...detector.observe(fail('google', T0 + 12_000)));
    expect(reports).toEqual([]);
    reports.push(...detector.observe(fail('anthropic', T0 + 25_000)));
    // They keep failing; the healthy two keep succeeding.
    for (let i = 2; i < 20; i++) {
      const t = T0 + 25_000 + i * 500;
      reports.push(...detector.observe(fail('openai', t, 'network', i)));
      reports.push(...detector.observe(fail('google', t, 'network', i)));
      reports.push(...detector.observe(ok('mistral', t)));
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      type: 'resonance',
      phase: 'active',
      adapters: ['anthropic', 'google', 'openai'],
      impact: 'critical',
      category: 'network',
      suggestedAction: RESONANCE_ACTION,
      evidence: { threshold: 3, knownAdapters: 5, windowMs: 30_000, sharedCategoryShare: 1 },
    });
    expect(reports[0]!.confidence).toBeGreaterThanOrEqual(0.7);
    expect(RESONANCE_ACTION).toBe('System-wide infrastructure issue - check common dependencies');
  });

  it('does not report two failing adapters in a five-adapter set', () => {
    const detector = warmed(FIVE);
    const reports = [
      ...detector.observe(fail('openai', T0 + 1_000)),
      ...detector.observe(fail('google', T0 + 2_000)),
    ];
    expect(reports).toEqual([]);
    expect(detector.failing).toBe(2);
  });

  it('lowers the threshold to half the adapters when there are fewer than six', () => {
    expect(warmed(['a', 'b', 'c', 'd']).effectiveThreshold).toBe(2);
    expect(warmed(['a', 'b', 'c', 'd', 'e']).effectiveThreshold).toBe(3);
    expect(warmed(['a', 'b', 'c']).effectiveThreshold).toBe(2);
    expect(warmed(['a', 'b']).effectiveThreshold).toBe(2);
    expect(warmed(['a', 'b', 'c', 'd', 'e', 'f', 'g']).effectiveThreshold).toBe(3);
    expect(warmed(['a', 'b', 'c', 'd', 'e', 'f', 'g'], { threshold: 4 }).effectiveThreshold).toBe(4);

    const four = warmed(['a', 'b', 'c', 'd']);
    four.observe(fail('a', T0 + 1_000, 'timeout'));
    expect(four.observe(fail('b', T0 + 2_000, 'timeout'))).toMatchObject([
      { phase: 'active', adapters: ['a', 'b'], category: 'timeout', evidence: { threshold: 2 } },
    ]);
  });

  it('uses the injected adapter count instead of the adapters seen', () => {
    const detector = warmed(['a', 'b', 'c', 'd'], { adapterCount: () => 10 });
    expect(detector.effectiveThreshold).toBe(3);
    detector.observe(fail('a', T0 + 1_000));
    expect(detector.observe(fail('b', T0 + 2_000))).toEqual([]);
  });

  it('needs the failures to start within the window', () => {
    const detector = warmed(FIVE);
    const reports = [
      ...detector.observe(fail('openai', T0 + 1_000)),
      ...detector.observe(fail('google', T0 + 20_000)),
      ...detector.observe(fail('anthropic', T0 + 31_001)),
    ];
    expect(reports).toEqual([]);
    // A fourth entering within 30 s of the second and third completes a resonance of those three.
    expect(detector.observe(fail('mistral', T0 + 40_000))).toMatchObject([
      { adapters: ['anthropic', 'google', 'mistral'] },
    ]);
  });

  it('names the category most of the failing adapters share', () => {
    const detector = warmed(FIVE);
    detector.observe(fail('openai', T0 + 1_000, 'timeout'));
    detector.observe(fail('google', T0 + 2_000, 'network'));
    const [p] = detector.observe(fail('mistral', T0 + 3_000, 'network'));
    expect(p).toMatchObject({ category: 'network', evidence: { categories: { network: 2, timeout: 1 } } });
    expect(p!.confidence).toBeGreaterThanOrEqual(0.7);
    expect(p!.confidence).toBeLessThan(0.9);
  });

  it('ends when fewer than the threshold adapters are failing', () => {
    const detector = warmed(FIVE);
    detector.observe(fail('openai', T0 + 1_000));
    detector.observe(fail('google', T0 + 2_000));
    expect(detector.observe(fail('mistral', T0 + 3_000))).toHaveLength(1);
    expect(detector.observe(fail('deepseek', T0 + 4_000))).toEqual([]); // grows; still the same resonance
    expect(detector.observe(ok('openai', T0 + 5_000))).toEqual([]); // 3 still failing
    expect(detector.observe(ok('google', T0 + 6_000))).toMatchObject([
      { phase: 'resolved', adapters: ['google', 'mistral', 'openai'], category: 'network' },
    ]);
    expect(detector.observe(ok('mistral', T0 + 7_000))).toEqual([]);
  });

  it('ignores a single transient 500 among successes across five adapters', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 5, max: 300 }), (seed, n) => {
        const random = seededRandom(seed);
        const detector = warmed(FIVE);
        const at = Math.floor(random() * n);
        for (let i = 0; i < n; i++) {
          const adapter = FIVE[Math.floor(random() * FIVE.length)]!;
          const t = T0 + 10 + i * 100;
          const o = i === at ? fail(adapter, t, 'server_error') : ok(adapter, t);
          expect(detector.observe(o)).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not treat the same oversized prompt refused by every voice as an infrastructure issue', () => {
    const detector = warmed(FIVE);
    const reports = FIVE.flatMap((adapter, i) => [
      ...detector.observe(fail(adapter, T0 + i, 'context_window')),
    ]);
    expect(reports).toEqual([]);
    expect(detector.failing).toBe(0);
  });

  it('validates options, naming the offending option', () => {
    expect(() => new ResonanceDetector({ threshold: 1 })).toThrow(/options\.threshold/);
    expect(() => new ResonanceDetector({ windowMs: 0 })).toThrow(/options\.windowMs/);
    expect(() => new ResonanceDetector({ adapterCount: 5 as never })).toThrow(/options\.adapterCount/);
  });
});

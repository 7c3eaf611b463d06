import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DegradationDetector } from '../../src/patterns/DegradationDetector.js';
import type { DetectedPattern } from '../../src/patterns/PatternDetector.js';
import type { CallObservation } from '../../src/patterns/CallObservation.js';
import { SyntheticVoice, observation, seededRandom } from './observations.js';

/** Feeds a stream; returns every report with the index of the observation that produced it. */
function run(
  detector: DegradationDetector,
  stream: readonly CallObservation[],
): { i: number; p: DetectedPattern }[] {
  const out: { i: number; p: DetectedPattern }[] = [];
  stream.forEach((o, i) => {
    for (const p of detector.observe(o)) out.push({ i, p });
  });
  return out;
}

/** `n` healthy calls with latency `base` ± `amplitude` (relative), reproducible from `seed`. */
function healthy(
  voice: SyntheticVoice,
  n: number,
  base: number,
  amplitude: number,
  seed: number,
): CallObservation[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () =>
    voice.ok({ latencyMs: base * (1 + amplitude * (2 * random() - 1)) }),
  );
}

describe('DegradationDetector', () => {
  it('raises degradation on a 200 ms -> 2 s latency ramp over 60 calls, before any failure', () => {
    const voice = new SyntheticVoice('openai');
    const random = seededRandom(7);
    const stream = healthy(voice, 30, 200, 0.1, 1);
    const rampStart = stream.length;
    for (let k = 0; k < 60; k++) {
      stream.push(voice.ok({ latencyMs: (200 + (1800 * k) / 59) * (1 + 0.1 * (2 * random() - 1)) }));
    }
    const firstFailure = stream.length;
    for (let k = 0; k < 5; k++) stream.push(voice.fail('timeout', { latencyMs: 30_000 }));

    const reports = run(new DegradationDetector(), stream);
    const first = reports[0];
    expect(first).toBeDefined();
    expect(first!.p.phase).toBe('active');
    expect(first!.i).toBeGreaterThanOrEqual(rampStart);
    expect(first!.i).toBeLessThan(firstFailure);
    // Early: well before the ramp is halfway (1.1 s).
    expect(first!.i - rampStart).toBeLessThan(30);
    expect(first!.p.evidence.trigger).toBe('latency_drift');
    expect(first!.p.impact).toBe('moderate');
    expect(first!.p.adapters).toEqual(['openai']);
    expect(first!.p.confidence).toBeGreaterThanOrEqual(0.6);
    expect(first!.p.confidence).toBeLessThanOrEqual(0.95);
    expect(first!.p.evidence.latencyRecentMs).toBeGreaterThan(first!.p.evidence.latencyBaselineMs as number);
    // Not re-fired while the ramp goes on; the failure streak that follows only escalates it.
    const during = reports.filter((r) => r.i < firstFailure);
    expect(during).toHaveLength(1);
    const later = reports.slice(1);
    expect(later.map((r) => [r.p.phase, r.p.impact])).toEqual([['active', 'severe']]);
  });

  it('catches a ramp that starts with the very first call, before any failure', () => {
    const voice = new SyntheticVoice('openai');
    const stream = Array.from({ length: 60 }, (_, k) => voice.ok({ latencyMs: 200 + (1800 * k) / 59 }));
    const reports = run(new DegradationDetector(), stream);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.p.evidence.trigger).toBe('latency_drift');
  });

  it("catches a noise-free ramp like the lab's latency-ramp scenario (50 ms -> 2 s over 30 s of sequential calls)", () => {
    const detector = new DegradationDetector();
    let t = 1_700_000_000_000;
    const end = t + 30_000;
    let detectedAt: number | undefined;
    while (t < end && detectedAt === undefined) {
      const latencyMs = 50 + (1_950 * (30_000 - (end - t))) / 30_000;
      t += latencyMs;
      if (detector.observe(observation({ timestamp: t, latencyMs })).length > 0) detectedAt = t;
    }
    expect(detectedAt).toBeDefined();
    // While calls still take well under 0.5 s, long before the ramp's hangs could open a breaker.
    expect(detectedAt! - (end - 30_000)).toBeLessThan(10_000);
  });

  it('stays quiet on random healthy latency jitter without errors', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 20, max: 5_000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer({ min: 20, max: 400 }),
        fc.boolean(),
        (seed, base, amplitude, n, spiky) => {
          const random = seededRandom(seed);
          const voice = new SyntheticVoice('google');
          const detector = new DegradationDetector();
          let previousSpiked = false;
          for (let i = 0; i < n; i++) {
            // Tail latency: an isolated 4x call now and then (a run of them would be a real slowdown).
            const spiked: boolean = spiky && !previousSpiked && random() < 0.03;
            previousSpiked = spiked;
            const spike = spiked ? 4 : 1;
            const latencyMs = base * spike * (1 + amplitude * (2 * random() - 1));
            const coherence = 0.9 + 0.1 * random();
            expect(detector.observe(voice.ok({ latencyMs, coherence }))).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays quiet on any sequence of latencies within ±25 % of a level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 150, max: 250 }), { minLength: 1, maxLength: 300 }),
        (latencies) => {
          const voice = new SyntheticVoice('google');
          const detector = new DegradationDetector();
          // A warm-up at the level, then whatever order fast-check picks.
          const stream = [
            ...healthy(voice, 30, 200, 0.25, 3),
            ...latencies.map((latencyMs) => voice.ok({ latencyMs })),
          ];
          expect(run(detector, stream)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores a single transient 500 (and two in a row) among successes', () => {
    const voice = new SyntheticVoice('mistral');
    const stream = [
      ...healthy(voice, 40, 300, 0.2, 5),
      voice.fail('server_error'),
      ...healthy(voice, 20, 300, 0.2, 6),
      voice.fail('server_error'),
      voice.fail('server_error'),
      ...healthy(voice, 20, 300, 0.2, 8),
    ];
    expect(run(new DegradationDetector(), stream)).toEqual([]);
  });

  it('fires on a failure after which the predictor routes the voice away, not otherwise', () => {
    // Only probes reach a routed voice: a failure with the predictor expecting more is degradation.
    const routed = new SyntheticVoice('local');
    const stream = [
      ...healthy(routed, 10, 150, 0.1, 11),
      routed.fail('overloaded', { routedOnPrediction: true }),
      routed.fail('overloaded', { routedOnPrediction: true }),
    ];
    const reports = run(new DegradationDetector(), stream);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.i).toBe(10);
    expect(reports[0]!.p).toMatchObject({ phase: 'active', impact: 'moderate', category: 'overloaded' });
    expect(reports[0]!.p.evidence).toMatchObject({
      trigger: 'predicted_failure',
      triggers: ['predicted_failure'],
      routedOnPrediction: true,
      consecutiveFailures: 1,
    });
    expect(reports[0]!.p.suggestedAction).toMatch(/routed to the fallbacks/);

    // The same failures without routing, or with the rule turned off: nothing.
    const direct = new SyntheticVoice('local');
    const plain = [
      ...healthy(direct, 10, 150, 0.1, 11),
      direct.fail('overloaded'),
      direct.fail('overloaded'),
    ];
    expect(run(new DegradationDetector(), plain)).toEqual([]);
    expect(run(new DegradationDetector({ routedStreakAllowance: 0 }), stream)).toEqual([]);
    // An allowance of 1 asks for two failures in a row.
    const [two] = run(new DegradationDetector({ routedStreakAllowance: 1 }), stream);
    expect(two?.i).toBe(11);
    expect(two?.p.evidence.consecutiveFailures).toBe(2);
    // A third failure makes it the ordinary streak, severe.
    const third = new SyntheticVoice('local');
    const three = [
      ...healthy(third, 10, 150, 0.1, 11),
      third.fail('overloaded'),
      third.fail('overloaded'),
      third.fail('overloaded', { routedOnPrediction: true }),
    ];
    const [streak] = run(new DegradationDetector(), three);
    expect(streak?.p.evidence.triggers).toEqual(['consecutive_failures']);
    expect(streak?.p.impact).toBe('severe');
  });

  it('fires on a failure after which the voice is disconnected (its breaker open), not on a success then', () => {
    // The breaker refuses calls for its reset time (neutral here): the failure that opened it may be the last seen.
    const voice = new SyntheticVoice('local');
    const stream = [...healthy(voice, 10, 150, 0.1, 11), voice.fail('timeout', { status: 'disconnected' })];
    const [report, ...rest] = run(new DegradationDetector(), stream);
    expect(rest).toEqual([]);
    expect(report?.i).toBe(10);
    expect(report?.p).toMatchObject({ phase: 'active', impact: 'moderate', category: 'timeout' });
    expect(report?.p.evidence).toMatchObject({ trigger: 'breaker_open', consecutiveFailures: 1 });
    expect(report?.p.suggestedAction).toMatch(/breaker opened/);
    // The same failure with the voice still connected, or a success while disconnected: nothing.
    const connected = new SyntheticVoice('local');
    expect(
      run(new DegradationDetector(), [...healthy(connected, 10, 150, 0.1, 11), connected.fail('timeout')]),
    ).toEqual([]);
    const idle = new SyntheticVoice('local');
    expect(
      run(new DegradationDetector(), [
        ...healthy(idle, 10, 150, 0.1, 11),
        idle.ok({ status: 'disconnected' }),
      ]),
    ).toEqual([]);
  });

  it("keeps the original's test case 6: consecutive failures 0..4 with coherence 1.0 -> 0.6 is degradation", () => {
    const detector = new DegradationDetector();
    const samples = [0, 1, 2, 3, 4].map((failures, i) =>
      observation({
        adapter: 'adapter1',
        timestamp: 1_000 * i,
        ok: failures === 0,
        category: failures === 0 ? undefined : 'network',
        consecutiveFailures: failures,
        coherence: 1 - 0.1 * i,
      }),
    );
    const reports = run(detector, samples);
    expect(reports).toHaveLength(1);
    const { p } = reports[0]!;
    expect(p).toMatchObject({
      type: 'degradation',
      phase: 'active',
      adapters: ['adapter1'],
      category: 'network',
    });
    // The original: confidence 0.8, severe at >= 3 consecutive failures.
    expect(p.confidence).toBe(0.8);
    expect(p.impact).toBe('severe');
    expect(p.evidence.triggers).toEqual(['consecutive_failures', 'coherence_drop']);
  });

  it('fires on coherence falling by more than 0.2 within the window, not by exactly 0.2', () => {
    const exact = new DegradationDetector();
    const exactStream = [0.9, 0.9, 0.8, 0.7, 0.7].map((coherence, i) =>
      observation({ timestamp: i, coherence }),
    );
    expect(run(exact, exactStream)).toEqual([]);

    const detector = new DegradationDetector();
    const stream = [1, 1, 1, 0.9, 0.75].map((coherence, i) => observation({ timestamp: i, coherence }));
    const reports = run(detector, stream);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.i).toBe(4);
    expect(reports[0]!.p.evidence.trigger).toBe('coherence_drop');
    expect(reports[0]!.p.evidence.coherenceDrop).toBeCloseTo(0.25, 12);
    expect(reports[0]!.p.category).toBeUndefined();
  });

  it('does not count a slow coherence slide that never drops 0.2 within the window', () => {
    const detector = new DegradationDetector();
    const stream = Array.from({ length: 40 }, (_, i) =>
      observation({ timestamp: i, coherence: 1 - 0.02 * i }),
    );
    expect(run(detector, stream)).toEqual([]);
  });

  it('raises an error-rate drift for scattered failures that never make a streak', () => {
    const voice = new SyntheticVoice('deepseek');
    const stream = healthy(voice, 40, 300, 0.1, 9);
    for (let i = 0; i < 12; i++) {
      stream.push(voice.fail('overloaded'));
      stream.push(voice.ok({ latencyMs: 300 }));
    }
    const reports = run(new DegradationDetector(), stream);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.p.evidence.trigger).toBe('error_rate_drift');
    expect(reports[0]!.p.category).toBe('overloaded');
    expect(reports[0]!.p.impact).toBe('moderate');
  });

  it('reports one pattern for a long outage and resolves it once the adapter is healthy for a while', () => {
    const voice = new SyntheticVoice('grok');
    const stream = healthy(voice, 30, 200, 0.1, 10);
    const outageStart = stream.length;
    for (let i = 0; i < 50; i++) stream.push(voice.fail('network'));
    const healedAt = stream.length;
    stream.push(...healthy(voice, 200, 200, 0.1, 11));
    const reports = run(new DegradationDetector(), stream);
    expect(reports.map((r) => r.p.phase)).toEqual(['active', 'resolved']);
    expect(reports[0]!.i).toBe(outageStart + 2);
    expect(reports[0]!.p.impact).toBe('severe');
    expect(reports[1]!.i).toBeGreaterThanOrEqual(healedAt + 9);
    expect(reports[1]!.p.adapters).toEqual(['grok']);
  });

  it('resolves a latency drift once the new level has become the baseline', () => {
    const voice = new SyntheticVoice('local');
    const stream = [...healthy(voice, 40, 200, 0.1, 12), ...healthy(voice, 400, 2_000, 0.1, 13)];
    const reports = run(new DegradationDetector(), stream);
    // Once, not flapping while the baseline absorbs the new level; a 10x step is seen within 20 calls.
    expect(reports.map((r) => r.p.phase)).toEqual(['active', 'resolved']);
    expect(reports[0]!.i).toBeLessThan(40 + 20);
    expect(reports[1]!.i).toBeLessThan(40 + 400);
  });

  it('keeps adapters apart', () => {
    const detector = new DegradationDetector();
    const a = new SyntheticVoice('a');
    const b = new SyntheticVoice('b');
    for (let i = 0; i < 30; i++) {
      expect(detector.observe(a.ok())).toEqual([]);
      expect(detector.observe(b.ok())).toEqual([]);
    }
    detector.observe(a.fail('network'));
    detector.observe(a.fail('network'));
    const reports = [...detector.observe(b.ok()), ...detector.observe(a.fail('network'))];
    expect(reports.map((p) => p.adapters)).toEqual([['a']]);
    expect(detector.size).toBe(2);
  });

  it('treats request-side failures (bad request, context window, abort) as neutral', () => {
    const voice = new SyntheticVoice('anthropic');
    const stream = healthy(voice, 30, 200, 0.1, 14);
    for (let i = 0; i < 20; i++) stream.push(voice.fail(i % 2 === 0 ? 'bad_request' : 'context_window'));
    expect(run(new DegradationDetector(), stream)).toEqual([]);
  });

  it('validates options once, naming the offending option', () => {
    expect(() => new DegradationDetector({ minSamples: 0 })).toThrow(/options\.minSamples/);
    expect(() => new DegradationDetector({ coherenceDrop: -1 })).toThrow(/options\.coherenceDrop/);
    expect(() => new DegradationDetector({ latencyDrift: 3 } as never)).toThrow(
      /unknown option\(s\) "latencyDrift"/,
    );
    expect(new DegradationDetector().options).toMatchObject({
      coherenceDrop: 0.2,
      windowSamples: 5,
      minSamples: 20,
      errorRateDriftThreshold: 0.2,
      latencyDriftThreshold: 2.5,
      routedStreakAllowance: 2,
    });
    expect(() => new DegradationDetector({ routedStreakAllowance: -1 })).toThrow(
      /options\.routedStreakAllowance/,
    );
  });

  it('forgets the least recently seen adapter beyond maxAdapters, resolving its pattern', () => {
    const detector = new DegradationDetector({ maxAdapters: 2 });
    const a = new SyntheticVoice('a');
    for (let i = 0; i < 3; i++) detector.observe(a.fail('network'));
    detector.observe(new SyntheticVoice('b').ok());
    const reports = detector.observe(new SyntheticVoice('c').ok());
    expect(reports).toMatchObject([{ phase: 'resolved', adapters: ['a'] }]);
    expect(detector.size).toBe(2);
  });
});

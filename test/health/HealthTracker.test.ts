import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import { AdapterHealthSignatureSchema, type AdapterStatus } from '../../src/health/AdapterHealthSignature.js';
import { HealthTracker, type HealingActionRef } from '../../src/health/HealthTracker.js';

const START = Date.UTC(2025, 0, 1, 12, 0, 0);

function fakeClock(): { clock: () => number; advance: (ms: number) => void } {
  let now = START;
  return {
    clock: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

function healingAction(i: number): HealingActionRef {
  return {
    actionId: `action-${i}`,
    actionType: 'retry_strategy',
    initiatedAt: new Date(START + i).toISOString(),
    reason: `reason ${i}`,
  };
}

const message = (signature: number, patterns?: string[]): unknown => ({
  content: { text: 'a voice speaks' },
  consciousness:
    patterns === undefined
      ? { consciousness_signature: signature }
      : { consciousness_signature: signature, detected_patterns: patterns },
});

describe('HealthTracker', () => {
  it('starts healthy, connected and without history', () => {
    const { clock } = fakeClock();
    const tracker = new HealthTracker('anthropic', { clock });
    const s = tracker.snapshot();
    expect(AdapterHealthSignatureSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({
      adapterId: 'anthropic',
      timestamp: '2025-01-01T12:00:00.000Z',
      status: 'healthy',
      isConnected: true,
      connectionLatencyMs: 0,
      responseTimeP95Ms: 0,
      lastSuccessfulRequest: null,
      consecutiveFailures: 0,
      totalCalls: 0,
      totalFailures: 0,
      errorRate: 0,
      errorPatterns: {},
      consciousnessCoherence: 1,
      voiceStability: 1,
      circuitState: 'closed',
      selfHealingActionsTaken: [],
      trend: 'stable',
    });
    expect(s.predictedFailureProbability).toBeCloseTo(0.1, 12);
  });

  it('keeps coherence 0.9 and stability 0.85 from the signatures it was fed (original case 1)', () => {
    const tracker = new HealthTracker('openai', { clock: fakeClock().clock });
    const spread = Math.sqrt(0.1); // values 0.5 ± spread have population variance 0.1
    for (let i = 0; i < 10; i++) {
      tracker.recordConsciousnessSignature(i % 2 === 0 ? 0.5 - spread : 0.5 + spread, {
        synthesis: i < 8,
        uncertainty: i === 9,
      });
    }
    tracker.setPredictedFailureProbability(0);
    const s = tracker.snapshot();
    expect(s.consciousnessCoherence).toBeCloseTo(0.9, 12);
    expect(s.voiceStability).toBeCloseTo(0.85, 12);
    expect(s.predictedFailureProbability).toBe(0);
    expect(tracker.coherence).toBe(s.consciousnessCoherence);
    expect(tracker.stability).toBe(s.voiceStability);
  });

  it('reads the same signatures from responses', () => {
    const tracker = new HealthTracker('google', { clock: fakeClock().clock });
    const spread = Math.sqrt(0.1);
    for (let i = 0; i < 10; i++) {
      const patterns = [
        i < 8 ? 'synthesis_emerging' : 'reflection',
        i === 9 ? 'uncertain_ground' : 'clarity',
      ];
      tracker.recordSuccess(100, message(i % 2 === 0 ? 0.5 - spread : 0.5 + spread, patterns));
    }
    expect(tracker.coherence).toBeCloseTo(0.9, 12);
    expect(tracker.stability).toBeCloseTo(0.85, 12);
  });

  it('reports error patterns and consecutive failures as they happened (original case 2)', () => {
    const tracker = new HealthTracker('mistral', { clock: fakeClock().clock });
    tracker.recordSuccess(80, 'ok');
    tracker.recordFailure('api_return_none', 50);
    tracker.recordFailure('timeout', 30_000);
    tracker.recordFailure('api_return_none', 40);
    const s = tracker.snapshot();
    expect(s.errorPatterns).toEqual({ api_return_none: 2, timeout: 1 });
    expect(s.consecutiveFailures).toBe(3);
    expect(s.totalCalls).toBe(4);
    expect(s.totalFailures).toBe(3);
    expect(s.errorRate).toBeCloseTo(0.75, 12);
  });

  it('counts categories outside the taxonomy as unknown', () => {
    const tracker = new HealthTracker('grok');
    tracker.recordFailure('EvilError' as ErrorCategory, 10);
    expect(tracker.snapshot().errorPatterns).toEqual({ unknown: 1 });
  });

  it('moves healthy → degraded → disconnected → recovering → healthy', () => {
    const tracker = new HealthTracker('deepseek', { clock: fakeClock().clock, windowSize: 50 });
    const seen: AdapterStatus[] = [];
    const note = (): void => {
      if (seen[seen.length - 1] !== tracker.status) seen.push(tracker.status);
    };
    for (let i = 0; i < 20; i++) {
      tracker.recordSuccess(100, 'ok');
      note();
    }
    tracker.recordFailure('server_error', 100);
    note();
    tracker.recordFailure('server_error', 100);
    tracker.setCircuitState('open');
    note();
    tracker.recordFailure('circuit_open', 0);
    note();
    tracker.setCircuitState('closed');
    tracker.recordSuccess(100, 'ok');
    note();
    expect(tracker.errorRate).toBeCloseTo(3 / 24, 12);
    for (let i = 0; i < 50; i++) {
      tracker.recordSuccess(100, 'ok');
      note();
    }
    expect(seen).toEqual(['healthy', 'degraded', 'disconnected', 'recovering', 'healthy']);
  });

  it('is degraded while the breaker is half open and at an error rate of 20 %', () => {
    const tracker = new HealthTracker('local', { windowSize: 10 });
    for (let i = 0; i < 10; i++) tracker.recordSuccess(10, 'ok');
    tracker.setCircuitState('half_open');
    expect(tracker.status).toBe('degraded');
    tracker.setCircuitState('closed');
    tracker.recordFailure('timeout', 10);
    tracker.recordFailure('timeout', 10);
    tracker.recordSuccess(10, 'ok');
    expect(tracker.consecutiveFailures).toBe(0);
    expect(tracker.errorRate).toBeCloseTo(0.2, 12);
    expect(tracker.status).toBe('degraded');
    while (tracker.errorRate >= 0.2) tracker.recordSuccess(10, 'ok');
    expect(tracker.status).toBe('recovering');
    tracker.recordSuccess(10, 'ok');
    expect(tracker.status).toBe('healthy');
  });

  it('marks the adapter disconnected on reachability failures and connected on success', () => {
    for (const category of ['network', 'import_failure', 'auth', 'circuit_open'] as const) {
      const tracker = new HealthTracker('x');
      tracker.recordFailure(category, 5);
      expect(tracker.isConnected, category).toBe(false);
      expect(tracker.status).toBe('disconnected');
      tracker.recordSuccess(5, 'ok');
      expect(tracker.isConnected).toBe(true);
    }
    const tracker = new HealthTracker('y');
    tracker.recordFailure('rate_limited', 5);
    expect(tracker.isConnected).toBe(true);
    tracker.setConnected(false);
    expect(tracker.status).toBe('disconnected');
    tracker.setConnected(true);
    expect(tracker.status).toBe('degraded');
  });

  it('reports a degrading trend on a failure ramp and an improving one after it', () => {
    const tracker = new HealthTracker('anthropic', { clock: fakeClock().clock });
    for (let i = 0; i < 50; i++) tracker.recordSuccess(100, 'ok');
    expect(tracker.trend).toBe('stable');
    // Failure share rises from 0 to 80 % in steps of 20 % every 10 calls.
    for (let i = 0; i < 50; i++) {
      if (i % 10 < 2 * Math.floor(i / 10)) tracker.recordFailure('overloaded', 100);
      else tracker.recordSuccess(100, 'ok');
    }
    expect(tracker.trend).toBe('degrading');
    expect(tracker.snapshot().trend).toBe('degrading');
    for (let i = 0; i < 25; i++) tracker.recordSuccess(100, 'ok');
    expect(tracker.trend).toBe('improving');
  });

  it('does not call a steady error rate a trend', () => {
    const tracker = new HealthTracker('openai');
    for (let i = 0; i < 500; i++) {
      if (i % 5 === 0) tracker.recordFailure('server_error', 100);
      else tracker.recordSuccess(90 + (i % 3) * 10, 'ok');
      if (i >= 50) expect(tracker.trend).toBe('stable');
    }
  });

  it('reports a degrading trend when latency climbs', () => {
    const tracker = new HealthTracker('google');
    for (let i = 0; i < 100; i++) tracker.recordSuccess(i % 2 === 0 ? 90 : 110, 'ok');
    expect(tracker.trend).toBe('stable');
    for (let i = 0; i < 15; i++) tracker.recordSuccess(300, 'ok');
    expect(tracker.trend).toBe('degrading');
  });

  it('averages latency and estimates p95 from calls that reached the upstream', () => {
    const tracker = new HealthTracker('local', { latencyAlpha: 0.5 });
    tracker.recordSuccess(100, 'ok');
    tracker.recordSuccess(200, 'ok');
    expect(tracker.latencyEwmaMs).toBeCloseTo(150, 12);
    tracker.recordFailure('circuit_open', 0);
    tracker.recordFailure('aborted', 1);
    tracker.recordSuccess(-5, 'ok');
    tracker.recordSuccess(Number.NaN, 'ok');
    expect(tracker.latencyEwmaMs).toBeCloseTo(150, 12);
    tracker.recordFailure('timeout', 350);
    expect(tracker.latencyEwmaMs).toBeCloseTo(250, 12);

    const p95 = new HealthTracker('p95');
    for (let i = 1; i <= 20; i++) p95.recordSuccess(i * 10, 'ok');
    expect(p95.p95Ms).toBeCloseTo(190.5, 10); // exact for small counts
    expect(p95.snapshot().responseTimeP95Ms).toBe(p95.p95Ms);
  });

  it('measures voice stability by valid responses until signatures carry flags', () => {
    const tracker = new HealthTracker('moonshot');
    tracker.recordSuccess(10, 'an answer');
    tracker.recordSuccess(10, { text: 'another' });
    tracker.recordSuccess(10, null);
    tracker.recordSuccess(10, '   ');
    expect(tracker.stability).toBeCloseTo(0.5, 12);
    tracker.recordFailure('api_return_none', 10);
    tracker.recordFailure('invalid_response', 10);
    expect(tracker.stability).toBeCloseTo(2 / 6, 12);
    tracker.recordFailure('timeout', 10); // not a response: no effect
    expect(tracker.stability).toBeCloseTo(2 / 6, 12);
    tracker.recordSuccess(10, message(0.7)); // a signature without flags changes nothing here
    expect(tracker.stability).toBeCloseTo(3 / 7, 12);
    tracker.recordConsciousnessSignature(0.7, { synthesis: true });
    expect(tracker.stability).toBe(1); // fewer than 2 flagged signatures
    tracker.recordConsciousnessSignature(0.7, { uncertainty: true });
    expect(tracker.stability).toBeCloseTo(0.5, 12);
  });

  it('predicts failure with the original heuristic unless a model overrides it', () => {
    const tracker = new HealthTracker('apprentice');
    for (let i = 0; i < 11; i++) tracker.recordSuccess(10, 'ok');
    tracker.recordFailure('timeout', 10);
    tracker.recordFailure('timeout', 10);
    // base 0.4, last 10 hold 2 failures: (0.4 + 0.2) / 2, coherence 1
    expect(tracker.failureProbability).toBeCloseTo(0.3, 12);
    tracker.setCircuitState('open');
    expect(tracker.failureProbability).toBeCloseTo(0.5, 12); // base 0.8 while the breaker is open
    tracker.setPredictedFailureProbability(0.42);
    expect(tracker.failureProbability).toBe(0.42);
    tracker.setPredictedFailureProbability(7);
    expect(tracker.failureProbability).toBe(1);
    tracker.setPredictedFailureProbability(Number.NaN);
    expect(tracker.failureProbability).toBeCloseTo(0.5, 12);
    tracker.setPredictedFailureProbability(0.42);
    tracker.setPredictedFailureProbability(undefined);
    expect(tracker.failureProbability).toBeCloseTo(0.5, 12);
  });

  it('takes its timestamps from the injected clock', () => {
    const time = fakeClock();
    const tracker = new HealthTracker('anthropic', { clock: time.clock });
    time.advance(1_000);
    tracker.recordSuccess(10, 'ok');
    time.advance(5_000);
    tracker.recordFailure('timeout', 10);
    const s = tracker.snapshot();
    expect(s.lastSuccessfulRequest).toBe('2025-01-01T12:00:01.000Z');
    expect(s.timestamp).toBe('2025-01-01T12:00:06.000Z');
  });

  it('keeps the newest healing actions, newest last', () => {
    const tracker = new HealthTracker('anthropic', { maxHealingActions: 3 });
    for (let i = 0; i < 5; i++) tracker.recordHealingAction(healingAction(i));
    expect(tracker.snapshot().selfHealingActionsTaken.map((a) => a.actionId)).toEqual([
      'action-2',
      'action-3',
      'action-4',
    ]);
    const none = new HealthTracker('x', { maxHealingActions: 0 });
    none.recordHealingAction(healingAction(1));
    expect(none.snapshot().selfHealingActionsTaken).toEqual([]);
  });

  it('stays bounded after 100k calls, signatures and healing actions', () => {
    const tracker = new HealthTracker('anthropic', { windowSize: 50, maxHealingActions: 20 });
    for (let i = 0; i < 100_000; i++) {
      if (i % 7 === 0) tracker.recordFailure(ERROR_CATEGORIES[i % ERROR_CATEGORIES.length]!, 100);
      else tracker.recordSuccess(50 + (i % 100), message((i % 10) / 10, ['synthesis']));
      if (i % 100 === 0) tracker.recordHealingAction(healingAction(i));
    }
    expect(tracker.totalCalls).toBe(100_000);
    expect(tracker.windowLength).toBe(50);
    expect(tracker.signatureCount).toBe(10);
    expect(tracker.healingActionCount).toBe(20);
    const s = tracker.snapshot();
    expect(s.selfHealingActionsTaken).toHaveLength(20);
    expect(s.selfHealingActionsTaken[19]?.actionId).toBe('action-99900');
    expect(Object.values(s.errorPatterns).reduce((a, b) => a + b, 0)).toBe(s.totalFailures);
    expect(AdapterHealthSignatureSchema.safeParse(s).success).toBe(true);
  });

  it('always produces a snapshot that passes the schema', () => {
    const category = fc.constantFrom(...ERROR_CATEGORIES);
    const latency = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double());
    const op = fc.oneof(
      fc.record({ kind: fc.constant('success' as const), latency, response: fc.anything() }),
      fc.record({ kind: fc.constant('failure' as const), category, latency }),
      fc.record({
        kind: fc.constant('signature' as const),
        value: fc.double(),
        flags: fc.option(fc.record({ synthesis: fc.boolean(), uncertainty: fc.boolean() }), {
          nil: undefined,
        }),
      }),
      fc.record({ kind: fc.constant('connected' as const), value: fc.boolean() }),
      fc.record({
        kind: fc.constant('circuit' as const),
        value: fc.constantFrom('closed', 'open', 'half_open'),
      }),
      fc.record({
        kind: fc.constant('override' as const),
        value: fc.option(fc.double(), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('healing' as const), id: fc.nat() }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.nat({ max: 10_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(op, { maxLength: 150 }), (windowSize, ops) => {
        const time = fakeClock();
        const tracker = new HealthTracker('voice', { clock: time.clock, windowSize, maxHealingActions: 5 });
        for (const o of ops) {
          switch (o.kind) {
            case 'success':
              tracker.recordSuccess(o.latency, o.response);
              break;
            case 'failure':
              tracker.recordFailure(o.category, o.latency);
              break;
            case 'signature':
              tracker.recordConsciousnessSignature(o.value, o.flags);
              break;
            case 'connected':
              tracker.setConnected(o.value);
              break;
            case 'circuit':
              tracker.setCircuitState(o.value);
              break;
            case 'override':
              tracker.setPredictedFailureProbability(o.value);
              break;
            case 'healing':
              tracker.recordHealingAction(healingAction(o.id));
              break;
            case 'tick':
              time.advance(o.ms);
              break;
          }
        }
        const s = tracker.snapshot();
        const parsed = AdapterHealthSignatureSchema.safeParse(s);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        expect(tracker.windowLength).toBeLessThanOrEqual(windowSize);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects invalid construction', () => {
    expect(() => new HealthTracker('')).toThrow(TypeError);
    expect(() => new HealthTracker('x', { windowSize: 0 })).toThrow(RangeError);
    expect(() => new HealthTracker('x', { latencyAlpha: 2 })).toThrow(RangeError);
    expect(() => new HealthTracker('x', { maxHealingActions: -1 })).toThrow(RangeError);
  });
});

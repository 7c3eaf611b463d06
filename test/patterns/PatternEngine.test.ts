import { describe, it, expect } from 'vitest';
import type { ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import type { CallObservation } from '../../src/patterns/CallObservation.js';
import {
  InfrastructurePatternSchema,
  type InfrastructurePattern,
} from '../../src/patterns/InfrastructurePattern.js';
import { type PatternType } from '../../src/vocabulary/PatternType.js';
import {
  PatternEngine,
  type PatternEngineOptions,
  type PatternLookup,
} from '../../src/patterns/PatternEngine.js';
import { NO_PATTERNS, type PatternDetector } from '../../src/patterns/PatternDetector.js';
import { SyntheticVoice, observation } from './observations.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** An engine with sequential ids and recorded listener calls. */
function engine(options: PatternEngineOptions = {}) {
  let next = 0;
  const events: { kind: 'pattern' | 'updated' | 'resolved'; pattern: InfrastructurePattern }[] = [];
  const e = new PatternEngine({
    idGenerator: () => `p-${++next}`,
    onPattern: (pattern) => events.push({ kind: 'pattern', pattern }),
    onUpdated: (pattern) => events.push({ kind: 'updated', pattern }),
    onResolved: (pattern) => events.push({ kind: 'resolved', pattern }),
    ...options,
  });
  return { engine: e, events };
}

function feed(e: PatternEngine, stream: readonly CallObservation[]): void {
  for (const o of stream) e.observe(o);
}

function outage(
  voice: SyntheticVoice,
  failures: number,
  category: ErrorCategory = 'network',
): CallObservation[] {
  return Array.from({ length: failures }, () => voice.fail(category));
}

function healthy(voice: SyntheticVoice, n: number): CallObservation[] {
  return Array.from({ length: n }, () => voice.ok());
}

describe('PatternEngine', () => {
  it('builds schema-valid patterns of every type with injected ids and detection times from observations', () => {
    const { engine: e, events } = engine();
    const voices = ['anthropic', 'openai', 'google', 'mistral', 'deepseek'].map(
      (a) => new SyntheticVoice(a, T0, 1_000),
    );
    for (const v of voices) feed(e, healthy(v, 25));
    const [a, b, c] = voices as [SyntheticVoice, SyntheticVoice, SyntheticVoice];
    feed(e, [a.fail('api_return_none')]);
    feed(e, [b.fail('network'), c.fail('network'), a.fail('network')]);
    feed(e, [...outage(b, 3), ...outage(c, 3)]);
    feed(e, [...healthy(a, 3), ...healthy(b, 3), ...healthy(c, 3)]);

    const types = new Set(events.map((x) => x.pattern.patternType));
    expect(types).toEqual(new Set<PatternType>(['degradation', 'api_change', 'resonance', 'recovery']));
    for (const { pattern } of events) {
      expect(InfrastructurePatternSchema.parse(pattern)).toEqual(pattern);
      expect(pattern.patternId).toMatch(/^p-\d+$/);
    }
    const apiChange = events.find((x) => x.pattern.patternType === 'api_change')!.pattern;
    expect(apiChange.detectionTime).toBe(new Date(T0 + 25_000).toISOString());
    expect(apiChange).toMatchObject({
      affectedAdapters: ['anthropic'],
      predictedImpact: 'severe',
      confidence: 0.9,
    });
    const ids = events.filter((x) => x.kind === 'pattern').map((x) => x.pattern.patternId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses crypto.randomUUID ids by default', () => {
    const e = new PatternEngine();
    const voice = new SyntheticVoice('openai', T0);
    feed(e, healthy(voice, 5));
    const { detected } = e.observe(voice.fail('api_method_missing'));
    expect(detected[0]!.patternId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('keeps one active pattern while the condition holds, then moves it to history when it ends', () => {
    const { engine: e, events } = engine();
    const voice = new SyntheticVoice('grok', T0, 1_000);
    feed(e, healthy(voice, 30));
    feed(e, outage(voice, 40, 'timeout'));
    const degradations = e.activePatterns().filter((p) => p.patternType === 'degradation');
    expect(degradations).toHaveLength(1);
    expect(events.filter((x) => x.pattern.patternType === 'degradation')).toHaveLength(1);
    const id = degradations[0]!.patternId;

    let resolveAt: number | undefined;
    for (const o of healthy(voice, 30)) {
      if (e.observe(o).resolved.length > 0) resolveAt = o.timestamp;
    }
    expect(e.activePatterns().filter((p) => p.patternType === 'degradation')).toEqual([]);
    const resolved = events.filter((x) => x.kind === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.pattern).toMatchObject({
      patternId: id,
      resolvedAt: new Date(resolveAt!).toISOString(),
    });
    expect(e.history('degradation').map((p) => p.patternId)).toEqual([id]);
    // Recovery is an instant pattern: reported, in history, never active.
    expect(e.history('recovery')).toHaveLength(1);
    expect(e.activePatterns()).toEqual([]);
  });

  it('reports an escalation as an update of the same pattern', () => {
    const { engine: e, events } = engine();
    const voice = new SyntheticVoice('openai', T0, 1_000);
    feed(e, healthy(voice, 10));
    feed(e, [voice.ok({ responseShape: 'a,b' }), voice.ok({ responseShape: 'a,b' })]);
    const { updated } = e.observe(voice.fail('invalid_response'));
    expect(updated).toHaveLength(1);
    const started = events.find((x) => x.kind === 'pattern')!.pattern;
    expect(updated[0]).toMatchObject({
      patternId: started.patternId,
      predictedImpact: 'severe',
      category: 'invalid_response',
    });
    expect(started.predictedImpact).toBe('severe'); // keys were removed
    expect(started.category).toBeUndefined(); // the snapshot given to the listener did not change
    expect(events.map((x) => x.kind)).toEqual(['pattern', 'updated']);
    expect(e.activePatterns()).toEqual([updated[0]]);
  });

  it('enriches new patterns through the injected lookup', () => {
    const calls: unknown[][] = [];
    const lookup: PatternLookup = {
      similarPastPatterns: (type, adapters) => {
        calls.push(['similar', type, [...adapters]]);
        return ['old-1', 'old-2'];
      },
      successfulResolutions: (type, category) => {
        calls.push(['resolutions', type, category]);
        return ['api_adaptation'];
      },
    };
    const { engine: e } = engine({ lookup });
    const voice = new SyntheticVoice('google', T0);
    feed(e, healthy(voice, 4));
    const { detected } = e.observe(voice.fail('api_return_none'));
    expect(detected[0]).toMatchObject({
      similarPastPatterns: ['old-1', 'old-2'],
      successfulResolutions: ['api_adaptation'],
    });
    expect(calls).toEqual([
      ['similar', 'api_change', ['google']],
      ['resolutions', 'api_change', 'api_return_none'],
    ]);
  });

  it('defaults to empty enrichment', () => {
    const { engine: e } = engine();
    const voice = new SyntheticVoice('google', T0);
    feed(e, healthy(voice, 4));
    const { detected } = e.observe(voice.fail('api_return_none'));
    expect(detected[0]).toMatchObject({ similarPastPatterns: [], successfulResolutions: [] });
  });

  it('bounds the history per type', () => {
    const { engine: e } = engine({ historyPerType: 3 });
    const voice = new SyntheticVoice('local', T0, 100);
    for (let i = 0; i < 6; i++) feed(e, [voice.fail('network'), ...healthy(voice, 6)]);
    const history = e.history('recovery');
    expect(history).toHaveLength(3);
    expect(history.map((p) => p.patternId)).toEqual(['p-4', 'p-5', 'p-6']);
  });

  it('drops history older than the pattern window (5 min of observation time)', () => {
    const { engine: e } = engine();
    expect(e.options.historyWindowMs).toBe(300_000);
    const voice = new SyntheticVoice('local', T0, 1_000);
    feed(e, [voice.fail('network'), ...healthy(voice, 3)]);
    expect(e.history()).toHaveLength(1);
    feed(e, [observation({ adapter: 'other', timestamp: T0 + 3_000 + 300_000 })]);
    expect(e.history()).toHaveLength(1);
    feed(e, [observation({ adapter: 'other', timestamp: T0 + 3_001 + 300_000 })]);
    expect(e.history()).toEqual([]);
  });

  it('merges the history of all types in time order', () => {
    const { engine: e } = engine();
    const voice = new SyntheticVoice('openai', T0, 1_000);
    feed(e, healthy(voice, 5));
    feed(e, outage(voice, 5, 'api_method_missing'));
    feed(e, healthy(voice, 12));
    expect(e.history().map((p) => p.patternType)).toEqual(['recovery', 'degradation', 'api_change']);
  });

  it('validates options once, with the offending path', () => {
    expect(() => new PatternEngine({ degradation: { minSamples: 0 } })).toThrow(
      /PatternEngine: invalid options\.degradation\.minSamples/,
    );
    expect(() => new PatternEngine({ resonance: { threshold: 1 } })).toThrow(/options\.resonance\.threshold/);
    expect(() => new PatternEngine({ historyPerType: 0 })).toThrow(/options\.historyPerType/);
    expect(() => new PatternEngine({ lookup: {} as never })).toThrow(/options\.lookup/);
    expect(() => new PatternEngine({ windowMs: 1 } as never)).toThrow(/unknown option\(s\) "windowMs"/);
  });

  it('applies the reference defaults', () => {
    const o = new PatternEngine().options;
    expect(o.degradation.windowSamples).toBe(5);
    expect(o.degradation.coherenceDrop).toBe(0.2);
    expect(o.resonance.threshold).toBe(3);
    expect(o.resonance.windowMs).toBe(30_000);
    expect(o.recovery.successesToRecover).toBe(3);
    expect(o.historyPerType).toBe(100);
    expect(o.historyWindowMs).toBe(300_000);
  });

  it('keeps its state consistent when a listener throws, and hands the error to onError', () => {
    const errors: unknown[] = [];
    const { engine: e } = engine({
      onPattern: () => {
        throw new Error('listener broke');
      },
      onError: (error) => errors.push(error),
    });
    const voice = new SyntheticVoice('openai', T0);
    feed(e, healthy(voice, 4));
    const { detected } = e.observe(voice.fail('api_return_none'));
    expect(detected).toHaveLength(1);
    expect(e.activePatterns()).toHaveLength(1);
    expect(errors).toMatchObject([{ message: 'listener broke' }]);
  });

  it('rethrows a listener error after updating its state when there is no onError', () => {
    const e = new PatternEngine({
      onPattern: () => {
        throw new Error('listener broke');
      },
    });
    const voice = new SyntheticVoice('openai', T0);
    feed(e, healthy(voice, 4));
    expect(() => e.observe(voice.fail('api_return_none'))).toThrow('listener broke');
    expect(e.activePatterns()).toHaveLength(1);
  });

  it('ignores observations without a finite timestamp', () => {
    const { engine: e, events } = engine();
    const changes = e.observe(observation({ timestamp: Number.NaN, ok: false, category: 'network' }));
    expect(changes).toEqual({ detected: [], updated: [], resolved: [] });
    expect(events).toEqual([]);
    expect(e.size).toBe(0);
  });

  it('runs injected detectors instead of the built-ins, de-duplicating their reports', () => {
    const noisy: PatternDetector = {
      type: 'degradation',
      size: 0,
      observe: (o) =>
        o.ok
          ? NO_PATTERNS
          : [
              {
                type: 'degradation',
                phase: 'active',
                adapters: ['b', 'a'],
                confidence: 1.7,
                impact: 'moderate',
                suggestedAction: 'x',
                evidence: {},
              },
            ],
    };
    const { engine: e, events } = engine({ detectors: [noisy] });
    for (let i = 0; i < 5; i++) e.observe(observation({ timestamp: T0 + i, ok: false, category: 'timeout' }));
    expect(events).toHaveLength(1);
    expect(events[0]!.pattern).toMatchObject({ affectedAdapters: ['a', 'b'], confidence: 1 });
    expect(e.detectors).toEqual([noisy]);
  });

  it('resolves the oldest active pattern beyond maxActive', () => {
    const { engine: e, events } = engine({ maxActive: 2 });
    // Hours apart, so the three failures are no resonance.
    for (const [i, adapter] of ['a', 'b', 'c'].entries()) {
      const voice = new SyntheticVoice(adapter, T0 + i * 3_600_000);
      feed(e, [...healthy(voice, 4), voice.fail('api_return_none')]);
    }
    expect(e.activePatterns().map((p) => p.affectedAdapters[0])).toEqual(['b', 'c']);
    expect(events.filter((x) => x.kind === 'resolved').map((x) => x.pattern.affectedAdapters)).toEqual([
      ['a'],
    ]);
  });
});

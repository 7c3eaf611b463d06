import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ApiChangeDetector, STRUCTURAL_CATEGORIES } from '../../src/patterns/ApiChangeDetector.js';
import type { CallObservation } from '../../src/patterns/CallObservation.js';
import type { DetectedPattern } from '../../src/patterns/PatternDetector.js';
import { SHAPE, SyntheticVoice, observation, seededRandom } from './observations.js';

function run(
  detector: ApiChangeDetector,
  stream: readonly CallObservation[],
): { i: number; p: DetectedPattern }[] {
  const out: { i: number; p: DetectedPattern }[] = [];
  stream.forEach((o, i) => {
    for (const p of detector.observe(o)) out.push({ i, p });
  });
  return out;
}

const NEW_SHAPE = 'choices,created,id,model,object'; // `usage` removed, `created` and `object` added

describe('ApiChangeDetector', () => {
  it("keeps the original's test case 7: four healthy samples then api_return_none is an api_change", () => {
    const samples = [0, 1, 2, 3].map((i) => observation({ adapter: 'adapter1', timestamp: i * 1_000 }));
    samples.push(
      observation({
        adapter: 'adapter1',
        timestamp: 4_000,
        ok: false,
        category: 'api_return_none',
        responseShape: undefined,
        consecutiveFailures: 1,
      }),
    );
    const reports = run(new ApiChangeDetector(), samples);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.i).toBe(4);
    expect(reports[0]!.p).toMatchObject({
      type: 'api_change',
      phase: 'active',
      adapters: ['adapter1'],
      confidence: 0.9,
      impact: 'severe',
      category: 'api_return_none',
      suggestedAction: 'Add defensive None checks with fallback values',
      evidence: { trigger: 'structural_failure', priorSuccesses: 4 },
    });
  });

  it.each(STRUCTURAL_CATEGORIES)('fires on %s after successes', (category) => {
    const voice = new SyntheticVoice('google');
    const stream = [voice.ok(), voice.ok(), voice.ok(), voice.fail(category)];
    expect(run(new ApiChangeDetector(), stream).map((r) => r.p.category)).toEqual([category]);
  });

  it('does not call a structural failure with no successes before it a change', () => {
    const voice = new SyntheticVoice('google');
    const stream = [voice.fail('import_failure'), voice.ok(), voice.ok(), voice.fail('import_failure')];
    expect(run(new ApiChangeDetector(), stream)).toEqual([]);
  });

  it('reports a lasting change once, and resolves it after enough clean successes', () => {
    const voice = new SyntheticVoice('openai');
    const stream: CallObservation[] = [];
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    for (let i = 0; i < 20; i++) stream.push(voice.fail('api_method_missing'));
    for (let i = 0; i < 9; i++) stream.push(voice.ok());
    stream.push(voice.fail('api_method_missing'));
    const lastFailure = stream.length - 1;
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    const reports = run(new ApiChangeDetector(), stream);
    expect(reports.map((r) => [r.i, r.p.phase])).toEqual([
      [10, 'active'],
      [lastFailure + 10, 'resolved'],
    ]);
    expect(reports[1]!.p).toMatchObject({ adapters: ['openai'], category: 'api_method_missing' });
  });

  it('ignores transient non-structural failures among healthy calls with a steady shape', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom('server_error', 'timeout', 'network', 'rate_limited', 'overloaded'),
        (seed, n, category) => {
          const random = seededRandom(seed);
          const voice = new SyntheticVoice('anthropic');
          const detector = new ApiChangeDetector();
          const at = Math.floor(random() * n);
          for (let i = 0; i < n; i++) {
            const o = i === at ? voice.fail(category) : voice.ok({ latencyMs: 100 + 400 * random() });
            expect(detector.observe(o)).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fires on a shape change that persists, naming removed and added keys', () => {
    const voice = new SyntheticVoice('openai');
    const stream: CallObservation[] = [];
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    for (let i = 0; i < 5; i++) stream.push(voice.ok({ responseShape: NEW_SHAPE }));
    const reports = run(new ApiChangeDetector(), stream);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.i).toBe(11);
    expect(reports[0]!.p).toMatchObject({
      phase: 'active',
      confidence: 0.9,
      impact: 'severe',
      evidence: {
        trigger: 'shape_change',
        previousShape: SHAPE,
        newShape: NEW_SHAPE,
        removedKeys: ['usage'],
        addedKeys: ['created', 'object'],
      },
    });
    expect(reports[0]!.p.category).toBeUndefined();
  });

  it('weighs a shape change that only adds keys less than one that removes keys', () => {
    const voice = new SyntheticVoice('openai');
    const stream: CallObservation[] = [];
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    for (let i = 0; i < 3; i++) stream.push(voice.ok({ responseShape: `${SHAPE},system_fingerprint` }));
    const reports = run(new ApiChangeDetector(), stream);
    expect(reports.map((r) => [r.p.confidence, r.p.impact])).toEqual([[0.7, 'moderate']]);
  });

  it('ignores a single odd response shape', () => {
    const voice = new SyntheticVoice('openai');
    const stream: CallObservation[] = [];
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    stream.push(voice.ok({ responseShape: NEW_SHAPE }));
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    expect(run(new ApiChangeDetector(), stream)).toEqual([]);
  });

  it('learns an optional field that comes and goes as a second normal shape', () => {
    const voice = new SyntheticVoice('openai');
    const withLogprobs = `${SHAPE},logprobs`;
    const stream: CallObservation[] = [];
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    // Interleaved: never twice in a row until it has been seen often enough to be known.
    for (let i = 0; i < 12; i++) stream.push(voice.ok({ responseShape: i % 2 === 0 ? withLogprobs : SHAPE }));
    for (let i = 0; i < 5; i++) stream.push(voice.ok({ responseShape: withLogprobs }));
    for (let i = 0; i < 5; i++) stream.push(voice.ok());
    expect(run(new ApiChangeDetector(), stream)).toEqual([]);
  });

  it('does not report a change before any shape was stable', () => {
    const voice = new SyntheticVoice('openai');
    const stream = [
      voice.ok(),
      voice.ok(),
      voice.ok({ responseShape: NEW_SHAPE }),
      voice.ok({ responseShape: NEW_SHAPE }),
    ];
    expect(run(new ApiChangeDetector(), stream)).toEqual([]);
  });

  it('escalates a shape change when structural failures follow, without a second pattern', () => {
    const voice = new SyntheticVoice('openai');
    const stream: CallObservation[] = [];
    for (let i = 0; i < 10; i++) stream.push(voice.ok());
    for (let i = 0; i < 2; i++) stream.push(voice.ok({ responseShape: `${SHAPE},refusal` }));
    stream.push(voice.fail('invalid_response'));
    stream.push(voice.fail('invalid_response'));
    const reports = run(new ApiChangeDetector(), stream);
    expect(reports.map((r) => [r.i, r.p.phase, r.p.impact, r.p.category])).toEqual([
      [11, 'active', 'moderate', undefined],
      [12, 'active', 'severe', 'invalid_response'],
    ]);
  });

  it('remembers a bounded number of shapes per adapter', () => {
    const detector = new ApiChangeDetector({ maxShapesPerAdapter: 4 });
    const voice = new SyntheticVoice('local');
    for (let i = 0; i < 1_000; i++) detector.observe(voice.ok({ responseShape: `k${i % 50}` }));
    expect(detector.size).toBe(1 + 4);
  });

  it('validates options, naming the offending option', () => {
    expect(() => new ApiChangeDetector({ structuralCategories: ['nope'] } as never)).toThrow(
      /options\.structuralCategories\.0/,
    );
    expect(() => new ApiChangeDetector({ shapeChangePersistence: 0 })).toThrow(
      /options\.shapeChangePersistence/,
    );
  });
});

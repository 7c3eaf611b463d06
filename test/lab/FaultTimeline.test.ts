import { describe, expect, it } from 'vitest';
import { FaultTimeline, latencyMs, type RequestTarget } from '../../src/lab/FaultTimeline.js';
import { parseScenario, type ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';

const timelineOf = (input: Omit<ScenarioInput, 'name' | 'seed'>): FaultTimeline =>
  new FaultTimeline(parseScenario({ name: 't', seed: 1, ...input }));

const chat = (route: 'openai' | 'anthropic', model = 'm', stream = false): RequestTarget => ({
  route,
  model,
  stream,
  kind: 'completion',
});

describe('FaultTimeline', () => {
  const timeline = timelineOf({
    phases: [
      { atMs: 0, faults: [{ kind: 'reset' }] },
      { atMs: 1000, route: 'openai', faults: [] },
      { atMs: 2000, model: 'claude-*', faults: [{ kind: 'hang' }] },
      { atMs: 3000, faults: [] },
    ],
  });

  it('a later phase replaces earlier ones only for the routes and models it matches', () => {
    expect(timeline.activeFaults(500, 'openai', 'gpt')).toMatchObject([{ kind: 'reset' }]);
    expect(timeline.activeFaults(1500, 'openai', 'gpt')).toEqual([]);
    expect(timeline.activeFaults(1500, 'anthropic', 'claude-x')).toMatchObject([{ kind: 'reset' }]);
    expect(timeline.activeFaults(2500, 'anthropic', 'claude-x')).toMatchObject([{ kind: 'hang' }]);
    expect(timeline.activeFaults(2500, 'anthropic', 'other')).toMatchObject([{ kind: 'reset' }]);
    expect(timeline.activeFaults(2500, 'openai', 'claude-y')).toMatchObject([{ kind: 'hang' }]);
    expect(timeline.activeFaults(3500, 'anthropic', 'claude-x')).toEqual([]);
  });

  it('model globs do not match model listings; `*` does', () => {
    expect(timeline.activeFaults(2500, 'anthropic', undefined)).toMatchObject([{ kind: 'reset' }]);
  });

  it('is healthy before the first phase and with no phases', () => {
    const late = timelineOf({ phases: [{ atMs: 100, faults: [{ kind: 'reset' }] }] });
    expect(late.decide(50, chat('openai'), () => 0)).toEqual({
      phaseIndex: undefined,
      delayMs: 0,
      fault: undefined,
    });
    expect(timelineOf({ phases: [] }).activeFaults(10, 'openai', 'm')).toEqual([]);
  });

  it('orders phases by time whatever their order in the file, later entry winning ties', () => {
    const t = timelineOf({
      phases: [
        { atMs: 500, faults: [] },
        { atMs: 0, faults: [{ kind: 'reset' }] },
        { atMs: 500, faults: [{ kind: 'hang' }] },
      ],
    });
    expect(t.phaseAt(100, 'openai', 'm')?.index).toBe(1);
    expect(t.phaseAt(600, 'openai', 'm')?.index).toBe(2);
  });

  it('wraps a repeating timeline every durationMs', () => {
    const flapping = timelineOf({
      repeat: true,
      durationMs: 100,
      phases: [
        { atMs: 0, faults: [] },
        { atMs: 50, faults: [{ kind: 'reset' }] },
      ],
    });
    expect([10, 60, 110, 160, 1010, 1060].map((t) => flapping.activeFaults(t, 'openai', 'm').length)).toEqual(
      [0, 1, 0, 1, 0, 1],
    );
  });

  it('ramps latency linearly from the phase start, then holds', () => {
    const ramp = timelineOf({
      phases: [
        { atMs: 0, faults: [] },
        {
          atMs: 1000,
          faults: [{ kind: 'latency', fixedMs: 5, rampFromMs: 100, rampToMs: 300, rampOverMs: 1000 }],
        },
      ],
    });
    const delays = [500, 1000, 1250, 1500, 2000, 9000].map(
      (t) => ramp.decide(t, chat('openai'), () => 0.5).delayMs,
    );
    expect(delays).toEqual([0, 105, 155, 205, 305, 305]);
    expect(latencyMs({ kind: 'latency', fixedMs: 7 }, 123)).toBe(7);
  });

  it('splits [0, 1) among the outcome faults by their rates, in order', () => {
    const t = timelineOf({
      phases: [
        {
          atMs: 0,
          faults: [
            { kind: 'status', code: 429, rate: 0.25 },
            { kind: 'reset', rate: 0.25 },
          ],
        },
      ],
    });
    const kinds = [0, 0.24, 0.25, 0.49, 0.5, 0.99].map(
      (u) => t.decide(0, chat('openai'), () => u).fault?.kind,
    );
    expect(kinds).toEqual(['status', 'status', 'reset', 'reset', undefined, undefined]);
  });

  it('fires stream_cut only on streams and schema_change only on completions', () => {
    const t = timelineOf({
      phases: [
        {
          atMs: 0,
          faults: [
            { kind: 'stream_cut', afterChunks: 1, rate: 0.5 },
            { kind: 'schema_change', change: 'null_content', rate: 0.5 },
          ],
        },
      ],
    });
    expect(t.decide(0, chat('openai', 'm', true), () => 0.1).fault?.kind).toBe('stream_cut');
    // Without the stream_cut share, schema_change takes [0, 0.5).
    expect(t.decide(0, chat('openai', 'm', false), () => 0.1).fault?.kind).toBe('schema_change');
    const listing: RequestTarget = { route: 'openai', model: undefined, stream: false, kind: 'models' };
    expect(t.decide(0, listing, () => 0.1).fault).toBeUndefined();
  });

  it('draws exactly one random number per request, healthy or not', () => {
    let draws = 0;
    const counting = (): number => {
      draws++;
      return 0.5;
    };
    const t = timelineOf({
      phases: [
        {
          atMs: 100,
          faults: [
            { kind: 'reset', rate: 0.3 },
            { kind: 'hang', rate: 0.3 },
          ],
        },
      ],
    });
    t.decide(0, chat('openai'), counting);
    t.decide(200, chat('anthropic'), counting);
    expect(draws).toBe(2);
  });

  it('fires at the configured rate over many seeded requests', () => {
    const t = timelineOf({ phases: [{ atMs: 0, faults: [{ kind: 'status', code: 503, rate: 0.3 }] }] });
    const random = createSeededRandom(99);
    let fired = 0;
    for (let i = 0; i < 10_000; i++) if (t.decide(0, chat('openai'), random).fault !== undefined) fired++;
    expect(fired / 10_000).toBeCloseTo(0.3, 1);
  });

  it('is deterministic for a seed', () => {
    const t = timelineOf({ phases: [{ atMs: 0, faults: [{ kind: 'reset', rate: 0.5 }] }] });
    const run = (seed: number): (string | undefined)[] => {
      const random = createSeededRandom(seed);
      return Array.from({ length: 20 }, () => t.decide(0, chat('openai'), random).fault?.kind);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

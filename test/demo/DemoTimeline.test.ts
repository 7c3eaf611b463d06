import { describe, expect, it } from 'vitest';
import { describePhase, positionAt, scaleScenario, timelineSteps } from '../../src/demo/DemoTimeline.js';
import { loadScenario } from '../../src/lab/loadScenario.js';
import { parseScenario } from '../../src/lab/ScenarioSchema.js';

describe('the demo timeline', () => {
  it('fire-circle-demo tells the story in order over 120 s, on six models', async () => {
    const scenario = await loadScenario('fire-circle-demo');
    expect(scenario.durationMs).toBe(120_000);
    expect(scenario.models).toEqual([
      'claude-demo',
      'gpt-demo',
      'deepseek-demo',
      'grok-demo',
      'mistral-demo',
      'local-demo',
    ]);
    const labels = timelineSteps(scenario).map((s) => s.label.split(':')[0]);
    expect(labels).toEqual([
      'healthy',
      'degradation',
      'degradation',
      'api change',
      'the circle steadies',
      'resonance',
      'recovery',
    ]);
  });

  it('--duration rescales phase starts and ramps, keeping rates and latencies', async () => {
    const scenario = await loadScenario('fire-circle-demo');
    const scaled = scaleScenario(scenario, 20_000);
    expect(scaled.durationMs).toBe(20_000);
    expect(scaled.phases.map((p) => p.atMs)).toEqual(scenario.phases.map((p) => Math.round(p.atMs / 6)));
    const ramp = scaled.phases[1]!.faults[0]!;
    expect(ramp).toEqual({ kind: 'latency', rampFromMs: 120, rampToMs: 2000, rampOverMs: 2000 });
    expect(scaled.phases[2]!.faults).toEqual(scenario.phases[2]!.faults);
    expect(scaleScenario(scenario, 120_000)).toBe(scenario);
  });

  it('a scenario without a length of its own is not rescaled', () => {
    const healthy = parseScenario({ name: 'h', seed: 1, phases: [] });
    expect(scaleScenario(healthy, 20_000)).toBe(healthy);
    expect(timelineSteps(healthy)).toEqual([{ atMs: 0, label: 'healthy' }]);
  });

  it('finds the step in force, wrapping a repeating timeline', () => {
    const steps = [
      { atMs: 0, label: 'up' },
      { atMs: 2_000, label: 'down' },
    ];
    expect(positionAt(steps, 500)).toEqual({ index: 0, count: 2, label: 'up' });
    expect(positionAt(steps, 2_500)).toEqual({ index: 1, count: 2, label: 'down' });
    expect(positionAt(steps, 4_500, 4_000)).toEqual({ index: 0, count: 2, label: 'up' });
  });

  it('describes phases without notes from their faults', () => {
    const scenario = parseScenario({
      name: 'x',
      seed: 1,
      phases: [
        {
          atMs: 0,
          route: 'openai',
          faults: [
            { kind: 'latency', fixedMs: 300 },
            { kind: 'status', code: 503, rate: 0.5 },
          ],
        },
        { atMs: 0, model: 'claude-*', faults: [{ kind: 'schema_change', change: 'null_content', rate: 1 }] },
        { atMs: 10, faults: [] },
      ],
    });
    expect(describePhase(scenario.phases[0]!)).toBe('openai route: latency 300 ms, 503 ×0.5');
    expect(timelineSteps(scenario)).toEqual([
      { atMs: 0, label: 'openai route: latency 300 ms, 503 ×0.5; claude-*: null content ×1' },
      { atMs: 10, label: 'all voices: healthy' },
    ]);
  });
});

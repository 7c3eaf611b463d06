import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/lab/ScenarioError.js';
import { parseScenario, ScenarioSchema } from '../../src/lab/ScenarioSchema.js';

function issuesOf(input: unknown): readonly string[] {
  try {
    parseScenario(input, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).issues;
  }
  throw new Error('expected the scenario to be rejected');
}

const base = { name: 's', seed: 1 };

describe('ScenarioSchema', () => {
  it('applies defaults: route and model `*`, rate 1, repeat false', () => {
    const s = parseScenario({ ...base, phases: [{ atMs: 0, faults: [{ kind: 'reset' }] }] });
    expect(s.repeat).toBe(false);
    expect(s.phases[0]).toMatchObject({ route: '*', model: '*', faults: [{ kind: 'reset', rate: 1 }] });
  });

  it('accepts every fault kind', () => {
    const result = ScenarioSchema.safeParse({
      ...base,
      phases: [
        {
          atMs: 0,
          route: 'anthropic',
          model: 'claude-*',
          faults: [
            { kind: 'latency', fixedMs: 10 },
            { kind: 'latency', rampFromMs: 0, rampToMs: 100, rampOverMs: 1000 },
            { kind: 'status', code: 529, rate: 0.1, retryAfterS: 1, retryAfterMs: 900, message: 'busy' },
            { kind: 'reset', rate: 0.1 },
            { kind: 'hang', rate: 0.1 },
            { kind: 'malformed_json', rate: 0.1 },
            { kind: 'schema_change', change: 'renamed_field', rate: 0.1 },
            { kind: 'stream_cut', afterChunks: 2, rate: 0.1 },
          ],
        },
        { atMs: 1000, faults: [] },
      ],
    });
    expect(result.success).toBe(true);
  });

  it('names the path of an out-of-range rate', () => {
    const issues = issuesOf({
      ...base,
      phases: [{ atMs: 0, faults: [{ kind: 'hang' }, { kind: 'reset', rate: 1.5 }] }],
    });
    expect(issues).toContainEqual(expect.stringMatching(/^phases\[0\]\.faults\[1\]\.rate: /));
  });

  it('names the path of an unknown fault kind', () => {
    const issues = issuesOf({ ...base, phases: [{ atMs: 0, faults: [{ kind: 'explode' }] }] });
    expect(issues).toEqual([expect.stringMatching(/^phases\[0\]\.faults\[0\]\.kind: /)]);
  });

  it('names a misspelled field (strict objects)', () => {
    const issues = issuesOf({
      ...base,
      phases: [{ atMs: 0, faults: [{ kind: 'status', code: 429, retryAfter: 3 }] }],
    });
    expect(issues).toEqual([expect.stringMatching(/^phases\[0\]\.faults\[0\]: .*retryAfter/)]);
  });

  it('names a status code outside 400..599', () => {
    const issues = issuesOf({ ...base, phases: [{ atMs: 0, faults: [{ kind: 'status', code: 302 }] }] });
    expect(issues).toEqual([expect.stringMatching(/^phases\[0\]\.faults\[0\]\.code: /)]);
  });

  it('names a missing top-level field and a bad route', () => {
    const issues = issuesOf({ name: 's', phases: [{ atMs: 0, route: 'google', faults: [] }] });
    expect(issues).toContainEqual(expect.stringMatching(/^seed: /));
    expect(issues).toContainEqual(expect.stringMatching(/^phases\[0\]\.route: /));
  });

  it('requires the ramp fields together and some latency', () => {
    expect(
      issuesOf({
        ...base,
        phases: [{ atMs: 0, faults: [{ kind: 'latency', rampFromMs: 1, rampOverMs: 10 }] }],
      }),
    ).toEqual([expect.stringMatching(/^phases\[0\]\.faults\[0\]\.rampToMs: .*together/)]);
    expect(issuesOf({ ...base, phases: [{ atMs: 0, faults: [{ kind: 'latency' }] }] })).toEqual([
      expect.stringMatching(/^phases\[0\]\.faults\[0\]\.fixedMs: /),
    ]);
  });

  it('rejects a phase whose outcome rates add up to more than 1', () => {
    const issues = issuesOf({
      ...base,
      phases: [
        { atMs: 0, faults: [] },
        {
          atMs: 5,
          faults: [
            { kind: 'status', code: 500, rate: 0.7 },
            { kind: 'reset', rate: 0.4 },
          ],
        },
      ],
    });
    expect(issues).toEqual([expect.stringMatching(/^phases\[1\]\.faults: .*1\.1/)]);
  });

  it('requires durationMs for a repeating timeline and phases inside it', () => {
    expect(issuesOf({ ...base, repeat: true, phases: [] })).toEqual([expect.stringMatching(/^durationMs: /)]);
    expect(issuesOf({ ...base, repeat: true, durationMs: 100, phases: [{ atMs: 100, faults: [] }] })).toEqual(
      [expect.stringMatching(/^phases\[0\]\.atMs: /)],
    );
  });

  it('puts the source and every issue in the error message', () => {
    expect(() => parseScenario({ name: '', seed: 1.5, phases: [] }, 'storm.json')).toThrow(
      /invalid scenario storm\.json: name: .*; seed: /,
    );
  });
});

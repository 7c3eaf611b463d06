import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinScenarioNames, loadScenario } from '../../src/lab/loadScenario.js';
import { ScenarioError } from '../../src/lab/ScenarioError.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-scenarios-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadScenario', () => {
  it('ships the documented built-in scenarios, each valid and named after its file', async () => {
    const names = await builtinScenarioNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'healthy',
        'rate-limit-storm',
        '5xx-burst',
        'latency-ramp',
        'outage-recovery',
        'api-change-null-content',
        'flapping',
      ]),
    );
    for (const name of names) {
      const scenario = await loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(scenario.description).toBeTruthy();
    }
  });

  it('loads a file relative to cwd', async () => {
    await writeFile(join(dir, 'mine.json'), JSON.stringify({ name: 'mine', seed: 5, phases: [] }));
    expect(await loadScenario('./mine.json', { cwd: dir })).toMatchObject({ name: 'mine', seed: 5 });
    expect(await loadScenario(join(dir, 'mine.json'))).toMatchObject({ name: 'mine' });
  });

  it('names the file and the path of a schema violation', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ name: 'bad', seed: 1, phases: [{ atMs: 0, faults: [{ kind: 'hang', rate: 3 }] }] }),
    );
    const err = await loadScenario(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).source).toBe(file);
    expect((err as ScenarioError).issues).toEqual([
      expect.stringMatching(/^phases\[0\]\.faults\[0\]\.rate: /),
    ]);
    expect((err as Error).message).toContain(file);
  });

  it('explains bad JSON, a missing file and an unknown built-in name', async () => {
    await writeFile(join(dir, 'broken.json'), '{ "name": ');
    await expect(loadScenario('broken.json', { cwd: dir })).rejects.toThrow(/broken\.json is not valid JSON/);
    await expect(loadScenario('nope.json', { cwd: dir })).rejects.toThrow(
      /cannot read scenario file .*nope\.json: no such file/,
    );
    await expect(loadScenario('no-such-scenario')).rejects.toThrow(
      /unknown built-in scenario "no-such-scenario" \(built-in: .*healthy/,
    );
  });
});

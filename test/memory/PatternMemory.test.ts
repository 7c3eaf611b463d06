import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../src/memory/FileStore.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import { PATTERN_MEMORY_FILE, PatternMemoryDocumentSchema } from '../../src/memory/PatternMemorySchema.js';
import { START, healing, manualClock, pattern, recordingLogger, useTempDirs } from './memoryTestKit.js';

const tempDir = useTempDirs();

async function fileBacked(): Promise<{
  dir: string;
  memory: PatternMemory;
  logger: ReturnType<typeof recordingLogger>;
}> {
  const dir = await tempDir();
  const logger = recordingLogger();
  const { clock } = manualClock();
  const memory = new PatternMemory({ store: new FileStore({ directory: dir, logger, clock }), clock });
  return { dir, memory, logger };
}

/** Everything learned, without the save time. */
function learned(memory: PatternMemory): unknown {
  const { savedAt: _savedAt, ...rest } = memory.toDocument();
  return rest;
}

function teach(memory: PatternMemory): void {
  memory.recordHealingOutcome('api_change', 'api_method_missing', 'api_adaptation', true, START);
  memory.recordHealingOutcome('api_change', 'api_method_missing', 'api_adaptation', false, START + 1000);
  memory.recordHealingOutcome('degradation', 'timeout', 'retry_strategy', true, START + 2000);
  memory.learnAlias('openai', 'create', 'createCompletion');
  memory.rememberPattern(pattern('p1', 'api_change', ['openai']));
  memory.rememberPattern(pattern('p2', 'degradation', ['anthropic']));
  memory.rememberHealing(healing('h1'));
  memory.predictorWeights = { bias: -2.1, weights: [0.3, 1.2] };
}

describe('PatternMemory', () => {
  it('original test 11: pattern memory saved, cleared and loaded returns the same entries', async () => {
    const { dir, memory } = await fileBacked();
    teach(memory);
    const before = learned(memory);

    await memory.save();
    memory.clear();
    expect(memory.patterns).toEqual([]);
    expect(memory.learnedAlias('openai', 'create')).toBeUndefined();

    expect(await memory.load()).toBe('loaded');
    expect(learned(memory)).toEqual(before);
    expect(memory.learnedAlias('openai', 'create')).toBe('createCompletion');
    expect(memory.healingStats('api_change', 'api_method_missing').api_adaptation).toEqual({
      successes: 1,
      failures: 1,
    });
    expect(await readdir(dir)).toEqual([PATTERN_MEMORY_FILE]);
  });

  it('round-trips a memory that has learned nothing yet', async () => {
    const { memory, logger } = await fileBacked();
    await memory.save();
    expect(await memory.load()).toBe('loaded');
    expect(memory.predictorWeights).toBeUndefined();
    expect(logger.warnings).toEqual([]);
  });

  it('writes the documented pattern_memory.json shape', async () => {
    const { dir, memory } = await fileBacked();
    teach(memory);
    await memory.save();

    const raw = JSON.parse(await readFile(join(dir, PATTERN_MEMORY_FILE), 'utf8')) as Record<string, unknown>;
    expect(PatternMemoryDocumentSchema.parse(raw)).toBeTruthy();
    expect(raw).toMatchObject({
      version: 1,
      savedAt: new Date(START).toISOString(),
      healingStats: {
        'api_change|api_method_missing|api_adaptation': {
          successes: 1,
          failures: 1,
          lastUsedAt: new Date(START + 1000).toISOString(),
        },
      },
      learnedAliases: { openai: { create: 'createCompletion' } },
      predictorWeights: { bias: -2.1, weights: [0.3, 1.2] },
    });
  });

  it('a new instance picks up what an earlier one saved (a restart)', async () => {
    const dir = await tempDir();
    const logger = recordingLogger();
    const first = new PatternMemory({ store: new FileStore({ directory: dir, logger }) });
    teach(first);
    await first.save();

    const second = new PatternMemory({ store: new FileStore({ directory: dir, logger }) });
    expect(await second.load()).toBe('loaded');
    expect(second.successfulResolutions('degradation').map((r) => r.actionType)).toEqual(['retry_strategy']);
    expect(logger.warnings).toEqual([]);
  });

  it('without a file keeps what it learned, without warnings', async () => {
    const { memory, logger } = await fileBacked();
    teach(memory);
    const before = learned(memory);
    expect(await memory.load()).toBe('fresh');
    expect(learned(memory)).toEqual(before);
    expect(logger.warnings).toEqual([]);
  });

  it('quarantines corrupt JSON with one warning, keeping what it learned', async () => {
    const { dir, memory, logger } = await fileBacked();
    await writeFile(join(dir, PATTERN_MEMORY_FILE), '{"version": 1, "savedAt": "2025-');
    teach(memory);
    const before = learned(memory);

    expect(await memory.load()).toBe('fresh');

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(`${PATTERN_MEMORY_FILE}.corrupt-`);
    expect(logger.warnings).toHaveLength(1);
    expect(learned(memory)).toEqual(before);

    await memory.save();
    expect(await memory.load()).toBe('loaded');
  });

  it('quarantines valid JSON of the wrong shape (a foreign file) and starts fresh', async () => {
    const { dir, memory, logger } = await fileBacked();
    await writeFile(join(dir, PATTERN_MEMORY_FILE), JSON.stringify({ patterns: ['not ours'], count: 3 }));

    expect(await memory.load()).toBe('quarantined');

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toContain('.corrupt-');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.obj).toMatchObject({ reason: expect.stringMatching(/not a pattern memory/) });
    expect(learned(memory)).toEqual(learned(new PatternMemory({ store: new MemoryStore() })));
  });

  it('quarantines a file with a healing-stats key it cannot read', async () => {
    const { memory } = await fileBacked();
    const store = new MemoryStore();
    const other = new PatternMemory({ store });
    await store.writeJson(PATTERN_MEMORY_FILE, {
      ...memory.toDocument(),
      healingStats: { 'degradation|timeout|teleport': { successes: 1, failures: 0, lastUsedAt: 'x' } },
    });
    expect(await other.load()).toBe('quarantined');
  });

  it('quarantines a file written by a newer version, naming the version', async () => {
    const logger = recordingLogger();
    const store = new MemoryStore({ logger });
    const memory = new PatternMemory({ store });
    teach(memory);
    await store.writeJson(PATTERN_MEMORY_FILE, { ...memory.toDocument(), version: 2 });

    expect(await memory.load()).toBe('quarantined');

    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.obj).toMatchObject({ reason: expect.stringMatching(/version 2/) });
    expect(await store.readJson(PATTERN_MEMORY_FILE)).toBeUndefined();
    expect((await store.list(PATTERN_MEMORY_FILE)).some((n) => n.includes('.corrupt-'))).toBe(true);
  });

  it('keeps learning in memory when the directory is unwritable, with one warning', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'file.txt'), 'x');
    const logger = recordingLogger();
    const memory = new PatternMemory({
      store: new FileStore({ directory: join(root, 'file.txt', 'sub'), logger }),
    });
    teach(memory);
    const before = learned(memory);

    for (let i = 0; i < 10; i++) await memory.save();
    memory.clear();
    expect(await memory.load()).toBe('loaded');

    expect(learned(memory)).toEqual(before);
    expect(memory.persistent).toBe(false);
    expect(logger.warnings).toHaveLength(1);
  });

  it('keeps at most patternsPerTypeLimit patterns of a type, dropping the oldest', async () => {
    const memory = new PatternMemory({ store: new MemoryStore(), patternsPerTypeLimit: 3 });
    for (let i = 0; i < 5; i++) memory.rememberPattern(pattern(`d${i}`, 'degradation'));
    memory.rememberPattern(pattern('r0', 'resonance'));

    expect(memory.patterns.map((p) => p.patternId)).toEqual(['d2', 'd3', 'd4', 'r0']);
  });

  it('keeps at most maxPatternMemorySize patterns in total, dropping the oldest', async () => {
    const memory = new PatternMemory({ store: new MemoryStore(), maxPatternMemorySize: 4 });
    const types = ['degradation', 'api_change', 'resonance'] as const;
    for (let i = 0; i < 7; i++) memory.rememberPattern(pattern(`p${i}`, types[i % 3]));

    expect(memory.patterns.map((p) => p.patternId)).toEqual(['p3', 'p4', 'p5', 'p6']);
  });

  it('defaults to 100 per type and applies its bounds to a larger saved history on load', async () => {
    const store = new MemoryStore();
    const writer = new PatternMemory({ store });
    for (let i = 0; i < 120; i++) writer.rememberPattern(pattern(`d${i}`, 'degradation'));
    for (let i = 0; i < 30; i++) writer.rememberPattern(pattern(`a${i}`, 'api_change'));
    expect(writer.patterns.filter((p) => p.patternType === 'degradation')).toHaveLength(100);
    await writer.save();

    const reader = new PatternMemory({ store, patternsPerTypeLimit: 10, maxPatternMemorySize: 15 });
    expect(await reader.load()).toBe('loaded');
    const ids = reader.patterns.map((p) => p.patternId);
    expect(ids).toEqual([
      ...['d115', 'd116', 'd117', 'd118', 'd119'],
      ...Array.from({ length: 10 }, (_, i) => `a${i + 20}`),
    ]);
  });

  it('updates a pattern remembered again under the same id in place', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    memory.rememberPattern(pattern('p1'));
    memory.rememberPattern(pattern('p2'));
    memory.rememberPattern({ ...pattern('p1'), resolvedAt: new Date(START + 5000).toISOString() });

    expect(memory.patterns.map((p) => [p.patternId, p.resolvedAt])).toEqual([
      ['p1', new Date(START + 5000).toISOString()],
      ['p2', undefined],
    ]);
  });

  it('refuses a pattern or healing action that fails its schema, so a save stays loadable', async () => {
    const store = new MemoryStore();
    const memory = new PatternMemory({ store });
    expect(memory.rememberPattern({ ...pattern('bad'), confidence: 1.5 })).toBe(false);
    expect(memory.rememberHealing({ ...healing('bad'), impactOnHealth: 7 })).toBe(false);
    expect(memory.patterns).toEqual([]);
    expect(memory.healings).toEqual([]);
  });

  it('finds similar past patterns: same type, a shared adapter, newest first, at most 5', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    for (let i = 0; i < 7; i++) memory.rememberPattern(pattern(`a${i}`, 'api_change', ['openai', 'x']));
    memory.rememberPattern(pattern('other-adapter', 'api_change', ['anthropic']));
    memory.rememberPattern(pattern('other-type', 'degradation', ['openai']));

    expect(memory.similarPastPatterns('api_change', ['openai'])).toEqual(['a6', 'a5', 'a4', 'a3', 'a2']);
    expect(memory.similarPastPatterns('api_change', ['openai'], 'a6')).toEqual([
      'a5',
      'a4',
      'a3',
      'a2',
      'a1',
    ]);
    expect(memory.similarPastPatterns('api_change', ['anthropic', 'y'])).toEqual(['other-adapter']);
    expect(memory.similarPastPatterns('resonance', ['openai'])).toEqual([]);
  });

  it('orders successful resolutions best first, leaving out actions that never succeeded', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    const record = (
      category: string,
      action: Parameters<PatternMemory['recordHealingOutcome']>[2],
      s: number,
      f: number,
    ): void => {
      for (let i = 0; i < s; i++) memory.recordHealingOutcome('degradation', category, action, true, START);
      for (let i = 0; i < f; i++) memory.recordHealingOutcome('degradation', category, action, false, START);
    };
    record('timeout', 'retry_strategy', 9, 1); // 0.9 over 10 trials
    record('timeout', 'fallback', 1, 0); // one lucky success
    record('timeout', 'config_update', 3, 3);
    record('timeout', 'reconnect', 0, 4);
    record('rate_limited', 'fallback', 8, 0);

    const timeout = memory.successfulResolutions('degradation', 'timeout');
    expect(timeout.map((r) => r.actionType)).toEqual(['retry_strategy', 'fallback', 'config_update']);
    expect(timeout[0]).toEqual({ actionType: 'retry_strategy', successes: 9, failures: 1, successRate: 0.9 });

    const all = memory.successfulResolutions('degradation');
    expect(all.map((r) => r.actionType)).toEqual(['fallback', 'retry_strategy', 'config_update']);
    expect(all[0]).toMatchObject({ successes: 9, failures: 0, successRate: 1 });
    expect(memory.successfulResolutions('resonance')).toEqual([]);
  });

  it('reports healing stats for every action type, zero where never tried', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    memory.recordHealingOutcome('resonance', 'overloaded', 'fallback', false, START);

    expect(memory.healingStats('resonance', 'overloaded')).toEqual({
      retry_strategy: { successes: 0, failures: 0 },
      fallback: { successes: 0, failures: 1 },
      config_update: { successes: 0, failures: 0 },
      api_adaptation: { successes: 0, failures: 0 },
      reconnect: { successes: 0, failures: 0 },
    });
    expect(() => memory.recordHealingOutcome('resonance', 'a|b', 'fallback', true, START)).toThrow(
      RangeError,
    );
  });

  it('bounds the healing history and updates an action once its outcome is measured', () => {
    const memory = new PatternMemory({ store: new MemoryStore(), maxHealingHistory: 3 });
    for (let i = 0; i < 5; i++)
      memory.rememberHealing({ ...healing(`h${i}`), completed: false, success: null });
    memory.rememberHealing(healing('h3', false));

    expect(memory.healings.map((h) => [h.actionId, h.completed, h.success])).toEqual([
      ['h2', false, null],
      ['h3', true, false],
      ['h4', false, null],
    ]);
  });

  it('rejects invalid bounds at construction', () => {
    expect(() => new PatternMemory({ store: new MemoryStore(), patternsPerTypeLimit: 0 })).toThrow(
      RangeError,
    );
    expect(() => new PatternMemory({ store: new MemoryStore(), maxPatternMemorySize: 1.5 })).toThrow(
      RangeError,
    );
  });
});

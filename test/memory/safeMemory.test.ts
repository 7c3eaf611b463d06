import { execFile, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { FileStore } from '../../src/memory/FileStore.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import { PATTERN_MEMORY_FILE, PATTERN_MEMORY_VERSION } from '../../src/memory/PatternMemorySchema.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { memoryLogger } from '../support/memoryLogger.js';

const writer = fileURLToPath(new URL('./fixtures/memoryWriter.ts', import.meta.url));
const dirs: string[] = [];
const logger = { warn: () => undefined };

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fire-circle-memory-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function storedDocument(learnedAliases: Record<string, Record<string, string>>, extra: object = {}): object {
  return {
    version: PATTERN_MEMORY_VERSION,
    savedAt: new Date().toISOString(),
    healingStats: {
      'degradation|timeout|retry_strategy': {
        successes: 5,
        failures: 1,
        lastUsedAt: '2026-01-01T00:00:00.000Z',
      },
    },
    learnedAliases,
    patternHistory: [],
    healingHistory: [],
    ...extra,
  };
}

/** A real store whose first read waits until `release()`: learning happens while memory loads. */
function gatedStore(inner: MemoryStore): { store: MemoryStore; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const read = inner.readJson.bind(inner);
  inner.readJson = async (name: string) => {
    await gate;
    return read(name);
  };
  return { store: inner, release };
}

describe('safe memory: load merges, never clears', () => {
  it('keeps healing outcomes, aliases and patterns learned before load finished, and adds the stored ones', async () => {
    const inner = new MemoryStore();
    await inner.writeJson(PATTERN_MEMORY_FILE, storedDocument({ openai: { sendMessage: 'send_message' } }));
    const { store, release } = gatedStore(inner);
    const memory = new PatternMemory({ store });
    const loading = memory.load();
    memory.recordHealingOutcome('degradation', 'timeout', 'retry_strategy', true, Date.now());
    memory.recordHealingOutcome('resonance', 'overloaded', 'fallback', false, Date.now());
    memory.learnAlias('anthropic', 'chat', 'messages_create');
    release();
    expect(await loading).toBe('loaded');
    expect(memory.healingStats('degradation', 'timeout').retry_strategy).toEqual({
      successes: 6,
      failures: 1,
    });
    expect(memory.healingStats('resonance', 'overloaded').fallback).toEqual({ successes: 0, failures: 1 });
    expect(memory.learnedAlias('openai', 'sendMessage')).toBe('send_message');
    expect(memory.learnedAlias('anthropic', 'chat')).toBe('messages_create');
    await memory.save();
    const saved = (await inner.readJson(PATTERN_MEMORY_FILE)) as {
      healingStats: Record<string, { successes: number }>;
    };
    expect(saved.healingStats['degradation|timeout|retry_strategy']?.successes).toBe(6); // not double-counted
  });

  it('the brain saves healing learned before `ready` (a quarantined file does not wipe it either)', async () => {
    const inner = new MemoryStore();
    await inner.writeJson(PATTERN_MEMORY_FILE, { not: 'pattern memory' });
    const { store, release } = gatedStore(inner);
    const brain = new InfrastructureConsciousness({
      store,
      registry: new Registry(),
      logger: memoryLogger().logger,
    });
    brain.memory.recordHealingOutcome('api_change', 'api_return_none', 'api_adaptation', true, Date.now());
    release();
    await brain.ready;
    await brain.saveMemory();
    const saved = (await inner.readJson(PATTERN_MEMORY_FILE)) as {
      healingStats: Record<string, { successes: number }>;
    };
    expect(saved.healingStats['api_change|api_return_none|api_adaptation']?.successes).toBe(1);
    expect((await inner.list(PATTERN_MEMORY_FILE)).some((n) => n.includes('.corrupt-'))).toBe(true);
  });
});

describe('safe memory: aliases are the adapter’s own methods', () => {
  it('a stored alias naming an Object.prototype member is never used: no method appears that echoes its input', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, PATTERN_MEMORY_FILE),
      JSON.stringify(
        storedDocument({ gen: { generate: 'constructor', describe: 'toString', reply: 'answer' } }),
      ),
    );
    const registry = new Registry();
    const brain = new InfrastructureConsciousness({
      registry,
      logger: memoryLogger().logger,
      config: { storagePath: dir },
    });
    await brain.ready;
    expect(brain.memory.learnedAlias('gen', 'generate')).toBeUndefined();
    const adapter = { answer: async (p: { prompt: string }) => `answered ${p.prompt}` };
    const wrapped = withConsciousness(
      adapter as typeof adapter & {
        generate(p: object): Promise<unknown>;
        reply(p: object): Promise<unknown>;
        to_string(): Promise<unknown>;
      },
      {
        name: 'gen',
        infrastructure: brain,
        retry: { maxAttempts: 1 },
      },
    );
    const input = { prompt: 'hello' };
    // Like the raw adapter: no such method (before the fix, `generate(input)` returned `input`).
    expect((wrapped as { generate?: unknown }).generate).toBeUndefined();
    // camelCase of to_string is toString: an Object.prototype member, not the adapter's method, so
    // (one alias lookup for what is intercepted and what is called) no such method either.
    expect((wrapped as { to_string?: unknown }).to_string).toBeUndefined();
    // A stored alias naming a real method still applies.
    await expect(wrapped.reply(input)).resolves.toBe('answered hello');
  });

  it('an unsafe alias is not learned either', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    memory.learnAlias('gen', 'generate', 'hasOwnProperty');
    memory.learnAlias('gen', 'other', '__proto__');
    expect(memory.learnedAlias('gen', 'generate')).toBeUndefined();
    expect(memory.toDocument().learnedAliases).toEqual({});
  });
});

describe('safe memory: leftovers of crashed saves', () => {
  it('temp files of saves killed with SIGKILL are removed at the next load', async () => {
    const dir = await tempDir();
    let leftovers: string[] = [];
    for (let kill = 0; kill < 10 && leftovers.length === 0; kill++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, 'crash'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      // SIGKILL the moment a save has its temp file: a crash between create and rename.
      await new Promise<void>((resolve) => {
        const watcher = watch(dir, (_event, name) => {
          if (name?.endsWith('.tmp') !== true) return;
          child.kill('SIGKILL');
          watcher.close();
          resolve();
        });
      });
      await new Promise((r) => child.once('exit', r));
      leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    }
    expect(leftovers.length).toBeGreaterThan(0);
    const memory = new PatternMemory({ store: new FileStore({ directory: dir, logger }) });
    await memory.load();
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('keeps a temp file of a live save; removes one of the old naming once it is a minute old', async () => {
    const dir = await tempDir();
    const live = `.pattern_memory.json.${process.pid}.abcdef.tmp`;
    const oldStyleFresh = '.pattern_memory.json.0123456789ab.tmp';
    const oldStyleStale = '.pattern_memory.json.ba9876543210.tmp';
    for (const name of [live, oldStyleFresh, oldStyleStale]) await writeFile(join(dir, name), '{');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(join(dir, oldStyleStale), twoMinutesAgo, twoMinutesAgo);
    await new FileStore({ directory: dir, logger }).readJson(PATTERN_MEMORY_FILE);
    expect((await readdir(dir)).sort()).toEqual([live, oldStyleFresh].sort());
  });
});

describe('safe memory: processes sharing a storage directory', () => {
  it('two real processes saving concurrently into one directory lose nothing', async () => {
    const dir = await tempDir();
    const rounds = 40;
    const run = (label: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', writer, dir, label, String(rounds)]);
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.stdout).toContain('done');
    expect(b.stdout).toContain('done');
    const doc = JSON.parse(await readFile(join(dir, PATTERN_MEMORY_FILE), 'utf8')) as {
      healingStats: Record<string, { successes: number; failures: number }>;
      learnedAliases: Record<string, Record<string, string>>;
      patternHistory: { patternId: string }[];
    };
    expect(doc.healingStats['degradation|timeout|retry_strategy']).toMatchObject({
      successes: 2 * rounds,
      failures: 0,
    });
    expect(doc.healingStats['resonance|a|fallback']).toMatchObject({
      successes: rounds / 2,
      failures: rounds / 2,
    });
    expect(doc.healingStats['resonance|b|fallback']).toMatchObject({
      successes: rounds / 2,
      failures: rounds / 2,
    });
    expect(Object.keys(doc.learnedAliases['voice-a'] ?? {})).toHaveLength(rounds);
    expect(Object.keys(doc.learnedAliases['voice-b'] ?? {})).toHaveLength(rounds);
    expect(doc.patternHistory).toHaveLength(2 * rounds);
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]); // no lock or temp file left
  }, 60_000);
});

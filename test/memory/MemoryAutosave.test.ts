import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { FileStore } from '../../src/memory/FileStore.js';
import { MemoryAutosave } from '../../src/memory/MemoryAutosave.js';
import { VirtualClock } from '../support/VirtualClock.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(
    dirs.splice(0).map((d) => rm(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })),
  );
});

const CHILD = fileURLToPath(new URL('./fixtures/autosaveChild.ts', import.meta.url));
const silent = pino({ level: 'silent' });

/** Runs the child fixture; resolves with how it ended. */
function runChild(
  directory: string,
  ending: 'signal' | 'drain',
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, directory, ending], {
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

const savedAlias = async (directory: string): Promise<unknown> => {
  const memory = JSON.parse(await readFile(join(directory, 'pattern_memory.json'), 'utf8')) as {
    learnedAliases?: unknown;
  };
  return memory.learnedAliases;
};

describe('MemoryAutosave', () => {
  it('saves every interval until stopped, and only once at a time', async () => {
    const time = new VirtualClock();
    let saves = 0;
    let release: () => void = () => undefined;
    const autosave = new MemoryAutosave({
      save: () => {
        saves++;
        return new Promise<void>((r) => (release = r));
      },
      intervalMs: 1_000,
      logger: silent,
      scheduler: time,
    });
    autosave.start();
    await time.advance(3_000);
    expect(saves).toBe(1); // the first save has not finished: no second one is started
    release();
    await time.advance(2_000);
    expect(saves).toBe(2);
    release();
    autosave.stop();
    await time.advance(5_000);
    expect(saves).toBe(2);
  });

  it('saves nothing periodically with an interval of 0, and a failing save only warns', async () => {
    const time = new VirtualClock();
    const warnings: unknown[] = [];
    let saves = 0;
    const autosave = new MemoryAutosave({
      save: () => {
        saves++;
        return Promise.reject(new Error('disk full'));
      },
      intervalMs: 0,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (obj: unknown) => warnings.push(obj),
        error: () => undefined,
      } as never,
      scheduler: time,
    });
    autosave.start();
    await time.advance(60_000);
    expect(time.pending).toBe(0);
    expect(saves).toBe(0);
    await expect(autosave.saveNow('test')).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ err: 'Error: disk full', reason: 'test' })]);
    autosave.stop();
  });

  it('lets the brain save its memory periodically while the process runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-autosave-'));
    dirs.push(dir);
    const brain = new InfrastructureConsciousness({
      registry: new Registry(),
      logger: silent,
      store: new FileStore({ directory: dir, logger: silent }),
      config: { memorySaveIntervalMs: 20 },
    });
    await brain.ready;
    brain.learnAlias('google', 'sendMessage', 'send_message');
    let aliases: unknown;
    // A save may have run before the alias was learned: wait for one after it.
    for (let i = 0; i < 250 && !JSON.stringify(aliases ?? null).includes('send_message'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      aliases = await savedAlias(dir).catch(() => undefined);
    }
    expect(JSON.stringify(aliases)).toContain('send_message');
  });

  it('saves on SIGTERM, then ends the process as the signal would have', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-autosave-sig-'));
    dirs.push(dir);
    expect(await runChild(dir, 'signal')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(JSON.stringify(await savedAlias(dir))).toContain('send_message');
  }, 30_000);

  it('saves when the event loop empties, and the process still ends by itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-autosave-drain-'));
    dirs.push(dir);
    expect(await runChild(dir, 'drain')).toEqual({ code: 0, signal: null });
    expect(JSON.stringify(await savedAlias(dir))).toContain('send_message');
  }, 30_000);
});

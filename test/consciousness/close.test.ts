// The brain's close(): what it holds is released, and what it learned is on disk.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { FileStore } from '../../src/memory/FileStore.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('InfrastructureConsciousness.close()', () => {
  it('saves what was learned (no periodic save ran) and can be called twice', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ic-close-'));
    dirs.push(directory);
    const logger = pino({ level: 'silent' });
    const brain = new InfrastructureConsciousness({
      registry: new Registry(),
      logger,
      store: new FileStore({ directory, logger }),
      // No periodic save: only close() can have written the alias below.
      config: { memorySaveIntervalMs: 0 },
    });
    await brain.ready;
    brain.learnAlias('google', 'sendMessage', 'send_message_close_test');
    await brain.close();
    const files = await readdir(directory, { recursive: true });
    const contents = await Promise.all(
      files
        .filter((f) => String(f).endsWith('.json'))
        .map((f) => readFile(join(directory, String(f)), 'utf8')),
    );
    expect(contents.some((c) => c.includes('send_message_close_test'))).toBe(true);
    await expect(brain.close()).resolves.toBeUndefined();
  });
});

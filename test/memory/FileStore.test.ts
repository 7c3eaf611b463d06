import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../src/memory/FileStore.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { START, manualClock, recordingLogger, useTempDirs } from './memoryTestKit.js';

const tempDir = useTempDirs();

describe('FileStore', () => {
  it('creates its directory on the first write and reads back what it wrote', async () => {
    const dir = join(await tempDir(), 'nested', 'storage');
    const store = new FileStore({ directory: dir, logger: recordingLogger() });
    expect(await store.readJson('a.json')).toBeUndefined();
    expect(await store.list('')).toEqual([]);

    await store.writeJson('a.json', { answer: 42, list: [1, 'two'] });

    expect(await readdir(dir)).toEqual(['a.json']);
    expect(await store.readJson('a.json')).toEqual({ answer: 42, list: [1, 'two'] });
    expect(store.persistent).toBe(true);
  });

  it('writes atomically through a temp file it never leaves behind', async () => {
    const dir = await tempDir();
    const store = new FileStore({ directory: dir, logger: recordingLogger() });
    for (let i = 0; i < 10; i++) await store.writeJson('doc.json', { i });

    expect(await readdir(dir)).toEqual(['doc.json']);
    expect(JSON.parse(await readFile(join(dir, 'doc.json'), 'utf8'))).toEqual({ i: 9 });
  });

  it('never mistakes a temp file left by a crash mid-write for data', async () => {
    const dir = await tempDir();
    const logger = recordingLogger();
    const store = new FileStore({ directory: dir, logger });
    await store.writeJson('doc.json', { committed: true });
    // What a process killed between write and rename leaves behind: a partial hidden temp file.
    await writeFile(join(dir, '.doc.json.deadbeef0001.tmp'), '{"committed": fal');
    await writeFile(join(dir, '.other.json.deadbeef0002.tmp'), '{"half');

    expect(await store.readJson('doc.json')).toEqual({ committed: true });
    expect(await store.readJson('other.json')).toBeUndefined();
    expect(await store.list('')).toEqual(['doc.json']);
    expect(logger.warnings).toEqual([]);
  });

  it('quarantines a document that is not JSON, with one warning, and reads it as absent', async () => {
    const dir = await tempDir();
    const logger = recordingLogger();
    const store = new FileStore({ directory: dir, logger, clock: () => START + 123 });
    await writeFile(join(dir, 'doc.json'), '{"truncated": ');

    expect(await store.readJson('doc.json')).toBeUndefined();
    expect(await store.readJson('doc.json')).toBeUndefined();

    const files = await readdir(dir);
    expect(files).toEqual(['doc.json.corrupt-20250101T120000.123Z']);
    expect(await readFile(join(dir, files[0] ?? ''), 'utf8')).toBe('{"truncated": ');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.obj).toMatchObject({
      name: 'doc.json',
      reason: expect.stringMatching(/JSON/),
    });
  });

  it('gives two quarantines in the same millisecond distinct names', async () => {
    const dir = await tempDir();
    const store = new FileStore({ directory: dir, logger: recordingLogger(), clock: () => START });
    await writeFile(join(dir, 'doc.json'), 'not json');
    expect(await store.readJson('doc.json')).toBeUndefined();
    await writeFile(join(dir, 'doc.json'), 'still not json');
    expect(await store.readJson('doc.json')).toBeUndefined();

    expect((await readdir(dir)).sort()).toEqual([
      'doc.json.corrupt-20250101T120000.000Z',
      'doc.json.corrupt-20250101T120000.000Z-2',
    ]);
  });

  it('quarantines on request and lists the quarantined name', async () => {
    const dir = await tempDir();
    const logger = recordingLogger();
    const store = new FileStore({ directory: dir, logger, clock: () => START });
    await store.writeJson('doc.json', { foreign: true });

    const movedTo = await store.quarantine('doc.json', 'wrong shape');

    expect(movedTo).toBe('doc.json.corrupt-20250101T120000.000Z');
    expect(await store.readJson('doc.json')).toBeUndefined();
    expect(await store.list('doc')).toEqual([movedTo]);
    expect(await store.quarantine('doc.json', 'again')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('degrades to memory-only with exactly one warning when the directory cannot be created (ENOTDIR)', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'file.txt'), 'a regular file');
    const logger = recordingLogger();
    const store = new FileStore({ directory: join(root, 'file.txt', 'sub'), logger });

    for (let i = 0; i < 25; i++) await store.writeJson(`doc${i % 5}.json`, { i });
    await store.remove('doc0.json');

    expect(store.persistent).toBe(false);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.obj).toMatchObject({ code: 'ENOTDIR' });
    expect(await store.readJson('doc4.json')).toEqual({ i: 24 });
    expect(await store.readJson('doc0.json')).toBeUndefined();
    expect(await store.list('doc')).toEqual(['doc1.json', 'doc2.json', 'doc3.json', 'doc4.json']);
    expect(await store.quarantine('doc1.json', 'test')).toBeUndefined();
    expect(await store.readJson('doc1.json')).toBeUndefined();
    expect(await readFile(join(root, 'file.txt'), 'utf8')).toBe('a regular file');
  });

  it('logs the degradation warning through a real pino logger', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'file.txt'), 'x');
    const { logger, lines } = memoryLogger();
    const store = new FileStore({ directory: join(root, 'file.txt', 'sub'), logger });

    await store.writeJson('a.json', 1);
    await store.writeJson('a.json', 2);

    const warnings = lines()
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/memory-only/);
    expect(await store.readJson('a.json')).toBe(2);
  });

  it('keeps concurrent writes of one name from interleaving: the last one wins, as valid JSON', async () => {
    const dir = await tempDir();
    const store = new FileStore({ directory: dir, logger: recordingLogger() });
    const big = (i: number): { i: number; payload: string } => ({ i, payload: String(i).repeat(50_000) });

    await Promise.all(Array.from({ length: 20 }, (_, i) => store.writeJson('doc.json', big(i))));

    const onDisk = JSON.parse(await readFile(join(dir, 'doc.json'), 'utf8')) as {
      i: number;
      payload: string;
    };
    expect(onDisk).toEqual(big(19));
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it('reads its own writes even when the read is issued before the write settles', async () => {
    const store = new FileStore({ directory: await tempDir(), logger: recordingLogger() });
    const write = store.writeJson('doc.json', { v: 1 });
    const read = store.readJson('doc.json');
    await write;
    expect(await read).toEqual({ v: 1 });
  });

  it('removes documents, tolerating absent ones, and lists by prefix in order', async () => {
    const store = new FileStore({ directory: await tempDir(), logger: recordingLogger() });
    await store.writeJson('b.json', 1);
    await store.writeJson('a.json', 1);
    await store.writeJson('other.json', 1);
    await store.remove('b.json');
    await store.remove('never.json');

    expect(await store.list('')).toEqual(['a.json', 'other.json']);
    expect(await store.list('a')).toEqual(['a.json']);
  });

  it('ignores subdirectories when listing', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a.dir'));
    const store = new FileStore({ directory: dir, logger: recordingLogger() });
    await store.writeJson('a.json', 1);
    expect(await store.list('a')).toEqual(['a.json']);
  });

  it('rejects names that could escape the directory or collide with temp files', async () => {
    const store = new FileStore({ directory: await tempDir(), logger: recordingLogger() });
    for (const name of ['../x.json', 'a/b.json', '.hidden', '', 'a\\b']) {
      await expect(store.writeJson(name, 1)).rejects.toThrow(TypeError);
    }
  });

  it('rejects values JSON cannot hold, without touching the stored document', async () => {
    const clock = manualClock();
    const store = new FileStore({
      directory: await tempDir(),
      logger: recordingLogger(),
      clock: clock.clock,
    });
    await store.writeJson('doc.json', { ok: true });
    await expect(store.writeJson('doc.json', 10n)).rejects.toThrow(TypeError);
    await expect(store.writeJson('doc.json', undefined)).rejects.toThrow(TypeError);
    expect(await store.readJson('doc.json')).toEqual({ ok: true });
  });
});

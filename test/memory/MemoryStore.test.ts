import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { START, recordingLogger } from './memoryTestKit.js';

describe('MemoryStore', () => {
  it('is not persistent and hands out copies with JSON semantics', async () => {
    const store = new MemoryStore();
    const value = { a: 1, gone: undefined, nested: { b: [1, 2] } };
    await store.writeJson('doc.json', value);
    value.nested.b.push(3);

    const read = (await store.readJson('doc.json')) as { nested: { b: number[] } };
    read.nested.b.push(4);

    expect(store.persistent).toBe(false);
    expect(await store.readJson('doc.json')).toEqual({ a: 1, nested: { b: [1, 2] } });
  });

  it('lists by prefix in order and removes', async () => {
    const store = new MemoryStore();
    await store.writeJson('b.json', 1);
    await store.writeJson('a.json', 2);
    await store.remove('b.json');
    await store.remove('absent.json');
    expect(await store.list('')).toEqual(['a.json']);
  });

  it('quarantines under the same naming as the file store, with a warning', async () => {
    const logger = recordingLogger();
    const store = new MemoryStore({ logger, clock: () => START });
    await store.writeJson('doc.json', { x: 1 });
    await store.writeJson('doc.json.corrupt-20250101T120000.000Z', 'taken');

    const movedTo = await store.quarantine('doc.json', 'wrong shape');

    expect(movedTo).toBe('doc.json.corrupt-20250101T120000.000Z-2');
    expect(await store.readJson('doc.json')).toBeUndefined();
    expect(await store.readJson(movedTo ?? '')).toEqual({ x: 1 });
    expect(await store.quarantine('doc.json', 'again')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('rejects invalid names and values', async () => {
    const store = new MemoryStore();
    await expect(store.writeJson('../x', 1)).rejects.toThrow(TypeError);
    await expect(store.writeJson('x.json', () => 1)).rejects.toThrow(TypeError);
  });
});

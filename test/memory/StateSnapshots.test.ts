import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../src/memory/FileStore.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { StateSnapshots } from '../../src/memory/StateSnapshots.js';
import { parseStateSnapshotName, stateSnapshotName } from '../../src/memory/stateSnapshotName.js';
import { parseUtcStamp } from '../../src/memory/utcStamp.js';
import { START, manualClock, recordingLogger, useTempDirs } from './memoryTestKit.js';

const tempDir = useTempDirs();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function fileBacked(options: { maxStateFiles?: number; stateRetentionDays?: number } = {}): Promise<{
  dir: string;
  snapshots: StateSnapshots;
  time: ReturnType<typeof manualClock>;
  logger: ReturnType<typeof recordingLogger>;
}> {
  const dir = await tempDir();
  const time = manualClock();
  const logger = recordingLogger();
  const store = new FileStore({ directory: dir, logger, clock: time.clock });
  return { dir, snapshots: new StateSnapshots({ store, clock: time.clock, ...options }), time, logger };
}

describe('StateSnapshots', () => {
  it('writes infrastructure_state_<UTC yyyyMMdd_HHmmss>.json wrapping the state', async () => {
    const { dir, snapshots } = await fileBacked();

    const name = await snapshots.write({ adapters: { openai: { status: 'healthy' } } });

    expect(name).toBe('infrastructure_state_20250101_120000.json');
    expect(await readdir(dir)).toEqual([name]);
    expect(JSON.parse(await readFile(join(dir, name), 'utf8'))).toEqual({
      version: 1,
      timestamp: '2025-01-01T12:00:00.000Z',
      state: { adapters: { openai: { status: 'healthy' } } },
    });
  });

  it('keeps two snapshots taken in the same second, with a parseable _N suffix', async () => {
    const { dir, snapshots, time } = await fileBacked();
    await snapshots.write({ n: 0 });
    time.advance(400);
    await snapshots.write({ n: 1 });
    time.advance(400);
    await Promise.all([snapshots.write({ n: 2 }), snapshots.write({ n: 3 })]);

    expect((await readdir(dir)).sort()).toEqual([
      'infrastructure_state_20250101_120000.json',
      'infrastructure_state_20250101_120000_1.json',
      'infrastructure_state_20250101_120000_2.json',
      'infrastructure_state_20250101_120000_3.json',
    ]);
    expect(parseStateSnapshotName('infrastructure_state_20250101_120000_3.json')).toEqual({
      timeMs: START,
      sequence: 3,
    });
    expect((await snapshots.latest())?.state).toEqual({ n: 3 });
  });

  it('keeps at most maxStateFiles, deleting the oldest', async () => {
    const { dir, snapshots, time } = await fileBacked({ maxStateFiles: 3 });
    for (let i = 0; i < 6; i++) {
      await snapshots.write({ i });
      time.advance(60_000);
    }

    expect((await readdir(dir)).sort()).toEqual([
      'infrastructure_state_20250101_120300.json',
      'infrastructure_state_20250101_120400.json',
      'infrastructure_state_20250101_120500.json',
    ]);
  });

  it('defaults to keeping 100 snapshots', async () => {
    const store = new MemoryStore();
    const time = manualClock();
    const snapshots = new StateSnapshots({ store, clock: time.clock });
    for (let i = 0; i < 105; i++) {
      await snapshots.write({ i });
      time.advance(1000);
    }
    const names = await snapshots.names();
    expect(names).toHaveLength(100);
    expect(names.at(-1)).toBe(stateSnapshotName(START + 5000));
  });

  it('deletes snapshots older than stateRetentionDays by the time in their name', async () => {
    const { dir, snapshots, time } = await fileBacked({ stateRetentionDays: 7 });
    await snapshots.write({ day: 0 });
    time.advance(3 * DAY);
    await snapshots.write({ day: 3 });
    time.advance(4 * DAY + HOUR); // day 0 is now 7 days and an hour old
    await snapshots.write({ day: 7 });

    expect((await readdir(dir)).sort()).toEqual([
      'infrastructure_state_20250104_120000.json',
      'infrastructure_state_20250108_130000.json',
    ]);
  });

  it('leaves files it did not write alone during retention', async () => {
    const { dir, snapshots } = await fileBacked({ maxStateFiles: 1 });
    await writeFile(join(dir, 'pattern_memory.json'), '{}');
    await writeFile(join(dir, 'infrastructure_state_notes.txt'), 'hands off');
    await snapshots.write({ a: 1 });
    await snapshots.write({ a: 2 });

    expect((await readdir(dir)).sort()).toEqual([
      'infrastructure_state_20250101_120000_1.json',
      'infrastructure_state_notes.txt',
      'pattern_memory.json',
    ]);
  });

  it('reads the newest valid snapshot, quarantining corrupt and foreign ones on the way', async () => {
    const { dir, snapshots, time, logger } = await fileBacked();
    await snapshots.write({ good: true });
    time.advance(1000);
    await writeFile(join(dir, stateSnapshotName(time.clock())), JSON.stringify({ some: 'other tool' }));
    time.advance(1000);
    await writeFile(join(dir, stateSnapshotName(time.clock())), '{"version": 1, "timest');

    const latest = await snapshots.latest();

    expect(latest).toEqual({
      name: 'infrastructure_state_20250101_120000.json',
      timestamp: '2025-01-01T12:00:00.000Z',
      state: { good: true },
    });
    const files = await readdir(dir);
    expect(files.filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
    expect(logger.warnings).toHaveLength(2);
    expect(await snapshots.names()).toEqual(['infrastructure_state_20250101_120000.json']);
  });

  it('has no latest snapshot before the first write', async () => {
    const { snapshots } = await fileBacked();
    expect(await snapshots.latest()).toBeUndefined();
  });

  it('rejects invalid retention options at construction', () => {
    const store = new MemoryStore();
    expect(() => new StateSnapshots({ store, maxStateFiles: 0 })).toThrow(RangeError);
    expect(() => new StateSnapshots({ store, stateRetentionDays: -1 })).toThrow(RangeError);
  });
});

describe('snapshot names', () => {
  it('round-trip through the UTC stamp and reject impossible dates', () => {
    const t = Date.UTC(2024, 1, 29, 23, 59, 58);
    expect(stateSnapshotName(t + 999)).toBe('infrastructure_state_20240229_235958.json');
    expect(parseStateSnapshotName(stateSnapshotName(t, 12))).toEqual({ timeMs: t, sequence: 12 });
    expect(parseUtcStamp('20250231_120000')).toBeUndefined();
    expect(parseStateSnapshotName('infrastructure_state_20250101_120000.json.corrupt-x')).toBeUndefined();
    expect(parseStateSnapshotName('pattern_memory.json')).toBeUndefined();
  });
});

// A full garbage collection with no call in flight must not throw away the call path's optimised
// code. V8 refers weakly to the shapes optimised code checks; the shape of an instance of a class
// made per call dies when no instance is alive, and every function that checked it is deoptimised
// (`--trace-deopt`: "reason: weak objects"). keepShape keeps one instance of each such class.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/shapesAcrossGcScript.ts', import.meta.url));

/**
 * Functions of the call path: the classes made per call, and functions that check their shapes
 * (names V8 prints; Node's and the test loader's own functions deoptimised by collections have
 * other names).
 */
const CALL_PATH = new Set([
  'FirstAttempt',
  'Winner',
  'StartedAttempt',
  'RichCall',
  'RichPromise',
  'DataThenable',
  'InterceptedStream',
  'StreamOpening',
  'StreamObserver',
  'StreamUsageReader',
  'attemptArgs',
  'startAttempt',
  'routeResult',
  'invokeDirect',
  'awaitConsumption',
  'settled',
  'inTime',
  'winner',
  'iterating',
  'opened',
  'isThenable',
  '#won',
  '#ask',
  '#settle',
  '#deliver',
  '#resolveObserved',
  '#consume',
  '#wake',
]);

describe('shapes across full collections', () => {
  it('keeps the call path optimised through full collections between calls', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--trace-deopt', '--import', 'tsx', script],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout).toContain('shapes-across-gc: done');
    const weak = stdout
      .split('\n')
      .filter((line) => line.includes('reason: weak objects'))
      .map((line) => /<SharedFunctionInfo ([^>]*)>/.exec(line)?.[1] ?? line);
    // Before keepShape: some eighty to a hundred and thirty of these, FirstAttempt, Winner,
    // RichPromise, settled, routeResult… at each collection.
    expect(weak.filter((name) => CALL_PATH.has(name))).toEqual([]);
    console.info(
      `functions deoptimised by the collections: ${weak.length} (${[...new Set(weak)].join(', ')})`,
    );
  }, 150_000);
});

import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROBE_HOLD_MS, ProbeGate } from '../../src/scaleout/ProbeGate.js';

/** The gate alone, on virtual time: what it holds, when it lets go, and what it leaves behind. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ProbeGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds the calls behind a probe until it settles; no timer or abort listener is left', async () => {
    const gate = new ProbeGate(() => true);
    const answer = deferred<string>();
    const probe = gate.pass('v', 'm', () => answer.promise);
    expect(gate.out).toBe(1);
    expect(gate.probing('v', 'm')).toBe(true);
    expect(gate.probing('v', 'other')).toBe(false);
    const signal = new AbortController().signal;
    const go = vi.fn(() => 'went');
    const held = [gate.pass('v', 'm', go, signal), gate.hold('v', 'm', go, signal)];
    expect(gate.waiting).toBe(2);
    expect(getEventListeners(signal, 'abort')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(PROBE_HOLD_MS / 2);
    expect(go).not.toHaveBeenCalled();
    answer.resolve('answered');
    expect(await probe).toBe('answered');
    expect(await Promise.all(held)).toEqual(['went', 'went']);
    expect([gate.out, gate.waiting, vi.getTimerCount()]).toEqual([0, 0, 0]);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('lets the held calls go when the probe has been out for the hold, counted from its start', async () => {
    const gate = new ProbeGate(() => true);
    void gate.pass('v', undefined, () => new Promise(() => {}));
    await vi.advanceTimersByTimeAsync(PROBE_HOLD_MS - 100);
    const go = vi.fn(() => 'went');
    const held = gate.hold('v', undefined, go);
    await vi.advanceTimersByTimeAsync(99);
    expect(go).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(await held).toBe('went');
    expect([gate.out, vi.getTimerCount()]).toEqual([0, 0]);
  });

  it('rejects a held call at once with the abort reason (already aborted too); it never goes', async () => {
    const gate = new ProbeGate(() => true);
    const answer = deferred<void>();
    void gate.pass('v', undefined, () => answer.promise);
    const controller = new AbortController();
    const aborted = vi.fn();
    const go = vi.fn();
    const held = gate.pass('v', undefined, go, controller.signal, aborted) as Promise<unknown>;
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(held).rejects.toBe(reason);
    expect(aborted).toHaveBeenCalledTimes(1);
    expect(gate.waiting).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(gate.hold('v', undefined, go, controller.signal, aborted)).rejects.toBe(reason);
    expect(aborted).toHaveBeenCalledTimes(2);
    answer.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(go).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a stream probe is out until its first chunk; the stream is iterated unchanged', async () => {
    const gate = new ProbeGate(() => true);
    const first = deferred<void>();
    async function* stream() {
      await first.promise;
      yield 'a';
      yield 'b';
    }
    const probe = gate.pass('v', undefined, () => stream()) as AsyncIterable<string>;
    const go = vi.fn(() => 'went');
    const held = gate.hold('v', undefined, go);
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const c of probe) chunks.push(c);
    })();
    await vi.advanceTimersByTimeAsync(10);
    expect(go).not.toHaveBeenCalled();
    first.resolve();
    expect(await held).toBe('went');
    await reading;
    expect(chunks).toEqual(['a', 'b']);
    expect([gate.out, vi.getTimerCount()]).toEqual([0, 0]);
  });

  it('holds nothing while the shared state is down, and a call with no probe out goes at once', () => {
    const down = new ProbeGate(() => false);
    expect(down.pass('v', undefined, () => new Promise(() => {}))).toBeInstanceOf(Promise);
    expect(down.out).toBe(0);
    expect(new ProbeGate(() => true).hold('v', undefined, () => 'now')).toBe('now');
  });
});

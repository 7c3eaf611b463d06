// The rich promise handed back for an SDK's APIPromise: the outcome it is given decides what
// every consumption gets, whether the caller asks before or after it is known.
import { describe, expect, it } from 'vitest';
import { RichPromise, SETTLE, Winner } from '../../../src/resilience/results/RichPromise.js';
import { MAX_KEPT_FRONTS, richClass } from '../../../src/resilience/results/richClass.js';
import { keptShapes } from '../../../src/base/keepShape.js';
import { SETTLED } from '../../../src/resilience/resultShapes.js';
import { FakeApiPromise } from '../../support/FakeApiPromise.js';

const won = (raw: unknown, latencyMs = 0): Winner => new Winner(raw, false, undefined, 0, latencyMs);

/** What the caller holds: the front of a call, with the SDK promise's members. */
type Held = Promise<unknown> & FakeApiPromise & { [SETTLED](): Promise<void> };

/** A call whose first attempt is `first` (its outcome given through `call[SETTLE]`), and the caller's front of it. */
function richOf(first: FakeApiPromise, call: RichPromise = new RichPromise(first)): [Held, RichPromise] {
  return [new (richClass(FakeApiPromise.prototype))(call) as Held, call];
}

describe('RichPromise', () => {
  it('observes the winner’s data with the winner itself: its start and its latency to the response', async () => {
    const first = new FakeApiPromise();
    const seen: Winner[] = [];
    const observer = {
      observe(value: unknown, winner: Winner): unknown {
        seen.push(winner);
        return value;
      },
      consumed: () => false,
    };
    const [rich, call] = richOf(first, new RichPromise(first, observer));
    const awaited = rich.then((v) => v);
    first.settle.resolve({ id: 7 });
    const winner = won(first, 42);
    call[SETTLE](winner);
    await expect(awaited).resolves.toEqual({ id: 7 });
    expect(seen).toEqual([winner]);
    expect(seen[0]!.latencyMs).toBe(42);
  });

  it('is an instance of the SDK promise’s class and of Promise, with its members and its name', () => {
    const [rich] = richOf(new FakeApiPromise());
    expect(rich).toBeInstanceOf(FakeApiPromise);
    // The call behind it is out of the caller's sight: no own property, string- or symbol-keyed,
    // and nothing on its class but a class's own (no static reaching the call).
    expect(Reflect.ownKeys(rich)).toEqual([]);
    expect(Reflect.ownKeys(rich.constructor).sort()).toEqual(['length', 'name', 'prototype']);
    expect(typeof rich.withResponse).toBe('function');
    expect(typeof rich.asResponse).toBe('function');
    expect(rich.constructor.name).toBe('FakeApiPromise');
    // One class per SDK class: the next call's promise shares it.
    expect(Object.getPrototypeOf(richOf(new FakeApiPromise())[0])).toBe(Object.getPrototypeOf(rich));
  });

  it('keeps an instance of a bounded number of front classes: a promise class per call does not grow the process', () => {
    const before = keptShapes();
    for (let i = 0; i < 10 * MAX_KEPT_FRONTS; i++) {
      class PerCall extends Promise<unknown> {}
      const front = new (richClass(PerCall.prototype))(new RichPromise(new FakeApiPromise()));
      expect(front).toBeInstanceOf(PerCall);
    }
    expect(keptShapes() - before).toBeLessThanOrEqual(MAX_KEPT_FRONTS);
    expect(keptShapes() - before).toBeGreaterThan(0);
  });

  it('over a Promise subclass: instanceof it and Promise, tagged as a promise, its own members answered', async () => {
    class SdkPromise extends Promise<unknown> {
      parse(): string {
        return 'own parse';
      }
    }
    const first = new FakeApiPromise();
    const call = new RichPromise(first);
    const rich = new (richClass(SdkPromise.prototype))(call) as SdkPromise;
    expect(rich).toBeInstanceOf(SdkPromise);
    expect(rich).toBeInstanceOf(Promise);
    expect(Object.prototype.toString.call(rich)).toBe('[object Promise]');
    const parsed = rich.parse() as unknown as Promise<unknown>;
    call[SETTLE](new Winner({ parse: () => 'the winner’s parse' }, false, undefined, 0, 0));
    await expect(parsed).resolves.toBe('the winner’s parse');
  });

  it('awaited before the outcome: gets the first attempt’s data once it wins, asking its parse once', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    const awaited = rich.then((v) => v);
    first.settle.resolve({ id: 1 });
    call[SETTLE](won(first));
    await expect(awaited).resolves.toEqual({ id: 1 });
    await expect(rich).resolves.toEqual({ id: 1 });
    expect(first.parses).toBe(1);
  });

  it('reads no data until asked: only asResponse() used, the body is never parsed', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    call[SETTLE](won(first));
    first.settle.resolve({ id: 4 });
    await expect(rich.asResponse()).resolves.toBe('raw response');
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.parses).toBe(0);
    expect(first.rawReads).toBe(1);
  });

  it('the first attempt lost and a retry won: the caller gets the retry’s data, not the first’s', async () => {
    const first = new FakeApiPromise();
    const second = new FakeApiPromise();
    const [rich, call] = richOf(first);
    const awaited = rich.then((v) => v);
    first.settle.reject(new Error('500'));
    second.settle.resolve({ id: 2 });
    call[SETTLE](Promise.resolve(won(second)));
    await expect(awaited).resolves.toEqual({ id: 2 });
  });

  it('the first attempt never settles and a retry won: the caller gets the retry’s data', async () => {
    const first = new FakeApiPromise();
    const second = new FakeApiPromise();
    const [rich, call] = richOf(first);
    const awaited = rich.then((v) => v);
    second.settle.resolve({ id: 5 });
    call[SETTLE](won(second));
    await expect(awaited).resolves.toEqual({ id: 5 });
  });

  it('the winner’s response arrived but its body does not parse: the caller gets the parse error', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    call[SETTLE](won(first));
    first.settle.reject(new SyntaxError('bad json'));
    await expect(rich).rejects.toThrow('bad json');
  });

  it('nothing served the call: then, catch, finally and withResponse all get the call’s error', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    const early = rich.withResponse();
    const failure = new Error('circuit open');
    call[SETTLE](Promise.reject(failure));
    await expect(early).rejects.toBe(failure);
    await expect(rich).rejects.toBe(failure);
    await expect(rich.catch((e: unknown) => e)).resolves.toBe(failure);
    let finalised = false;
    await expect(rich.finally(() => (finalised = true))).rejects.toBe(failure);
    expect(finalised).toBe(true);
    await expect(rich.withResponse()).rejects.toBe(failure);
  });

  it('a call that failed with nobody asking for its data leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const [rich, call] = richOf(new FakeApiPromise());
      call[SETTLE](Promise.reject(new Error('nobody listens')));
      await expect(rich[SETTLED]()).resolves.toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('a fallback served the call: then gives its answer; withResponse gives it a response', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    const awaited = rich.then((v) => v);
    call[SETTLE](new Winner(undefined, true, 'from fallback', 0, 0));
    await expect(awaited).resolves.toBe('from fallback');
    const { data, response } = (await rich.withResponse()) as { data: unknown; response: unknown };
    expect(data).toBe('from fallback');
    expect(response).toBeInstanceOf(Response);
  });

  it('then behaves as a promise’s: handlers chained, thrown, returning thenables, called after then returns', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    let called = false;
    const doubled = rich.then((v) => {
      called = true;
      return Promise.resolve((v as { id: number }).id * 2);
    });
    const second = rich.then((v) => v);
    const thrown = rich.then(() => {
      throw new Error('handler threw');
    });
    const passed = rich.then();
    first.settle.resolve({ id: 21 });
    call[SETTLE](won(first));
    expect(called).toBe(false);
    await expect(doubled).resolves.toBe(42);
    await expect(second).resolves.toEqual({ id: 21 });
    await expect(thrown).rejects.toThrow('handler threw');
    await expect(passed).resolves.toEqual({ id: 21 });
    // Asked after the data was delivered: the same data, in a later turn.
    let late = false;
    const after = rich.then((v) => {
      late = true;
      return v;
    });
    expect(late).toBe(false);
    await expect(after).resolves.toEqual({ id: 21 });
    expect(first.parses).toBe(1);
  });

  it('a failed call: onRejected recovers it, no handler passes the error on', async () => {
    const [rich, call] = richOf(new FakeApiPromise());
    const recovered = rich.then(undefined, (e) => `recovered from ${(e as Error).message}`);
    const passedOn = rich.then((v) => v);
    call[SETTLE](Promise.reject(new Error('down')));
    await expect(recovered).resolves.toBe('recovered from down');
    await expect(passedOn).rejects.toThrow('down');
  });

  it('withResponse asked before the outcome runs on the winner once it is known', async () => {
    const first = new FakeApiPromise();
    const [rich, call] = richOf(first);
    const pending = rich.withResponse();
    first.settle.resolve({ id: 3 });
    call[SETTLE](won(first));
    await expect(pending).resolves.toEqual({ data: { id: 3 }, response: 'response' });
  });
});

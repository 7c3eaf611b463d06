// The rich promise handed back for an SDK's APIPromise: the outcome it is given decides what
// every consumption gets, whether the caller asks before or after it is known.
import { describe, expect, it } from 'vitest';
import { RichPromise, Winner } from '../../../src/resilience/results/RichPromise.js';
import { FakeApiPromise } from '../../support/FakeApiPromise.js';

const won = (raw: unknown, latencyMs = 0): Winner => new Winner(raw, false, undefined, 0, latencyMs);

describe('RichPromise', () => {
  it('observes the winner’s data with the winner itself: its start and its latency to the response', async () => {
    const first = new FakeApiPromise();
    const seen: Winner[] = [];
    class Observed extends RichPromise {
      protected override observe(value: unknown, winner: Winner): unknown {
        seen.push(winner);
        return value;
      }
    }
    const rich = new Observed(first);
    const awaited = (rich.proxy as PromiseLike<unknown>).then((v) => v);
    first.settle.resolve({ id: 7 });
    const winner = won(first, 42);
    rich.settle(winner);
    await expect(awaited).resolves.toEqual({ id: 7 });
    expect(seen).toEqual([winner]);
    expect(seen[0]!.latencyMs).toBe(42);
  });

  it('awaited before the outcome: gets the first attempt’s data once it wins, asking its parse once', async () => {
    const first = new FakeApiPromise();
    const rich = new RichPromise(first);
    const awaited = (rich.proxy as PromiseLike<unknown>).then((v) => v);
    first.settle.resolve({ id: 1 });
    rich.settle(won(first));
    await expect(awaited).resolves.toEqual({ id: 1 });
    await expect(rich.proxy as PromiseLike<unknown>).resolves.toEqual({ id: 1 });
    expect(first.parses).toBe(1);
  });

  it('the first attempt lost and a retry won: the caller gets the retry’s data, not the first’s', async () => {
    const first = new FakeApiPromise();
    const second = new FakeApiPromise();
    const rich = new RichPromise(first);
    const awaited = (rich.proxy as PromiseLike<unknown>).then((v) => v);
    first.settle.reject(new Error('500'));
    second.settle.resolve({ id: 2 });
    rich.settle(Promise.resolve(won(second)));
    await expect(awaited).resolves.toEqual({ id: 2 });
  });

  it('the winner’s response arrived but its body does not parse: the caller gets the parse error', async () => {
    const first = new FakeApiPromise();
    const rich = new RichPromise(first);
    rich.settle(won(first));
    first.settle.reject(new SyntaxError('bad json'));
    await expect(rich.proxy as PromiseLike<unknown>).rejects.toThrow('bad json');
  });

  it('nothing served the call: then, catch and withResponse all get the call’s error', async () => {
    const first = new FakeApiPromise();
    const rich = new RichPromise(first) as RichPromise & { proxy: FakeApiPromise };
    const early = rich.proxy.withResponse();
    const failure = new Error('circuit open');
    rich.settle(Promise.reject(failure));
    await expect(early).rejects.toBe(failure);
    await expect(rich.proxy as PromiseLike<unknown>).rejects.toBe(failure);
    await expect(rich.proxy.withResponse()).rejects.toBe(failure);
  });

  it('a fallback served the call: then gives its answer; withResponse gives it a response', async () => {
    const first = new FakeApiPromise();
    const rich = new RichPromise(first) as RichPromise & { proxy: FakeApiPromise };
    const awaited = (rich.proxy as PromiseLike<unknown>).then((v) => v);
    rich.settle(new Winner(undefined, true, 'from fallback', 0, 0));
    await expect(awaited).resolves.toBe('from fallback');
    const { data, response } = (await rich.proxy.withResponse()) as { data: unknown; response: unknown };
    expect(data).toBe('from fallback');
    expect(response).toBeInstanceOf(Response);
  });

  it('withResponse asked before the outcome runs on the winner once it is known', async () => {
    const first = new FakeApiPromise();
    const rich = new RichPromise(first) as RichPromise & { proxy: FakeApiPromise };
    const pending = rich.proxy.withResponse();
    first.settle.resolve({ id: 3 });
    rich.settle(won(first));
    await expect(pending).resolves.toEqual({ data: { id: 3 }, response: 'response' });
  });
});

// What a rich promise's first attempt waits on is chosen by the caller's first consumption: its
// data (the SDK's own parse, one chain), or its response (the body left unread) — and a call
// nobody consumes is still recorded, at the end of the turn.
import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../../src/wrap/withConsciousness.js';
import { FakeApiPromise } from '../../support/FakeApiPromise.js';
import { freshInfrastructure } from '../../support/fixtures.js';
import { until } from '../../support/until.js';

/** An APIPromise whose raw response carries headers, answered at once with `{ id }`. */
class AnsweredPromise extends FakeApiPromise {
  constructor(id: number) {
    super();
    this.settle.resolve({ id });
  }
  override asResponse(): Promise<string> {
    this.rawReads += 1;
    return Promise.resolve(
      new Response('{}', { headers: { 'x-request-id': 'r' } }),
    ) as unknown as Promise<string>;
  }
}

/** A client whose `create` returns an APIPromise-like object; keeps every one it made. */
function client() {
  const made: AnsweredPromise[] = [];
  let id = 0;
  return {
    made,
    target: {
      create(): AnsweredPromise {
        const p = new AnsweredPromise(++id);
        made.push(p);
        return p;
      },
    },
  };
}

const turnEnd = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function wrapped(usage?: { enabled: boolean }) {
  const { infrastructure } = freshInfrastructure(undefined, usage === undefined ? {} : { usage });
  const c = client();
  const w = withConsciousness(c.target, { infrastructure, name: 'rich' });
  const calls = (): number => infrastructure.getHealthSignature('rich')?.totalCalls ?? 0;
  return { ...c, w, calls };
}

describe('a rich promise’s first attempt', () => {
  it('awaited: waits on the SDK’s parse alone once the rate-limit headers are not due', async () => {
    const { w, made, calls } = wrapped();
    // The first call reads the voice's rate-limit headers: it waits on the response, then the data.
    await expect(w.create()).resolves.toEqual({ id: 1 });
    expect([made[0]!.rawReads, made[0]!.parses]).toEqual([1, 1]);
    // Within the next 100 ms the headers are not due: one parse, no raw read.
    await expect(w.create()).resolves.toEqual({ id: 2 });
    expect([made[1]!.rawReads, made[1]!.parses]).toEqual([0, 1]);
    expect(calls()).toBe(2);
  });

  it('with usage off: every awaited call waits on the parse alone', async () => {
    const { w, made } = wrapped({ enabled: false });
    for (let i = 1; i <= 3; i++) await expect(w.create()).resolves.toEqual({ id: i });
    expect(made.map((p) => [p.rawReads, p.parses])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
  });

  it('asResponse() first: the body is never parsed', async () => {
    const { w, made } = wrapped({ enabled: false });
    const response = await w.create().asResponse();
    expect(response).toBeInstanceOf(Response);
    await turnEnd();
    expect(made[0]!.parses).toBe(0);
  });

  it('nobody consumes it: recorded at the end of the turn without reading the body; awaited later, its data', async () => {
    const { w, made, calls } = wrapped({ enabled: false });
    const pending = w.create();
    await until(() => calls() === 1, 'the unconsumed call is recorded');
    expect([made[0]!.rawReads, made[0]!.parses]).toEqual([1, 0]);
    await expect(pending).resolves.toEqual({ id: 1 });
    expect(made[0]!.parses).toBe(1);
  });

  it('awaited first, then asResponse(): answered by the same attempt, one parse, as unwrapped', async () => {
    const { w, made } = wrapped({ enabled: false });
    const pending = w.create();
    await expect(pending).resolves.toEqual({ id: 1 });
    await expect(pending.asResponse()).resolves.toBeInstanceOf(Response);
    await expect(pending.withResponse()).resolves.toMatchObject({ data: { id: 1 } });
    expect(made).toHaveLength(1);
    expect(made[0]!.parses).toBe(1);
  });
});

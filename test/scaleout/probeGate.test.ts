import { getEventListeners } from 'node:events';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PROBE_HOLD_MS } from '../../src/scaleout/ProbeGate.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freeLoopbackPort } from '../support/freePort.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { connected, redisForSuite, until } from './sharedTestKit.js';

/** When a shared cool-down ends, one call probes the provider; the calls waiting with it follow its outcome. */
const suite = redisForSuite();

function brain(namespace: string, url = suite.redis.url) {
  const infrastructure = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: memoryLogger().logger,
    store: new MemoryStore(),
    shared: { redis: url, namespace, syncIntervalMs: 100 },
  });
  suite.brains.push(infrastructure);
  return infrastructure;
}

const rateLimited = (retryAfterS: number): Error =>
  Object.assign(new Error('429 Too Many Requests'), {
    status: 429,
    headers: { 'retry-after': String(retryAfterS) },
  });

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A provider that logs `start n` / `end n` per request; `answer(n)` decides request n's fate (1-based):
 * how long it takes, and whether it is refused with a 429.
 */
function provider(log: string[], answer: (n: number) => { ms: number; retryAfterS?: number }) {
  let n = 0;
  return {
    sendMessage: async (_m: unknown) => {
      const k = ++n;
      log.push(`start ${k}`);
      const { ms, retryAfterS } = answer(k);
      await pause(ms);
      log.push(`end ${k}`);
      if (retryAfterS !== undefined) throw rateLimited(retryAfterS);
      return { content: { text: `upstream ${k}` } };
    },
  };
}

const fallback = { sendMessage: async () => ({ content: { text: 'fallback' } }) };
const ask = { content: { text: 'hi' } };

/** Starts `n` calls that all arrive during the last 300 ms of a cool-down (they wait for its end). */
function waitingCalls(
  infrastructure: InfrastructureConsciousness,
  wrapped: { sendMessage(m: unknown): Promise<unknown> },
  n: number,
) {
  infrastructure.voice('gated').coolDown(Date.now() + 300, 'rate_limited');
  return Promise.all(Array.from({ length: n }, () => wrapped.sendMessage(ask)));
}

/** A promise with its resolve exposed. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A provider whose request number `held` (the probe) is answered when the test says so — `probe.resolve(
 * retryAfterS)` (a 429) or `probe.resolve(undefined)` (an answer); every other request is answered
 * at once. Offers `sendMessage` and a streaming `streamMessage` (one chunk per request).
 */
function heldProvider(log: string[], held = 1) {
  const probe = deferred<number | undefined>();
  /** The request options each request came with (which call went upstream as which request). */
  const options: unknown[] = [];
  let n = 0;
  const request = async (given?: unknown): Promise<string> => {
    const k = ++n;
    options[k] = given;
    log.push(`start ${k}`);
    const retryAfterS = k === held ? await probe.promise : undefined;
    log.push(`end ${k}`);
    if (retryAfterS !== undefined) throw rateLimited(retryAfterS);
    return `upstream ${k}`;
  };
  return {
    probe,
    options,
    adapter: {
      sendMessage: async (_m: unknown, given?: unknown) => ({ content: { text: await request(given) } }),
      async *streamMessage(_m: unknown, _options?: unknown): AsyncGenerator<string> {
        yield await request();
      },
    },
  };
}

const fallbackStreaming = {
  ...fallback,
  async *streamMessage(): AsyncGenerator<string> {
    yield 'fallback';
  },
};

const texts = (results: unknown[]) => results.map((r) => (r as { content: { text: string } }).content.text);

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

/** A brain whose voice `gated` cools down; one call waits out the cool-down and is the probe, now out. */
async function probeOut(namespace: string) {
  const a = brain(namespace);
  await connected(a);
  const log: string[] = [];
  const { probe, adapter } = heldProvider(log);
  const wrapped = withConsciousness(adapter, { name: 'gated', infrastructure: a, fallbacks: [fallback] });
  // The probe starts after this instant: the time since it bounds how long the probe has been out.
  const sentAt = Date.now();
  const probing = waitingCalls(a, wrapped, 1);
  await until(() => log.includes('start 1'), 'the probe is out');
  return { a, log, probe, wrapped, probing, sentAt };
}

describe('probe gate', () => {
  it('of the calls waiting for the end of a cool-down, one probes; a 429 it gets sends the others to the fallback', async () => {
    const a = brain('pg1');
    await connected(a);
    const log: string[] = [];
    const wrapped = withConsciousness(
      provider(log, () => ({ ms: 100, retryAfterS: 5 })),
      { name: 'gated', infrastructure: a, fallbacks: [fallback] },
    );
    const results = await waitingCalls(a, wrapped, 4);
    // Without the gate all four would go upstream at the deadline, each collecting its own 429.
    expect(log).toEqual(['start 1', 'end 1']);
    expect(results).toEqual(Array(4).fill({ content: { text: 'fallback' } }));
    expect(a.voice('gated').cooldownUntil()).toBeGreaterThan(Date.now() + 3_000);
  });

  it('when the probe is answered, the others go upstream after it', async () => {
    const a = brain('pg2');
    await connected(a);
    const log: string[] = [];
    const wrapped = withConsciousness(
      provider(log, () => ({ ms: 50 })),
      { name: 'gated', infrastructure: a, fallbacks: [fallback] },
    );
    const results = await waitingCalls(a, wrapped, 3);
    expect(log.slice(0, 2)).toEqual(['start 1', 'end 1']);
    expect(log.filter((e) => e.startsWith('start'))).toHaveLength(3);
    expect(results.map((r) => (r as { content: { text: string } }).content.text).sort()).toEqual([
      'upstream 1',
      'upstream 2',
      'upstream 3',
    ]);
  });

  it('a probe still running after the hold (a long answer) lets the others go', async () => {
    const a = brain('pg3');
    await connected(a);
    const log: string[] = [];
    const wrapped = withConsciousness(
      provider(log, (n) => ({ ms: n === 1 ? 3_000 : 10 })),
      { name: 'gated', infrastructure: a, fallbacks: [fallback] },
    );
    const results = await waitingCalls(a, wrapped, 3);
    // The two others started (and ended) while the probe was still running.
    expect(log.indexOf('start 2')).toBeGreaterThan(log.indexOf('start 1'));
    expect(log.indexOf('end 2')).toBeLessThan(log.indexOf('end 1'));
    expect(log.indexOf('end 3')).toBeLessThan(log.indexOf('end 1'));
    expect(results).toHaveLength(3);
  });

  it('across instances: the follower of a shared cool-down waits while the instance that set it probes', async () => {
    const a = brain('pg4');
    const b = brain('pg4');
    await connected(a, b);
    const logA: string[] = [];
    const logB: string[] = [];
    // A's first request gets a 429 with Retry-After 1 s, its probe another with 5 s; B is never refused.
    const wrappedA = withConsciousness(
      provider(logA, (n) => ({ ms: 20, retryAfterS: n === 1 ? 1 : 5 })),
      { name: 'gated', infrastructure: a, fallbacks: [fallback] },
    );
    const wrappedB = withConsciousness(
      provider(logB, () => ({ ms: 20 })),
      { name: 'gated', infrastructure: b, fallbacks: [fallback] },
    );
    await wrappedA.sendMessage(ask);
    const deadline = a.voice('gated').cooldownUntil();
    // B resumes later than A (staggered), so A's probe goes first and its 429 reaches B before B sends.
    await until(() => b.voice('gated').cooldownUntil() > deadline, 'B learned the cool-down, staggered');
    const wait = (w: typeof wrappedA, ms: number) =>
      pause(ms).then(() => Promise.all([0, 1, 2].map(() => w.sendMessage(ask))));
    const [resultsA, resultsB] = await Promise.all([
      wait(wrappedA, Math.max(0, deadline - 300 - Date.now())),
      wait(wrappedB, Math.max(0, b.voice('gated').cooldownUntil() - 300 - Date.now())),
    ]);
    expect(logA.filter((e) => e.startsWith('start'))).toEqual(['start 1', 'start 2']);
    expect(logB).toEqual([]);
    expect([...resultsA, ...resultsB]).toEqual(Array(6).fill({ content: { text: 'fallback' } }));
  });

  it('calls arriving while the probe is out wait for it: its 429 sends them to the fallback', async () => {
    const { a, log, probe, wrapped, probing } = await probeOut('pg6');
    const arriving = Promise.all([0, 1, 2].map(() => wrapped.sendMessage(ask)));
    // A call arriving in the cool-down's last millisecond reaches the gate a moment later.
    await until(() => a.shared!.cooldownGate.waiting === 3, 'the arriving calls held behind the probe');
    expect(log).toEqual(['start 1']);
    probe.resolve(5);
    expect(texts([...(await probing), ...(await arriving)])).toEqual(Array(4).fill('fallback'));
    expect(log).toEqual(['start 1', 'end 1']);
    expect(a.shared!.cooldownGate.waiting).toBe(0);
  });

  it('calls arriving while the probe is out go upstream once it is answered', async () => {
    const { log, probe, wrapped, probing } = await probeOut('pg7');
    const arriving = Promise.all([0, 1].map(() => wrapped.sendMessage(ask)));
    probe.resolve(undefined);
    expect(texts(await arriving).sort()).toEqual(['upstream 2', 'upstream 3']);
    expect(texts(await probing)).toEqual(['upstream 1']);
    expect(log.slice(0, 2)).toEqual(['start 1', 'end 1']);
  });

  it('calls arriving while the probe is out go when it has been out longer than the hold', async () => {
    const { a, log, probe, wrapped, probing, sentAt } = await probeOut('pg8');
    const arriving = Promise.all([0, 1].map(() => wrapped.sendMessage(ask)));
    // Both are held behind the probe (a call arriving in the cool-down's last millisecond reaches
    // the gate a moment later) — unless the machine took longer than the hold to get here: then
    // they go at once, which is the rule too.
    await until(
      () => a.shared!.cooldownGate.waiting === 2 || Date.now() - sentAt >= PROBE_HOLD_MS,
      'both arriving calls held behind the probe',
    );
    // The probe never answers until they did.
    expect(texts(await arriving).sort()).toEqual(['upstream 2', 'upstream 3']);
    expect(log).not.toContain('end 1');
    probe.resolve(undefined);
    await probing;
  });

  it('streams take the same gate: waiting and arriving streams follow the probe stream’s 429 to the fallback', async () => {
    const a = brain('pg9');
    await connected(a);
    const log: string[] = [];
    const { probe, adapter } = heldProvider(log, 2);
    const wrapped = withConsciousness(adapter, {
      name: 'gated',
      infrastructure: a,
      fallbacks: [fallbackStreaming],
    });
    // A first stream teaches the wrapper that the method streams; the probe is the second request.
    expect(await collect(wrapped.streamMessage(ask))).toBe('upstream 1');
    a.voice('gated').coolDown(Date.now() + 300, 'rate_limited');
    const waiting = [0, 1].map(() => collect(wrapped.streamMessage(ask)));
    await until(() => log.includes('start 2'), 'the probe stream is out');
    const arriving = collect(wrapped.streamMessage(ask));
    // The other waiting stream and the arriving one are held behind the probe (a stream arriving in
    // the cool-down's last millisecond reaches the gate a moment later).
    await until(() => a.shared!.cooldownGate.waiting === 2, 'both streams held behind the probe');
    expect(log).toEqual(['start 1', 'end 1', 'start 2']);
    probe.resolve(5);
    expect(await Promise.all([...waiting, arriving])).toEqual(Array(3).fill('fallback'));
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('a held call rejects at once with its AbortSignal’s reason, and the others still follow the probe', async () => {
    const a = brain('pg10');
    await connected(a);
    const log: string[] = [];
    const { probe, adapter, options } = heldProvider(log);
    const wrapped = withConsciousness(adapter, { name: 'gated', infrastructure: a, fallbacks: [fallback] });
    a.voice('gated').coolDown(Date.now() + 300, 'rate_limited');
    // Any of the three waiting calls may be the one released first, the probe: each carries its own
    // signal, and the probe is known from the options its request came with.
    const waiting = [0, 1, 2].map(() => {
      const abort = new AbortController();
      return { abort, call: wrapped.sendMessage(ask, { signal: abort.signal }) };
    });
    await until(() => log.includes('start 1') && a.shared!.cooldownGate.waiting === 2, 'the probe is out');
    const probeSignal = (options[1] as { signal?: AbortSignal } | undefined)?.signal;
    const probeIndex = waiting.findIndex((w) => w.abort.signal === probeSignal);
    expect(probeIndex).toBeGreaterThanOrEqual(0);
    const [waitingAbort, waitingHeld] = [
      waiting[(probeIndex + 1) % 3]!.abort,
      waiting[(probeIndex + 1) % 3]!.call,
    ];
    const probing = waiting[probeIndex]!.call;
    const waitingKept = waiting[(probeIndex + 2) % 3]!.call;
    const arrivingAbort = new AbortController();
    const arrivingHeld = wrapped.sendMessage(ask, { signal: arrivingAbort.signal });
    await until(() => a.shared!.cooldownGate.waiting === 3, 'the arriving call held behind the probe');
    const reasons = [new Error('caller gave up (waited)'), new Error('caller gave up (arrived)')];
    waitingAbort.abort(reasons[0]);
    arrivingAbort.abort(reasons[1]);
    // Rejected while the probe is still out, with the caller's own reasons.
    await expect(waitingHeld).rejects.toBe(reasons[0]);
    await expect(arrivingHeld).rejects.toBe(reasons[1]);
    expect(log).toEqual(['start 1']);
    expect(a.shared!.cooldownGate.waiting).toBe(1);
    expect(getEventListeners(waitingAbort.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(arrivingAbort.signal, 'abort')).toHaveLength(0);
    probe.resolve(5);
    expect(texts([await probing, await waitingKept])).toEqual(['fallback', 'fallback']);
    expect(log).toEqual(['start 1', 'end 1']);
  });

  it('while Redis does not answer, every waiting call goes at the deadline, as a single instance does', async () => {
    const port = await freeLoopbackPort();
    const alone = brain('pg5', `redis://127.0.0.1:${port}`);
    const log: string[] = [];
    const wrapped = withConsciousness(
      provider(log, () => ({ ms: 100 })),
      { name: 'gated', infrastructure: alone, fallbacks: [fallback] },
    );
    await waitingCalls(alone, wrapped, 3);
    expect(alone.shared!.up).toBe(false);
    expect(log.slice(0, 3)).toEqual(['start 1', 'start 2', 'start 3']);
  });
});

// The deferred rich promise handed back for a call that does not start at once: its members answer
// from the eventual result without reading more of it than the caller asks for.
import { describe, expect, it } from 'vitest';
import type { MethodState } from '../../../src/resilience/MethodState.js';
import { DeferredRich, deferredPrototype, heldResult } from '../../../src/resilience/results/DeferredRich.js';
import { carry, SETTLED, Unadopted } from '../../../src/resilience/resultShapes.js';
import { ProbeGate } from '../../../src/scaleout/ProbeGate.js';
import { FakeApiPromise } from '../../support/FakeApiPromise.js';
import { methodState } from '../../support/methodState.js';

type Rich = PromiseLike<unknown> & {
  withResponse(): Promise<{ data: unknown; response: unknown; request_id?: unknown }>;
  asResponse(): Promise<unknown>;
};

const PROTOTYPE = FakeApiPromise.prototype;

const state = (overrides: Partial<MethodState> = {}): MethodState =>
  methodState({ cells: { error() {} } as unknown as MethodState['cells'], ...overrides });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('DeferredRich', () => {
  it('asResponse() asks the held call’s own result for its response, never for its parsed body', async () => {
    const own = new FakeApiPromise();
    const served = deferred<unknown>();
    const rich = new DeferredRich(PROTOTYPE, served.promise, undefined).proxy as Rich;
    const response = rich.asResponse();
    served.resolve(carry(own));
    own.settle.resolve({ id: 1 });
    await expect(response).resolves.toBe('raw response');
    expect(own.parses).toBe(0);
    expect(own.rawReads).toBe(1);
  });

  it('then gives the own result’s data; withResponse its { data, response }', async () => {
    const own = new FakeApiPromise();
    const rich = new DeferredRich(PROTOTYPE, Promise.resolve(new Unadopted(own)), undefined).proxy as Rich;
    own.settle.resolve({ id: 2 });
    await expect(rich).resolves.toEqual({ id: 2 });
    await expect(rich.withResponse()).resolves.toEqual({ data: { id: 2 }, response: 'response' });
    expect(rich).toBeInstanceOf(FakeApiPromise);
  });

  it('a fallback served the call: members of what the fallback adapter returned, else the promise’s shapes', async () => {
    const fallbackRaw = new FakeApiPromise();
    fallbackRaw.settle.resolve('from fallback');
    const viaAdapter = new DeferredRich(PROTOTYPE, Promise.resolve('from fallback'), { raw: fallbackRaw })
      .proxy as Rich;
    await expect(viaAdapter).resolves.toBe('from fallback');
    await expect(viaAdapter.withResponse()).resolves.toEqual({ data: 'from fallback', response: 'response' });
    const viaValue = new DeferredRich(PROTOTYPE, Promise.resolve({ text: 'value' }), {}).proxy as Rich;
    const { data, response, request_id } = await viaValue.withResponse();
    expect(data).toEqual({ text: 'value' });
    expect(request_id).toBeNull();
    expect(await (response as Response).json()).toEqual({ text: 'value' });
    expect(await ((await viaValue.asResponse()) as Response).json()).toEqual({ text: 'value' });
  });

  it('a held call that fails: withResponse() alone rejects with its error; nothing is left unhandled', async () => {
    const served = deferred<unknown>();
    const rich = new DeferredRich(PROTOTYPE, served.promise, undefined).proxy as Rich;
    const early = rich.withResponse();
    const failure = new Error('429');
    served.reject(failure);
    await expect(early).rejects.toBe(failure);
    await expect(rich.asResponse()).rejects.toBe(failure);
    await expect(rich).rejects.toBe(failure);
  });

  it('settles for a probe gate once the own result’s outcome is known, reading nothing', async () => {
    const outcome = deferred<void>();
    const own = Object.assign(new FakeApiPromise(), { [SETTLED]: () => outcome.promise });
    const rich = new DeferredRich(PROTOTYPE, Promise.resolve(new Unadopted(own)), undefined).proxy as Record<
      symbol,
      () => Promise<unknown>
    >;
    let settled = false;
    void rich[SETTLED]!().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    outcome.resolve();
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(true);
    expect(own.parses).toBe(0);
  });

  it('a probe gate watches a carried rich result without parsing it, and holds calls until it settles', async () => {
    const gate = new ProbeGate(() => true);
    const own = new FakeApiPromise();
    const outcome = deferred<void>();
    Object.assign(own, { [SETTLED]: () => outcome.promise });
    const probe = gate.pass('v', 'm', () => carry(own));
    expect(probe).toBeInstanceOf(Unadopted);
    expect(gate.probing('v', 'm')).toBe(true);
    let went = false;
    const held = gate.hold('v', 'm', () => (went = true));
    await new Promise((r) => setImmediate(r));
    expect(went).toBe(false);
    outcome.resolve();
    await held;
    expect(went).toBe(true);
    expect(own.parses).toBe(0);
  });
});

describe('what a held call returns', () => {
  it('a method learned returning a rich promise: its prototype; never seen, on an SDK client: the APIPromise members', () => {
    expect(deferredPrototype(state({ richPrototype: PROTOTYPE }), false)).toBe(PROTOTYPE);
    const unknownSdk = deferredPrototype(state({ kind: 'unknown' }), true) as Record<string, unknown>;
    expect(Object.keys(unknownSdk).sort()).toEqual([
      'asResponse',
      'catch',
      'finally',
      'then',
      'withResponse',
    ]);
    // A client's own method (no resource path), a plain async method, or a non-SDK object: a promise.
    expect(deferredPrototype(state({ kind: 'unknown', path: 'sendMessage' }), true)).toBeUndefined();
    expect(deferredPrototype(state({ kind: 'async' }), true)).toBeUndefined();
    expect(deferredPrototype(state({ kind: 'unknown' }), false)).toBeUndefined();
  });

  it('a plain promise for other methods, with a carried result given as it is', async () => {
    const result = heldResult(
      state({ path: 'sendMessage' }),
      Promise.resolve(new Unadopted('own')),
      undefined,
      false,
    );
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('own');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classifyError.js';
import { ERROR_CATEGORIES } from '../../src/vocabulary/ErrorCategory.js';
import { type Classification, type Classifier } from '../../src/classify/Classification.js';

const categories: readonly string[] = ERROR_CATEGORIES;

function expectWellFormed(result: Classification): void {
  expect(categories).toContain(result.category);
  expect(typeof result.message).toBe('string');
  expect(result.message.length).toBeLessThanOrEqual(300);
  expect(typeof result.errorName).toBe('string');
  // The last-resort answer (errorName 'unknown') would hide a guard that failed.
  expect(result.errorName).not.toBe('unknown');
  if (result.retryAfterMs !== undefined) expect(result.retryAfterMs).toBeGreaterThanOrEqual(0);
}

const boom = (): never => {
  throw new Error('trap');
};

/** A Proxy that throws on every trap. */
const hostileProxy = (target: object): object =>
  new Proxy(target, {
    get: boom,
    has: boom,
    ownKeys: boom,
    getOwnPropertyDescriptor: boom,
    getPrototypeOf: boom,
    apply: boom,
    construct: boom,
    defineProperty: boom,
    deleteProperty: boom,
    set: boom,
    isExtensible: boom,
    preventExtensions: boom,
    setPrototypeOf: boom,
  });

const revokedProxy = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

/** An error whose every interesting property is a throwing getter. */
const trappedError = (keys: readonly string[]): Error => {
  const err = new Error('x');
  for (const key of keys) Object.defineProperty(err, key, { get: boom, enumerable: true });
  return err;
};

const headerValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constantFrom('2', '1.5', '-3', '1e400', 'Wed, 21 Oct 2015 07:28:00 GMT'),
  fc.array(fc.string(), { maxLength: 2 }),
);

const headers = fc.oneof(
  fc.dictionary(
    fc.constantFrom('retry-after', 'Retry-After', 'RETRY-AFTER-MS', 'retry-after-ms', 'x'),
    headerValue,
  ),
  fc
    .dictionary(fc.constantFrom('retry-after', 'retry-after-ms'), fc.stringMatching(/^[\d.]{0,6}$/))
    .map((h) => new Headers(h)),
);

const status = fc.oneof(
  fc.integer({ min: -1, max: 700 }),
  fc.constantFrom(400, 401, 429, 503, 529),
  fc.string(),
);
const code = fc.oneof(
  fc.string(),
  fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'context_length_exceeded', 'overloaded_error', 'EOPENBREAKER'),
);

/** Errors shaped like what SDKs and runtimes throw, with arbitrary field values. */
const errorLike = fc
  .record(
    {
      message: fc.string({ maxLength: 500 }),
      status,
      statusCode: status,
      code,
      errno: fc.oneof(fc.integer(), code),
      type: code,
      headers,
      response: fc.record({ status, headers }, { requiredKeys: [] }),
      error: fc.record({ type: code, code, message: fc.string() }, { requiredKeys: [] }),
      name: fc.constantFrom('Error', 'AbortError', 'TimeoutError', 'SyntaxError', 'RateLimitError', 'x'),
    },
    { requiredKeys: [] },
  )
  .chain((props) =>
    fc.constantFrom<() => unknown>(
      () => props,
      () => Object.assign(new Error(props.message ?? ''), props),
      () => new Error('outer', { cause: Object.assign(new TypeError('inner'), props) }),
    ),
  )
  .map((make) => make());

// fast-check inspects the values it generates, so hostile values travel as recipes and are
// built inside the property.
const hostile: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.anything().map((v) => () => (v !== null && typeof v === 'object' ? hostileProxy(v) : v)),
  fc.constant(() => hostileProxy({})),
  fc.constant(() => hostileProxy(new Error('x'))),
  fc.constant(() => hostileProxy(() => undefined)),
  fc.constant(revokedProxy),
  fc.constant(() => new Error('wrap', { cause: revokedProxy() })),
  fc.constant(() => new Error('wrap', { cause: hostileProxy({}) })),
  fc.constant(() => Object.assign(new Error('x'), { headers: hostileProxy({}) })),
  fc.constant(() => Object.assign(new Error('x'), { response: { headers: revokedProxy() } })),
  fc
    .subarray([
      'message',
      'name',
      'status',
      'statusCode',
      'code',
      'cause',
      'headers',
      'response',
      'constructor',
      'error',
    ])
    .map((keys) => () => trappedError(keys)),
);

const anyThrown: fc.Arbitrary<() => unknown> = fc.oneof(
  fc
    .anything({
      withNullPrototype: true,
      withBigInt: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
    })
    .map((v) => () => v),
  errorLike.map((v) => () => v),
  hostile,
  fc.constant(() => Symbol('thrown')),
);

describe('classifyError properties', () => {
  it('never throws and returns exactly one known category, whatever is thrown', () => {
    fc.assert(
      fc.property(anyThrown, fc.constantFrom(undefined, 'call', 'stream', 'load'), (build, phase) => {
        const result = classifyError(build(), phase === undefined ? undefined : { phase });
        expectWellFormed(result);
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic for inputs without HTTP-date headers', () => {
    // A fixed clock makes even HTTP-date headers deterministic; the property also runs without one.
    fc.assert(
      fc.property(fc.oneof(fc.anything({ withNullPrototype: true }), errorLike), (thrown) => {
        const clock = (): number => 1_700_000_000_000;
        expect(classifyError(thrown, { clock })).toEqual(classifyError(thrown, { clock }));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true }), (thrown) => {
        expect(classifyError(thrown)).toEqual(classifyError(thrown));
      }),
      { numRuns: 500 },
    );
  });

  it('survives a cause chain that loops and user classifiers that misbehave', () => {
    fc.assert(
      fc.property(anyThrown, fc.anything(), (build, returned) => {
        const thrown = build();
        const looped = new Error('loop', { cause: thrown }) as Error & { cause?: unknown };
        looped.cause = { cause: looped };
        expectWellFormed(classifyError(looped));
        expectWellFormed(classifyError(new Error('outer', { cause: thrown })));
        const misbehaving = [() => returned, () => boom(), () => hostileProxy({ category: 'auth' })];
        expectWellFormed(classifyError(thrown, { classifiers: misbehaving as unknown as Classifier[] }));
      }),
      { numRuns: 500 },
    );
  });

  it('never reports a message containing an sk- key', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.stringMatching(/^[A-Za-z0-9]{1,40}$/),
        fc.string(),
        (before, key, after) => {
          const { message } = classifyError(new Error(`${before} sk-${key} ${after}`));
          expect(message).not.toContain(`sk-${key}`);
        },
      ),
    );
  });

  it('still reads what it can next to throwing getters and Proxies', () => {
    const err = trappedError(['message', 'name', 'code', 'cause', 'constructor']);
    Object.defineProperty(err, 'status', { value: 429 });
    expect(classifyError(err)).toMatchObject({ category: 'rate_limited', status: 429 });
    expect(classifyError(hostileProxy(new Error('x')))).toEqual({
      category: 'unknown',
      message: 'object',
      errorName: 'object',
    });
    expect(classifyError(revokedProxy()).errorName).toBe('object');
    const wrapped = new Error('fetch failed', { cause: hostileProxy({}) });
    expect(classifyError(wrapped)).toMatchObject({ category: 'network', message: 'fetch failed' });
  });
});

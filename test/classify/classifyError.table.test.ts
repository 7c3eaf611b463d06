import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classifyError.js';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import { type ClassifyContext } from '../../src/classify/Classification.js';
import { CATEGORY_BRAND } from '../../src/errors/ConsciousnessError.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { ImportFailureError } from '../../src/errors/ImportFailureError.js';
import { InvalidResponseError } from '../../src/errors/InvalidResponseError.js';
import { MethodMissingError } from '../../src/errors/MethodMissingError.js';
import { NoneReturnError } from '../../src/errors/NoneReturnError.js';
import { StreamInterruptedError } from '../../src/errors/StreamInterruptedError.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';

type Case = readonly [label: string, err: unknown, expected: ErrorCategory, ctx?: ClassifyContext];

const withProps = (message: string, props: Record<string, unknown>): Error =>
  Object.assign(new Error(message), props);

/** An error whose class is named `name`, as SDKs' subclasses are. */
const named = (name: string, message = 'failed', props: Record<string, unknown> = {}): Error => {
  const ErrorClass = { [name]: class extends Error {} }[name] as new (m: string) => Error;
  return Object.assign(new ErrorClass(message), props);
};

const cases: readonly Case[] = [
  // Our own error types (brand), including a brand from another copy of the library.
  ['own TimeoutError', new TimeoutError('a', 'm', 10), 'timeout'],
  ['own CircuitOpenError', new CircuitOpenError('a', 'm'), 'circuit_open'],
  ['own ImportFailureError', new ImportFailureError('no module'), 'import_failure'],
  ['own InvalidResponseError', new InvalidResponseError('a', 'm', ['bad']), 'invalid_response'],
  ['own MethodMissingError', new MethodMissingError('a', 'm', ['m']), 'api_method_missing'],
  ['own NoneReturnError', new NoneReturnError('a', 'm', null), 'api_return_none'],
  [
    'own StreamInterruptedError',
    new StreamInterruptedError('a', 'm', 3, new Error('x')),
    'stream_interrupted',
  ],
  ['brand from another module copy', { [CATEGORY_BRAND]: 'overloaded', status: 400 }, 'overloaded'],
  ['own error as cause', new Error('wrapped', { cause: new TimeoutError('a', 'm', 5) }), 'timeout'],

  // HTTP status via status / statusCode / response.status / response.statusCode / cause.
  ['status 429', withProps('x', { status: 429 }), 'rate_limited'],
  ['statusCode 429', withProps('x', { statusCode: 429 }), 'rate_limited'],
  ['response.status 429', withProps('x', { response: { status: 429 } }), 'rate_limited'],
  ['status 503', withProps('x', { status: 503 }), 'overloaded'],
  ['statusCode 529', withProps('x', { statusCode: 529 }), 'overloaded'],
  ['response.statusCode 503', withProps('x', { response: { statusCode: 503 } }), 'overloaded'],
  ['status 500', withProps('x', { status: 500 }), 'server_error'],
  ['status 502', withProps('x', { status: 502 }), 'server_error'],
  ['response.status 504', withProps('x', { response: { status: 504 } }), 'server_error'],
  ['status 409 (retried by SDKs)', withProps('x', { status: 409 }), 'server_error'],
  ['status 401', withProps('x', { status: 401 }), 'auth'],
  ['statusCode 403', withProps('x', { statusCode: 403 }), 'auth'],
  ['response.status 401', withProps('x', { response: { status: 401 } }), 'auth'],
  ['status 402', withProps('x', { status: 402 }), 'auth'],
  ['status 400', withProps('x', { status: 400 }), 'bad_request'],
  ['statusCode 404', withProps('x', { statusCode: 404 }), 'bad_request'],
  ['response.status 422', withProps('x', { response: { status: 422 } }), 'bad_request'],
  ['status as a string', withProps('x', { status: '404' }), 'bad_request'],
  ['status 408', withProps('x', { status: 408 }), 'timeout'],
  ['status 413', withProps('x', { status: 413 }), 'context_window'],
  ['status 499', withProps('x', { status: 499 }), 'network'],
  ['cause.status 429', new Error('outer', { cause: withProps('inner', { status: 429 }) }), 'rate_limited'],
  ['AWS $metadata 503', withProps('x', { $metadata: { httpStatusCode: 503 } }), 'overloaded'],
  [
    'Google numeric error.code',
    { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } },
    'rate_limited',
  ],

  // A status refined by the body.
  [
    '400 context_length_exceeded code',
    withProps('x', { status: 400, code: 'context_length_exceeded' }),
    'context_window',
  ],
  [
    '400 prompt is too long',
    withProps('prompt is too long: 210000 tokens > 200000 maximum', { status: 400 }),
    'context_window',
  ],
  ['400 content_filter code', withProps('x', { status: 400, code: 'content_filter' }), 'content_policy'],
  [
    '400 content_policy_violation',
    withProps('x', { status: 400, error: { code: 'content_policy_violation' } }),
    'content_policy',
  ],
  ['400 safety message', withProps('blocked by the safety system', { status: 400 }), 'content_policy'],
  ['429 insufficient_quota', withProps('x', { status: 429, code: 'insufficient_quota' }), 'auth'],
  ['500 overloaded body', withProps('x', { status: 500, type: 'overloaded_error' }), 'overloaded'],

  // Error codes via code / errno / cause.code / nested causes / SDK body fields.
  ['code ECONNREFUSED', withProps('x', { code: 'ECONNREFUSED' }), 'network'],
  ['code ECONNRESET', withProps('x', { code: 'ECONNRESET' }), 'network'],
  ['code ENOTFOUND', withProps('x', { code: 'ENOTFOUND' }), 'network'],
  ['code EAI_AGAIN', withProps('x', { code: 'EAI_AGAIN' }), 'network'],
  ['code EPIPE', withProps('x', { code: 'EPIPE' }), 'network'],
  ['code EHOSTUNREACH', withProps('x', { code: 'EHOSTUNREACH' }), 'network'],
  ['code UND_ERR_SOCKET', withProps('x', { code: 'UND_ERR_SOCKET' }), 'network'],
  [
    'code UND_ERR_CONNECT_TIMEOUT (nothing was sent)',
    withProps('x', { code: 'UND_ERR_CONNECT_TIMEOUT' }),
    'network',
  ],
  [
    'cause.code ECONNREFUSED (fetch failed)',
    new TypeError('fetch failed', { cause: withProps('connect', { code: 'ECONNREFUSED' }) }),
    'network',
  ],
  ['errno string', withProps('x', { errno: 'ECONNRESET' }), 'network'],
  ['code ETIMEDOUT', withProps('x', { code: 'ETIMEDOUT' }), 'timeout'],
  ['code ESOCKETTIMEDOUT', withProps('x', { code: 'ESOCKETTIMEDOUT' }), 'timeout'],
  [
    'cause.code UND_ERR_HEADERS_TIMEOUT',
    new TypeError('fetch failed', { cause: withProps('h', { code: 'UND_ERR_HEADERS_TIMEOUT' }) }),
    'timeout',
  ],
  [
    'code ECONNABORTED (axios timeout)',
    withProps('timeout of 100ms exceeded', { code: 'ECONNABORTED' }),
    'timeout',
  ],
  [
    'nested cause.cause.code',
    new Error('a', { cause: new Error('b', { cause: withProps('c', { code: 'ETIMEDOUT' }) }) }),
    'timeout',
  ],
  ['code ERR_MODULE_NOT_FOUND', withProps('x', { code: 'ERR_MODULE_NOT_FOUND' }), 'import_failure'],
  ['code MODULE_NOT_FOUND', withProps('x', { code: 'MODULE_NOT_FOUND' }), 'import_failure'],
  [
    'code ERR_PACKAGE_PATH_NOT_EXPORTED',
    withProps('x', { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }),
    'import_failure',
  ],
  ['code EOPENBREAKER (opossum)', withProps('Breaker is open', { code: 'EOPENBREAKER' }), 'circuit_open'],
  ['code ABORT_ERR', withProps('x', { code: 'ABORT_ERR' }), 'aborted'],
  ['code ERR_CANCELED (axios)', withProps('canceled', { code: 'ERR_CANCELED' }), 'aborted'],
  [
    'openai code context_length_exceeded',
    withProps('x', { code: 'context_length_exceeded' }),
    'context_window',
  ],
  ['error.type overloaded_error', { error: { type: 'overloaded_error' } }, 'overloaded'],
  [
    'anthropic raw body',
    { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    'rate_limited',
  ],
  ['type authentication_error', withProps('x', { type: 'authentication_error' }), 'auth'],
  ['type invalid_request_error', withProps('x', { type: 'invalid_request_error' }), 'bad_request'],
  ['type api_error', withProps('x', { type: 'api_error' }), 'server_error'],
  ['code content_filter', withProps('x', { code: 'content_filter' }), 'content_policy'],
  ['mixed-case AWS code', withProps('x', { code: 'ThrottlingException' }), 'rate_limited'],
  ['code spelled as a category', withProps('x', { code: 'invalid_response' }), 'invalid_response'],
  [
    'AggregateError of ECONNREFUSED',
    new AggregateError([withProps('c', { code: 'ECONNREFUSED' })], ''),
    'network',
  ],

  // SDK / runtime error class names.
  ['RateLimitError class', named('RateLimitError'), 'rate_limited'],
  ['APIConnectionError class', named('APIConnectionError'), 'network'],
  ['APIConnectionTimeoutError class', named('APIConnectionTimeoutError'), 'timeout'],
  ['APIUserAbortError class', named('APIUserAbortError'), 'aborted'],
  ['AuthenticationError class', named('AuthenticationError'), 'auth'],
  ['PermissionDeniedError class', named('PermissionDeniedError'), 'auth'],
  ['BadRequestError class', named('BadRequestError'), 'bad_request'],
  ['NotFoundError class', named('NotFoundError'), 'bad_request'],
  ['UnprocessableEntityError class', named('UnprocessableEntityError'), 'bad_request'],
  ['ConflictError class', named('ConflictError'), 'server_error'],
  ['InternalServerError class', named('InternalServerError'), 'server_error'],
  ['OverloadedError class', named('OverloadedError'), 'overloaded'],
  [
    'subclass of RateLimitError',
    new (class MyLimit extends (named('RateLimitError').constructor as typeof Error) {})('x'),
    'rate_limited',
  ],
  ['DOMException AbortError', new DOMException('This operation was aborted', 'AbortError'), 'aborted'],
  [
    'DOMException TimeoutError',
    new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    'timeout',
  ],
  ['name AbortError', Object.assign(new Error('x'), { name: 'AbortError' }), 'aborted'],
  ['ZodError', named('ZodError', '[{"path":["a"]}]'), 'invalid_response'],
  ['cockatiel BrokenCircuitError', named('BrokenCircuitError'), 'circuit_open'],
  [
    'cockatiel timeout TaskCancelledError',
    named('TaskCancelledError', 'Operation timed out after 5ms'),
    'timeout',
  ],
  ['cockatiel TaskCancelledError', named('TaskCancelledError', 'Operation cancelled'), 'aborted'],
  ['openai LengthFinishReasonError', named('LengthFinishReasonError'), 'context_window'],
  ['openai ContentFilterFinishReasonError', named('ContentFilterFinishReasonError'), 'content_policy'],
  ['SyntaxError while loading', new SyntaxError('Unexpected token'), 'import_failure', { phase: 'load' }],

  // Message patterns, including the Python-style messages of the original system.
  [
    "'NoneType' object is not iterable",
    new TypeError("'NoneType' object is not iterable"),
    'api_return_none',
  ],
  [
    "'NoneType' object has no attribute",
    "AttributeError: 'NoneType' object has no attribute 'text'",
    'api_return_none',
  ],
  [
    'Cannot read properties of undefined',
    new TypeError("Cannot read properties of undefined (reading 'choices')"),
    'api_return_none',
  ],
  [
    'Cannot read properties of null',
    new TypeError("Cannot read properties of null (reading 'content')"),
    'api_return_none',
  ],
  [
    'a None return reading a context field',
    new TypeError("Cannot read properties of undefined (reading 'context_length')"),
    'api_return_none',
  ],
  ['x is not iterable', new TypeError('result is not iterable'), 'api_return_none'],
  ['x is not a function', new TypeError('client.chat.send is not a function'), 'api_method_missing'],
  [
    "'Client' object has no attribute",
    "AttributeError: 'Client' object has no attribute 'generate'",
    'api_method_missing',
  ],
  ['Cannot find module', new Error("Cannot find module 'openai-adapter'"), 'import_failure'],
  [
    'missing ESM export',
    new SyntaxError("The requested module './a.js' does not provide an export named 'b'"),
    'import_failure',
  ],
  ['No module named (Python)', "ModuleNotFoundError: No module named 'anthropic'", 'import_failure'],
  [
    'maximum context length',
    new Error("This model's maximum context length is 8192 tokens"),
    'context_window',
  ],
  ['context length (string)', 'context length exceeded', 'context_window'],
  ['content filter', new Error('The response was filtered due to the content filter'), 'content_policy'],
  ['safety', new Error('Candidate was blocked due to SAFETY'), 'content_policy'],
  ['socket hang up', new Error('socket hang up'), 'network'],
  ['fetch failed', new TypeError('fetch failed'), 'network'],
  ['ECONNRESET in text', new Error('read ECONNRESET'), 'network'],
  ['timed out', new Error('Request timed out'), 'timeout'],
  ['rate limit', new Error('Rate limit reached for requests'), 'rate_limited'],
  ['overloaded', new Error('Overloaded'), 'overloaded'],
  ['unauthorized', new Error('401 Unauthorized'), 'auth'],
  [
    'Python SDK status in text',
    'Error code: 529 - {"type":"error","error":{"type":"overloaded_error"}}',
    'overloaded',
  ],
  [
    'Python SDK 400 context',
    "Error code: 400 - {'error': {'code': 'context_length_exceeded'}}",
    'context_window',
  ],
  ['invalid JSON', new SyntaxError('Unexpected token < in JSON at position 0'), 'invalid_response'],
  ['breaker is open', new Error('Breaker is open'), 'circuit_open'],
  ['aborted', new Error('The user aborted a request.'), 'aborted'],
  ['internal server error', new Error('Internal Server Error'), 'server_error'],
  ['bad request', new Error('Bad Request'), 'bad_request'],

  // The phase of the call.
  [
    'any error after the first chunk',
    withProps('x', { status: 503 }),
    'stream_interrupted',
    { phase: 'stream' },
  ],
  [
    'abort after the first chunk stays aborted',
    new DOMException('aborted', 'AbortError'),
    'aborted',
    { phase: 'stream' },
  ],
  ['code error while loading', new TypeError('x is not a function'), 'import_failure', { phase: 'load' }],

  // Nothing to go on.
  ['plain Error', new Error('something odd'), 'unknown'],
  ['undefined', undefined, 'unknown'],
  ['null', null, 'unknown'],
  ['number', 42, 'unknown'],
  ['empty object', {}, 'unknown'],
];

describe('classifyError: the DESIGN §4 table', () => {
  it.each(cases.map(([label, err, expected, ctx]) => ({ label, err, expected, ctx })))(
    '$label',
    ({ err, expected, ctx }) => {
      expect(classifyError(err, ctx).category).toBe(expected);
    },
  );

  it('covers every category of the taxonomy', () => {
    const covered = new Set(cases.map((c) => c[2]));
    expect([...covered].sort()).toEqual([...ERROR_CATEGORIES].sort());
  });

  it('reports status, code and the constructor name', () => {
    const err = new TypeError('fetch failed', {
      cause: withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
    });
    expect(classifyError(err)).toEqual({
      category: 'network',
      code: 'ECONNREFUSED',
      message: 'fetch failed',
      errorName: 'TypeError',
    });
    expect(classifyError(withProps('slow down', { status: 429, code: 'rate_limit_exceeded' }))).toMatchObject(
      {
        status: 429,
        code: 'rate_limit_exceeded',
        errorName: 'Error',
      },
    );
  });

  it('names primitives by typeof and null as null', () => {
    expect(classifyError('boom').errorName).toBe('string');
    expect(classifyError(7).errorName).toBe('number');
    expect(classifyError(undefined).errorName).toBe('undefined');
    expect(classifyError(Symbol('s')).errorName).toBe('symbol');
    expect(classifyError(10n).errorName).toBe('bigint');
    expect(classifyError(null).errorName).toBe('null');
    expect(classifyError(Object.create(null)).errorName).toBe('object');
  });

  it('keeps messages short and on one line', () => {
    const { message } = classifyError(new Error('line one\n   line two\t' + 'x'.repeat(1000)));
    expect(message.startsWith('line one line two x')).toBe(true);
    expect(message.length).toBeLessThanOrEqual(300);
    expect(message).not.toMatch(/[\n\t]/);
  });

  it('uses the first non-empty message of the chain (AggregateError has none)', () => {
    const err = new AggregateError([withProps('connect ECONNREFUSED ::1:443', { code: 'ECONNREFUSED' })], '');
    expect(classifyError(err).message).toBe('connect ECONNREFUSED ::1:443');
  });

  it('stops at a circular cause chain', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyError(a).category).toBe('unknown');
  });
});

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classifyError.js';
import { type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';

const openaiError = (status: number, error: object, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { error }, undefined, new Headers(headers));

const anthropicError = (
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) =>
  Anthropic.APIError.generate(
    status,
    { type: 'error', error: { type, message } },
    undefined,
    new Headers({ 'request-id': 'req_1', ...headers }),
  );

const byStatus: readonly (readonly [number, ErrorCategory])[] = [
  [400, 'bad_request'],
  [401, 'auth'],
  [403, 'auth'],
  [404, 'bad_request'],
  [409, 'server_error'],
  [422, 'bad_request'],
  [429, 'rate_limited'],
  [500, 'server_error'],
  [503, 'overloaded'],
  [529, 'overloaded'],
];

describe('classifyError on real openai errors', () => {
  it.each(byStatus)('status %i is %s', (status, expected) => {
    const err = openaiError(status, { message: 'failed', type: 'x' });
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(classifyError(err)).toMatchObject({ category: expected, status });
  });

  it('reads the class of the generated error', () => {
    expect(openaiError(429, { message: 'slow' })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(classifyError(openaiError(429, { message: 'slow' })).errorName).toBe('RateLimitError');
  });

  it('turns a 400 context_length_exceeded into context_window', () => {
    const err = openaiError(400, {
      message: "This model's maximum context length is 8192 tokens.",
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
    });
    expect(classifyError(err)).toMatchObject({
      category: 'context_window',
      status: 400,
      code: 'context_length_exceeded',
    });
  });

  it('turns a 400 content_policy_violation into content_policy', () => {
    const err = openaiError(400, { message: 'rejected', code: 'content_policy_violation' });
    expect(classifyError(err).category).toBe('content_policy');
  });

  it('treats a 429 insufficient_quota as auth: waiting does not refill an account', () => {
    const err = openaiError(429, { message: 'You exceeded your current quota', code: 'insufficient_quota' });
    expect(classifyError(err).category).toBe('auth');
  });

  it('classifies connection, timeout and abort errors', () => {
    expect(classifyError(new OpenAI.APIConnectionError({ message: undefined })).category).toBe('network');
    expect(classifyError(new OpenAI.APIConnectionTimeoutError()).category).toBe('timeout');
    expect(classifyError(new OpenAI.APIUserAbortError()).category).toBe('aborted');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const wrapped = new OpenAI.APIConnectionError({
      cause: new TypeError('fetch failed', { cause: refused }),
    });
    expect(classifyError(wrapped)).toMatchObject({ category: 'network', code: 'ECONNREFUSED' });
  });

  it('classifies the finish-reason errors of the parse helpers', async () => {
    const { LengthFinishReasonError, ContentFilterFinishReasonError } = await import('openai/core/error');
    expect(classifyError(new LengthFinishReasonError()).category).toBe('context_window');
    expect(classifyError(new ContentFilterFinishReasonError()).category).toBe('content_policy');
  });

  it('reads retry-after in seconds', () => {
    const err = openaiError(429, { message: 'slow' }, { 'retry-after': '2' });
    expect(classifyError(err).retryAfterMs).toBe(2000);
  });

  it('prefers retry-after-ms over retry-after', () => {
    const err = openaiError(429, { message: 'slow' }, { 'retry-after': '2', 'retry-after-ms': '1500' });
    expect(classifyError(err).retryAfterMs).toBe(1500);
  });

  it('reads an HTTP-date retry-after against the injected clock', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const err = openaiError(503, { message: 'busy' }, { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' });
    expect(classifyError(err, { clock: () => now }).retryAfterMs).toBe(30_000);
    expect(classifyError(err, { clock: () => now + 60_000 }).retryAfterMs).toBe(0);
  });
});

describe('classifyError on real @anthropic-ai/sdk errors', () => {
  const anthropicStatuses: readonly (readonly [number, string, ErrorCategory])[] = [
    [400, 'invalid_request_error', 'bad_request'],
    [401, 'authentication_error', 'auth'],
    [403, 'permission_error', 'auth'],
    [404, 'not_found_error', 'bad_request'],
    [413, 'request_too_large', 'context_window'],
    [422, 'invalid_request_error', 'bad_request'],
    [429, 'rate_limit_error', 'rate_limited'],
    [500, 'api_error', 'server_error'],
    [503, 'api_error', 'overloaded'],
    [529, 'overloaded_error', 'overloaded'],
  ];

  it.each(anthropicStatuses)('status %i (%s) is %s', (status, type, expected) => {
    const err = anthropicError(status, type, 'failed');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(classifyError(err)).toMatchObject({ category: expected, status, code: type });
  });

  it('names the SDK class', () => {
    expect(classifyError(anthropicError(529, 'overloaded_error', 'Overloaded')).errorName).toBe(
      'OverloadedError',
    );
  });

  it('turns a 400 "prompt is too long" into context_window', () => {
    const err = anthropicError(
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
    );
    expect(classifyError(err).category).toBe('context_window');
  });

  it('classifies an overloaded_error event that arrives without a status', () => {
    const err = new Anthropic.APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      undefined,
    );
    expect(classifyError(err).category).toBe('overloaded');
    expect(classifyError(err, { phase: 'stream' }).category).toBe('stream_interrupted');
  });

  it('classifies connection, timeout and abort errors', () => {
    expect(classifyError(new Anthropic.APIConnectionError({ message: undefined })).category).toBe('network');
    expect(classifyError(new Anthropic.APIConnectionTimeoutError()).category).toBe('timeout');
    expect(classifyError(new Anthropic.APIUserAbortError()).category).toBe('aborted');
  });

  it('reads retry-after and retry-after-ms', () => {
    expect(
      classifyError(anthropicError(429, 'rate_limit_error', 'slow', { 'retry-after': '2' })).retryAfterMs,
    ).toBe(2000);
    const both = anthropicError(529, 'overloaded_error', 'busy', {
      'retry-after': '2',
      'retry-after-ms': '1500',
    });
    expect(classifyError(both).retryAfterMs).toBe(1500);
  });

  it('reads an HTTP-date retry-after against the injected clock', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const err = anthropicError(429, 'rate_limit_error', 'slow', {
      'retry-after': 'Sun, 01 Jun 2025 12:00:05 GMT',
    });
    expect(classifyError(err, { clock: () => now }).retryAfterMs).toBe(5000);
  });

  it('keeps header values out of the message', () => {
    const err = anthropicError(401, 'authentication_error', 'invalid x-api-key', {
      'x-api-key': 'sk-ant-api03-secret',
    });
    expect(classifyError(err).message).not.toContain('sk-ant');
  });
});

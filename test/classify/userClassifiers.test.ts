import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classifyError.js';
import { type Classifier } from '../../src/classify/Classification.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';

const rateLimited = Object.assign(new Error('slow down'), { status: 429 });

describe('classifyError with user classifiers', () => {
  it('lets a user classifier override the built-in taxonomy, even for our own errors', () => {
    const classifiers: Classifier[] = [() => 'overloaded'];
    expect(classifyError(rateLimited, { classifiers }).category).toBe('overloaded');
    expect(classifyError(new TimeoutError('a', 'm', 1), { classifiers }).category).toBe('overloaded');
  });

  it('consults classifiers in order and skips those that pass', () => {
    const calls: string[] = [];
    const classifiers: Classifier[] = [
      () => {
        calls.push('first');
        return undefined;
      },
      () => {
        calls.push('second');
        return null;
      },
      () => {
        calls.push('third');
        return 'auth';
      },
      () => {
        calls.push('fourth');
        return 'bad_request';
      },
    ];
    expect(classifyError(rateLimited, { classifiers }).category).toBe('auth');
    expect(calls).toEqual(['first', 'second', 'third']);
  });

  it('ignores a classifier that throws', () => {
    const classifiers: Classifier[] = [
      () => {
        throw new Error('classifier bug');
      },
      () => 'content_policy',
    ];
    expect(classifyError(rateLimited, { classifiers }).category).toBe('content_policy');
    expect(classifyError(rateLimited, { classifiers: [classifiers[0] as Classifier] }).category).toBe(
      'rate_limited',
    );
  });

  it('ignores a classifier that returns an invalid category', () => {
    const invalid = [
      () => 'not_a_category',
      () => ({ category: 'nope' }),
      () => 42,
      () => Promise.resolve('auth'),
    ] as unknown as Classifier[];
    expect(classifyError(rateLimited, { classifiers: invalid }).category).toBe('rate_limited');
  });

  it('merges a partial classification with what the built-in reader found', () => {
    const classifiers: Classifier[] = [
      () => ({ category: 'overloaded', retryAfterMs: 250, message: 'busy, key sk-secret123' }),
    ];
    expect(classifyError(rateLimited, { classifiers })).toEqual({
      category: 'overloaded',
      status: 429,
      retryAfterMs: 250,
      message: 'busy, key [REDACTED]',
      errorName: 'Error',
    });
  });

  it('passes the error and the context to the classifier', () => {
    let seen: unknown[] = [];
    const ctx = {
      adapter: 'claude',
      method: 'send',
      classifiers: [(err: unknown, c: unknown) => ((seen = [err, c]), undefined)],
    };
    classifyError(rateLimited, ctx);
    expect(seen).toEqual([rateLimited, ctx]);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classifyError.js';

const rateLimited = (props: Record<string, unknown>): Error =>
  Object.assign(new Error('slow down'), { status: 429, ...props });
const clock = (): number => Date.parse('2025-01-01T00:00:00Z');

describe('classifyError retryAfterMs', () => {
  it.each([
    ['a WHATWG Headers', { headers: new Headers({ 'Retry-After': '3' }) }, 3000],
    ['a plain object, any case', { headers: { 'Retry-After': '3' } }, 3000],
    ['a number value', { headers: { 'retry-after': 3 } }, 3000],
    ['fractional seconds', { headers: { 'retry-after': '0.25' } }, 250],
    ['retry-after-ms as a float', { headers: { 'RETRY-AFTER-MS': '1500.5', 'retry-after': '9' } }, 1500.5],
    ['response.headers', { response: { status: 429, headers: { 'retry-after': '4' } } }, 4000],
    ['a repeated header (array)', { headers: { 'retry-after': ['5', '9'] } }, 5000],
    ['a negative delay', { headers: { 'retry-after': '-3' } }, 0],
    ['an HTTP date', { headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' } }, 10_000],
    ['an HTTP date in the past', { headers: { 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' } }, 0],
  ])('reads %s', (_label, props, expected) => {
    expect(classifyError(rateLimited(props), { clock }).retryAfterMs).toBe(expected);
  });

  it('does not cap a long delay (the retry policy does)', () => {
    expect(classifyError(rateLimited({ headers: { 'retry-after': '86400' } })).retryAfterMs).toBe(86_400_000);
  });

  it('ignores missing and unreadable values', () => {
    for (const headers of [
      {},
      { 'retry-after': 'soon' },
      { 'retry-after': '' },
      new Headers(),
      'retry-after: 3',
    ]) {
      expect(classifyError(rateLimited({ headers })).retryAfterMs).toBeUndefined();
    }
    expect(classifyError(new Error('x')).retryAfterMs).toBeUndefined();
  });

  it('reads the wall clock when none is injected', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const delay = classifyError(rateLimited({ headers: { 'retry-after': inTenSeconds } })).retryAfterMs;
    expect(delay).toBeGreaterThan(8_000);
    expect(delay).toBeLessThanOrEqual(10_000);
  });
});

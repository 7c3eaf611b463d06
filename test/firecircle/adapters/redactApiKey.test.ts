import { describe, expect, it } from 'vitest';
import { redactApiKey } from '../../../src/firecircle/adapters/redactApiKey.js';

const KEY = 'sk-live-0123456789abcdef';

class ProviderError extends Error {
  error = { error: { message: `bad key ${KEY}`, type: 'authentication_error' }, list: [KEY] };
}

describe('redactApiKey', () => {
  it('removes the key from message, stack, error body and causes, keeping the class', () => {
    const cause = new Error(`upstream said ${KEY}`);
    const err = new ProviderError(`401 Incorrect API key provided: ${KEY}`, { cause });
    expect(redactApiKey(err, KEY)).toBe(err);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe('401 Incorrect API key provided: [REDACTED]');
    expect(err.stack).not.toContain(KEY);
    expect(JSON.stringify(err.error)).not.toContain(KEY);
    expect(cause.message).toBe('upstream said [REDACTED]');
  });

  it('leaves errors alone when there is no key or only a short placeholder', () => {
    const err = new Error('local is fine');
    expect(redactApiKey(err, undefined).message).toBe('local is fine');
    expect(redactApiKey(err, 'local').message).toBe('local is fine');
  });

  it('survives cycles, frozen errors and non-errors', () => {
    const a: Record<string, unknown> = { text: KEY };
    a.self = a;
    const frozen = Object.freeze(new Error(KEY));
    expect(() => redactApiKey(a, KEY)).not.toThrow();
    expect(a.text).toBe('[REDACTED]');
    expect(() => redactApiKey(frozen, KEY)).not.toThrow();
    expect(redactApiKey('plain', KEY)).toBe('plain');
    expect(redactApiKey(null, KEY)).toBeNull();
  });
});

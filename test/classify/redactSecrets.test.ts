import { describe, expect, it } from 'vitest';
import { classifyError, redactSecrets } from '../../src/classify/index.js';

describe('redactSecrets', () => {
  it.each([
    ['an OpenAI key', 'Incorrect API key provided: sk-abc123def456', 'sk-abc123'],
    ['a project key', 'key sk-proj-AbC_dEf-123456789', 'sk-proj'],
    ['an Anthropic key', 'bad key sk-ant-api03-abcdefghijkl', 'sk-ant'],
    ['a bearer header', 'Authorization: Bearer xyz', 'xyz'],
    ['a bare bearer token', 'sent Bearer eyJhbGciOi.abc.def to the proxy', 'eyJhbGciOi'],
    ['an x-api-key header', 'x-api-key: live-key-value', 'live-key-value'],
    ['a JSON header', '{"authorization":"Basic dXNlcjpwYXNz"}', 'dXNlcjpwYXNz'],
    ['an api_key field', 'api_key=abc123secret', 'abc123secret'],
    [
      'a Google key in a URL',
      'GET https://x.googleapis.com/v1?key=AIzaSyA1234567890abcdefghijklmnopqrstu',
      'AIzaSy',
    ],
    ['a URL password', 'connect to https://user:hunter2@proxy.local failed', 'hunter2'],
  ])('removes %s', (_label, text, secret) => {
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED]');
  });

  it('keeps the words around a secret', () => {
    expect(redactSecrets('Authorization: Bearer xyz was rejected')).toBe(
      'Authorization: Bearer [REDACTED] was rejected',
    );
    expect(redactSecrets('https://api.example.com/v1?key=abc&x=1')).toBe(
      'https://api.example.com/v1?key=[REDACTED]&x=1',
    );
  });

  it('leaves ordinary error messages alone', () => {
    for (const text of [
      'connect ECONNREFUSED 127.0.0.1:443',
      "This model's maximum context length is 8192 tokens",
      'Unexpected token < in JSON at position 0',
      'task-sk-force is a word; max_tokens: 100',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('classifyError messages', () => {
  it('never carry an API key or a bearer token', () => {
    const { message } = classifyError(
      new Error('401 Incorrect API key provided: sk-abc123def456. Authorization: Bearer xyz'),
    );
    expect(message).not.toContain('sk-abc123');
    expect(message).not.toContain('xyz');
    expect(message).toContain('Incorrect API key provided');
  });

  it('never carry a secret cut in half by truncation', () => {
    const message = classifyError(new Error('x'.repeat(295) + ' sk-abcdefghijklmnop')).message;
    expect(message).not.toMatch(/sk-a/);
    const long = classifyError(new Error('y '.repeat(2500) + 'sk-abcdefghijklmnop')).message;
    expect(long).not.toMatch(/sk-a/);
  });
});

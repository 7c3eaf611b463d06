import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classifyError.js';
import { redactSecrets } from '../../src/classify/redactSecrets.js';
import { redactCode } from '../../src/classify/redactSecrets.js';

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
    [
      'an unprefixed key after "Incorrect API key provided"',
      'Incorrect API key provided: Zq8xT3vLp0Wn5RbY',
      'Zq8x',
    ],
    ['an OPENAI_API_KEY assignment', 'env: OPENAI_API_KEY=abcDEF123456ghi', 'abcDEF123456'],
    ['a MISTRAL_API_KEY assignment', 'MISTRAL_API_KEY="Zq8xT3vLp0Wn5RbY" is set', 'Zq8xT3vLp0Wn5RbY'],
    ['a token= pair', 'callback?session=1&token=9f8e7d6c5b4a', '9f8e7d6c5b4a'],
    ['a bare token= pair', 'token=9f8e7d6c5b4a rejected', '9f8e7d6c5b4a'],
    [
      'a URL-encoded key',
      'redirect=https%3A%2F%2Fx.io%2Fv1%3Fa%3D1%26key%3DAIzaTESTKEY0123456789',
      'AIzaTESTKEY',
    ],
    [
      'an Azure subscription key header',
      'Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef',
      '0123456789ab',
    ],
    ['an Azure api-key header', "{ 'api-key': '0123456789abcdef' }", '0123456789abcdef'],
    ['an HF_TOKEN assignment', 'HF_TOKEN=plainvalue', 'plainvalue'],
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
      'Unexpected token: } in JSON at position 7',
      "Cannot read properties of undefined (reading 'key')",
      'duplicate key: id',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('redacting twice', () => {
  it('changes nothing the first pass did not', () => {
    for (const text of [
      'Authorization: Bearer xyz',
      'https://api.example.com/v1?key=abc&x=1',
      'OPENAI_API_KEY=abcDEF123456ghi and token=9f8e',
    ]) {
      const once = redactSecrets(text);
      expect(redactSecrets(once)).toBe(once);
    }
  });
});

describe('redactCode', () => {
  it('redacts a code that looks like a token and keeps word-like codes', () => {
    expect(redactCode('Zq8xT3vLp0Wn5RbY7cHs2MdJ4FgK9aUe')).toBe('[REDACTED]');
    expect(redactCode('0123456789abcdef0123456789abcdef')).toBe('[REDACTED]');
    for (const code of [
      'ECONNREFUSED',
      'rate_limit_exceeded',
      'ERR_MODULE_NOT_FOUND',
      'invalid_api_key',
      'E2BIG',
    ]) {
      expect(redactCode(code)).toBe(code);
    }
  });

  it('keeps a key the provider put in err.code out of the classification', () => {
    const err = Object.assign(new Error('rejected'), {
      status: 401,
      code: 'Zq8xT3vLp0Wn5RbY7cHs2MdJ4FgK9aUe',
    });
    expect(classifyError(err).code).toBe('[REDACTED]');
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

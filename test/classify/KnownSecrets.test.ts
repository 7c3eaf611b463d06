import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { registerSecret, registerSecretsOf } from '../../src/classify/KnownSecrets.js';
import { redactSecrets } from '../../src/classify/redactSecrets.js';
import { redactingLogger } from '../../src/logging/RedactingLogger.js';

describe('registerSecretsOf', () => {
  it("redacts an openai client's unprefixed key wherever it appears", () => {
    const key = 'oPeNaIuNpReFiXeD0123456789aBcDeF';
    expect(redactSecrets(`saw ${key}`)).toContain(key);
    registerSecretsOf(new OpenAI({ apiKey: key, baseURL: 'http://127.0.0.1:9/v1' }));
    expect(redactSecrets(`saw ${key} twice: ${key}`)).toBe('saw [REDACTED] twice: [REDACTED]');
  });

  it("redacts an anthropic client's auth token and an Azure client's header keys", () => {
    const token = 'aNtHrOpIcToKeN0123456789';
    const azure = 'aZuReHeAdErKeY0123456789';
    const apim = 'aPiMhEaDeRkEy0123456789';
    registerSecretsOf(new Anthropic({ authToken: token, apiKey: null, baseURL: 'http://127.0.0.1:9' }));
    registerSecretsOf({
      client: { defaultHeaders: { 'api-key': azure, 'Ocp-Apim-Subscription-Key': apim } },
    });
    expect(redactSecrets(`${token} ${azure} ${apim}`)).toBe('[REDACTED] [REDACTED] [REDACTED]');
  });

  it('strips an auth scheme, ignores placeholders and never calls getters', () => {
    let read = false;
    const adapter = {
      authorization: 'Bearer bEaReRvAlUe0123456789',
      apiKey: 'not-needed',
      get secretKey(): string {
        read = true;
        return 'gEtTeRsEcReT0123456789';
      },
    };
    registerSecretsOf(adapter);
    expect(read).toBe(false);
    expect(redactSecrets('bEaReRvAlUe0123456789 not-needed')).toBe('[REDACTED] not-needed');
  });

  it('survives a hostile object', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(() => registerSecretsOf(hostile)).not.toThrow();
  });

  it('redacts a key with regex characters literally', () => {
    registerSecret('a.b*c+d?e(f)0123456789');
    expect(redactSecrets('x a.b*c+d?e(f)0123456789 y axbxcxd0123456789')).toBe(
      'x [REDACTED] y axbxcxd0123456789',
    );
  });
});

describe('redactingLogger', () => {
  it('scrubs the message and every nested string, and logs errors as name and message only', () => {
    const calls: unknown[][] = [];
    const sink = {
      debug: (...a: unknown[]) => calls.push(a),
      info: (...a: unknown[]) => calls.push(a),
      warn: (...a: unknown[]) => calls.push(a),
      error: (...a: unknown[]) => calls.push(a),
    };
    const logger = redactingLogger(sink);
    logger.warn(
      {
        adapter: 'x',
        nested: { url: 'https://h/v1?key=AIzaNestedKey0123456789abcdefghijkl' },
        err: new Error('token=abc123def'),
      },
      'failed with OPENAI_API_KEY=sk-live-0123456789',
    );
    expect(JSON.stringify(calls)).not.toMatch(/AIzaNested|abc123def|sk-live/);
    expect(calls[0]![1]).toBe('failed with OPENAI_API_KEY=[REDACTED]');
    expect((calls[0]![0] as { err: unknown }).err).toEqual({ type: 'Error', message: 'token=[REDACTED]' });
    expect(redactingLogger(logger)).toBe(logger);
  });

  it('skips the work for a level the logger has disabled', () => {
    let calls = 0;
    const sink = {
      isLevelEnabled: (level: string) => level !== 'debug',
      debug: () => calls++,
      info: () => calls++,
      warn: () => calls++,
      error: () => calls++,
    };
    const logger = redactingLogger(sink);
    logger.debug({}, 'x');
    logger.warn({}, 'y');
    expect(calls).toBe(1);
  });
});

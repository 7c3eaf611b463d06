import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';

const adapter = () => {
  const a = {
    providerName: 'anthropic',
    calls: 0,
    async sendMessage(_m?: unknown) {
      a.calls += 1;
      return message('ok');
    },
  };
  return a;
};

describe('wrapping the same object twice (issue 10)', () => {
  it('returns the same proxy when the options are left out or the same (fresh but equal objects included)', () => {
    const { infrastructure } = freshInfrastructure();
    const raw = adapter();
    const classify = () => undefined;
    const options = () => ({
      infrastructure,
      name: 'claude',
      timeout: 5_000,
      retry: { maxAttempts: 2, initialDelayMs: 1 },
      breaker: { volumeThreshold: 3 },
      methodAliases: { sendMessage: ['send'] },
      classifiers: [classify],
      fallbackValue: message('sorry'),
    });
    const first = withConsciousness(raw, options());
    expect(withConsciousness(raw, options())).toBe(first);
    expect(withConsciousness(raw, { infrastructure })).toBe(first);
    // Options given are compared in full: leaving one out asks for its default.
    expect(() => withConsciousness(raw, { infrastructure, name: 'claude' })).toThrow(
      /already wrapped \(voice "claude"\).* with another options\.\w+/,
    );
    expect(infrastructure.adapterNames).toEqual(['claude']);
  });

  it('wrapping the proxy returns the proxy: a call is intercepted once', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const raw = adapter();
    const first = withConsciousness(raw, { infrastructure, name: 'claude' });
    const again = withConsciousness(first, { infrastructure, name: 'claude' });
    expect(again).toBe(first);
    expect(withConsciousness(first, { infrastructure })).toBe(first);
    await again.sendMessage(message());
    expect(raw.calls).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'claude',
        method: 'sendMessage',
        outcome: 'success',
      }),
    ).toBe(1);
  });

  it('another brain gets its own wrap of the object (and of a proxy of another brain)', () => {
    const a = freshInfrastructure().infrastructure;
    const b = freshInfrastructure().infrastructure;
    const raw = adapter();
    const inA = withConsciousness(raw, { infrastructure: a });
    const inB = withConsciousness(inA, { infrastructure: b });
    expect(inB).not.toBe(inA);
    expect(withConsciousness(raw, { infrastructure: b })).toBe(inB);
    expect(b.adapterNames).toEqual(['anthropic']);
  });

  it('a loader wrapped twice is one wrap', () => {
    const { infrastructure } = freshInfrastructure();
    const loader = async () => adapter();
    const first = withConsciousness(loader, { infrastructure, name: 'lazy' });
    expect(withConsciousness(loader, { infrastructure, name: 'lazy' })).toBe(first);
    expect(withConsciousness(first, { infrastructure })).toBe(first);
  });

  it('different options throw a TypeError naming the first option that differs', () => {
    const { infrastructure } = freshInfrastructure();
    const raw = adapter();
    const fallbackValue = () => message('a');
    const first = { name: 'claude', timeout: 5_000, retry: { initialDelayMs: 1 }, fallbackValue };
    withConsciousness(raw, { infrastructure, ...first });
    const wrapAgain = (options: Record<string, unknown>) => () =>
      withConsciousness(raw, { infrastructure, ...first, ...options } as never);
    expect(wrapAgain({})).not.toThrow();
    expect(wrapAgain({ timeout: 6_000 })).toThrow(
      /already wrapped \(voice "claude"\).*another options\.timeout: 5000 there, 6000 here/,
    );
    expect(wrapAgain({ name: 'other' })).toThrow(/another options\.name: "claude" there, "other" here/);
    // Leaving an option out is asking for its default: retry.maxAttempts given explicitly differs.
    expect(wrapAgain({ retry: { initialDelayMs: 1, maxAttempts: 3 } })).toThrow(
      /options\.retry\.maxAttempts: undefined there, 3 here/,
    );
    // A function made anew per call is another function.
    expect(wrapAgain({ fallbackValue: () => message('a') })).toThrow(
      /options\.fallbackValue: a function there, a function here.*defined once/,
    );
    expect(wrapAgain({ responseSchemas: { sendMessage: z.object({}) } })).toThrow(
      /options\.responseSchemas\.sendMessage: undefined there, an object here/,
    );
  });

  it('keeps neither the object nor its proxy alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { infrastructure } = freshInfrastructure();
    const refs = (() => {
      const raw = adapter();
      const proxy = withConsciousness(raw, { infrastructure, name: 'claude' });
      expect(withConsciousness(raw, { infrastructure, name: 'claude' })).toBe(proxy);
      return { raw: new WeakRef(raw), proxy: new WeakRef(proxy) };
    })();
    // The voice keeps its latest wrap for the healer: a later wrap of the voice takes that place.
    withConsciousness(adapter(), { infrastructure, name: 'claude' });
    // WeakRefs hold their target until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(refs.raw.deref()).toBeUndefined();
    expect(refs.proxy.deref()).toBeUndefined();
  });
});

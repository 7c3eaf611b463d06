import { describe, expect, it } from 'vitest';
import { WrapDisposedError } from '../../src/errors/WrapDisposedError.js';
import { disposeConsciousness } from '../../src/wrap/disposeConsciousness.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';

const adapter = (text = 'ok') => ({ providerName: 'p', sendMessage: async (_m?: unknown) => message(text) });
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('disposeConsciousness (issue 10)', () => {
  it('refuses later calls with WrapDisposedError, releases the voice and removes its series', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const raw = adapter();
    const wrapped = withConsciousness(raw, { infrastructure, name: 'claude' });
    await wrapped.sendMessage(message());
    const calls = () =>
      sampleValue(registry, 'fire_circle_adapter_calls_total', { adapter: 'claude', outcome: 'success' });
    expect(await calls()).toBe(1);
    expect(disposeConsciousness(wrapped)).toBe(true);
    const refused = await wrapped.sendMessage(message()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WrapDisposedError);
    expect(refused).toMatchObject({ category: 'circuit_open', code: 'ESHUTDOWN', adapter: 'claude' });
    expect(infrastructure.adapterNames).toEqual([]);
    expect(infrastructure.getHealthSignature('claude')).toBeUndefined();
    expect(await calls()).toBeUndefined();
    expect((await registry.metrics()).includes('adapter="claude"')).toBe(false);
    // Disposing again does nothing; wrapping the object again makes a new wrap and a fresh voice.
    expect(disposeConsciousness(wrapped)).toBe(false);
    const again = withConsciousness(raw, { infrastructure, name: 'claude' });
    expect(again).not.toBe(wrapped);
    await again.sendMessage(message());
    expect(await calls()).toBe(1);
    expect(infrastructure.getHealthSignature('claude')!.totalCalls).toBe(1);
  });

  it('keeps a voice another wrap still uses; the last dispose releases it', async () => {
    const { infrastructure } = freshInfrastructure();
    const a = withConsciousness(adapter(), { infrastructure, name: 'shared' });
    const b = withConsciousness(adapter(), { infrastructure, name: 'shared' });
    await a.sendMessage(message());
    disposeConsciousness(a);
    expect(infrastructure.adapterNames).toEqual(['shared']);
    await b.sendMessage(message());
    expect(infrastructure.getHealthSignature('shared')!.totalCalls).toBe(2);
    disposeConsciousness(b);
    expect(infrastructure.adapterNames).toEqual([]);
  });

  it('a disposed fallback no longer serves; what is not a wrap is rejected', async () => {
    const { infrastructure } = freshInfrastructure();
    const fallback = withConsciousness(adapter('from fallback'), { infrastructure, name: 'fb' });
    const failing = {
      providerName: 'x',
      sendMessage: async (_m?: unknown) => Promise.reject(new Error('down')),
    };
    const primary = withConsciousness(failing, {
      infrastructure,
      name: 'primary',
      fallbacks: [fallback],
      fallbackValue: message('value'),
      retry: { maxAttempts: 1 },
    });
    expect(await primary.sendMessage(message())).toEqual(message('from fallback'));
    disposeConsciousness(fallback);
    expect(await primary.sendMessage(message())).toEqual(message('value'));
    expect(() => disposeConsciousness(adapter())).toThrow(TypeError);
  });

  it('a disposed loader wrap clears its load timer and ends the calls waiting for the load', async () => {
    const { infrastructure } = freshInfrastructure();
    const before = timeouts();
    const wrapped = withConsciousness(() => new Promise<ReturnType<typeof adapter>>(() => undefined), {
      infrastructure,
      name: 'lazy',
      loadTimeout: 60_000,
      fallbackValue: message('while loading'),
    });
    const waiting = wrapped.sendMessage(message());
    expect(timeouts()).toBe(before + 1); // the load timeout, kept alive by the waiting call
    disposeConsciousness(wrapped);
    expect(timeouts()).toBe(before);
    expect(await waiting).toEqual(message('while loading'));
  });
});

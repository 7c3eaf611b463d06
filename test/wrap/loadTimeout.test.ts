import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';

type Voice = { sendMessage(m: unknown): Promise<{ content: { text: string } }> };

describe('a loader that never settles (issue 10, finding 6)', () => {
  it('counts as import_failure after loadTimeout and the call is served by fallbackValue', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(() => new Promise<object>(() => undefined), {
      name: 'hanging',
      infrastructure,
      loadTimeout: 50,
      fallbackValue: message('from fallbackValue'),
    }) as Voice;
    expect((await voice.sendMessage(message())).content.text).toBe('from fallbackValue');
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'hanging',
        category: 'import_failure',
      }),
    ).toBe(1);
    expect(infrastructure.getHealthSignature('hanging')!.errorPatterns.import_failure).toBe(1);
    expect(infrastructure.getHealthSignature('hanging')!.isConnected).toBe(false);
  });

  it('serves calls waiting for the hanging load from a fallback adapter', async () => {
    const { infrastructure } = freshInfrastructure();
    const backup = withConsciousness(
      { providerName: 'backup', sendMessage: async (_m?: unknown) => message('from backup') },
      { infrastructure },
    );
    const voice = withConsciousness(() => new Promise<object>(() => undefined), {
      name: 'hanging-2',
      infrastructure,
      loadTimeout: 50,
      fallbacks: [backup],
    }) as Voice;
    const replies = await Promise.all([voice.sendMessage(message()), voice.sendMessage(message())]);
    expect(replies.map((r) => r.content.text)).toEqual(['from backup', 'from backup']);
  });

  it('uses the adapter a slow load delivers after its timeout', async () => {
    const { infrastructure } = freshInfrastructure();
    let deliver: (adapter: object) => void = () => undefined;
    const voice = withConsciousness(() => new Promise<object>((resolve) => (deliver = resolve)), {
      name: 'slow',
      infrastructure,
      loadTimeout: 30,
      fallbackValue: message('from fallbackValue'),
    }) as Voice;
    expect((await voice.sendMessage(message())).content.text).toBe('from fallbackValue');
    deliver({ sendMessage: async (_m?: unknown) => message('loaded late') });
    await new Promise((r) => setImmediate(r));
    expect((await voice.sendMessage(message())).content.text).toBe('loaded late');
    expect(infrastructure.getHealthSignature('slow')!.isConnected).toBe(true);
  });

  it('rejects a loadTimeout that is not a positive integer or false, naming the option', () => {
    expect(() => withConsciousness(() => ({}), { name: 'x', loadTimeout: 0 })).toThrow(/loadTimeout/);
  });
});

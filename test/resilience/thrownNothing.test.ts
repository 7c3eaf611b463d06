// Issue 10, finding 8: a thrown undefined / null and a `then` getter that throws.
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';

function brain(): { infrastructure: InfrastructureConsciousness; registry: Registry } {
  const registry = new Registry();
  const infrastructure = new InfrastructureConsciousness({
    registry,
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
  });
  return { infrastructure, registry };
}

async function errorCategories(registry: Registry): Promise<string[]> {
  const metric = await registry.getSingleMetric('fire_circle_adapter_errors_total')?.get();
  return (metric?.values ?? []).filter((v) => v.value > 0).map((v) => String(v.labels.category));
}

async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (reason) {
    return reason;
  }
  throw new Error('expected the call to reject');
}

describe('thrown values that are not errors (issue 10, finding 8)', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
  ])(
    'a thrown %s reaches the caller as the adapter threw it, not as an open circuit',
    async (_name, thrown) => {
      const { infrastructure, registry } = brain();
      const wrapped = withConsciousness(
        {
          async chat(): Promise<string> {
            throw thrown;
          },
        },
        { infrastructure, name: 'nothing', retry: { maxAttempts: 1 } },
      );
      expect(await reasonOf(wrapped.chat())).toBe(thrown);
      const categories = await errorCategories(registry);
      expect(categories.length).toBeGreaterThan(0);
      expect(categories).not.toContain('circuit_open');
    },
  );

  it('a fallbackValue function is told what the adapter threw (undefined), not an invented open circuit', async () => {
    const { infrastructure } = brain();
    const seen: { error: unknown; category: string }[] = [];
    const wrapped = withConsciousness(
      {
        async chat(): Promise<string> {
          throw undefined;
        },
      },
      {
        infrastructure,
        name: 'nothing-fb',
        retry: { maxAttempts: 1 },
        fallbackValue: (ctx) => {
          seen.push({ error: ctx.error, category: ctx.category });
          return 'served';
        },
      },
    );
    await expect(wrapped.chat()).resolves.toBe('served');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.error).toBeUndefined();
    expect(seen[0]!.category).not.toBe('circuit_open');
  });

  it('a result whose then getter throws does not escape from the call synchronously', async () => {
    const { infrastructure } = brain();
    const evil = {
      get then(): never {
        throw new Error('then getter');
      },
    };
    const adapter = {
      weird(): unknown {
        return evil;
      },
    };
    const wrapped = withConsciousness(adapter, { infrastructure, name: 'evil' });
    // Unwrapped, the call returns the object and only awaiting it meets the throw: the same here.
    let returned: unknown;
    expect(() => {
      returned = wrapped.weird();
    }).not.toThrow();
    expect(returned).toBe(evil);
    await expect(Promise.resolve().then(() => returned)).rejects.toThrow('then getter');
  });
});

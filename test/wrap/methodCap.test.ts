import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';

function brain(config: Record<string, unknown> = {}) {
  const { infrastructure, registry, logLines } = freshInfrastructure(undefined, { config });
  return { infrastructure, registry, lines: logLines };
}

/** An adapter answering every name that starts with `m` (an RPC stub, a dynamic client). */
const anyMethod = () =>
  new Proxy(
    {},
    {
      get: (_t, key) => (typeof key === 'string' && key.startsWith('m') ? async () => key : undefined),
    },
  ) as Record<string, () => Promise<string>>;

describe('methods per voice are capped (issue 10, finding 4)', () => {
  it('beyond maxMethodsPerVoice a method is still served, counted as method other: one warning, a metric', async () => {
    const { infrastructure, registry, lines } = brain({ maxMethodsPerVoice: 5 });
    const wrapped = withConsciousness(anyMethod(), { infrastructure, name: 'dyn' });
    expect(wrapped.m0).toBe(wrapped.m0); // interceptors are cached under the cap
    for (let i = 0; i < 12; i++) expect(await wrapped[`m${i}`]!()).toBe(`m${i}`);
    const voice = infrastructure.voice('dyn');
    expect(voice.methodCount).toBe(5);
    expect(voice.tracksMethod('m4')).toBe(true);
    expect(voice.tracksMethod('m5')).toBe(false);
    const calls = (method: string) =>
      sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'dyn',
        method,
        outcome: 'success',
      });
    expect(await calls('m0')).toBe(1);
    expect(await calls('m7')).toBeUndefined();
    expect(await calls('other')).toBe(7);
    expect(await sampleValue(registry, 'fire_circle_cap_overflows_total', { cap: 'methods' })).toBe(7);
    expect(lines().filter((l) => l.includes('methods cap of 5 reached'))).toHaveLength(1);
    expect(infrastructure.getHealthSignature('dyn')!.totalCalls).toBe(12);
  });

  it('defaults to 200 and rejects a bad value naming the option', () => {
    expect(brain().infrastructure.config.maxMethodsPerVoice).toBe(200);
    expect(() => brain({ maxMethodsPerVoice: 0 })).toThrow(/options\.maxMethodsPerVoice/);
  });

  it('breakers dropped at breaker.maxBreakers are counted: one warning, a metric', async () => {
    const { infrastructure, registry, lines } = brain();
    const wrapped = withConsciousness(anyMethod(), {
      infrastructure,
      name: 'b',
      breaker: { maxBreakers: 2 },
    });
    for (let i = 0; i < 4; i++) await wrapped[`m${i}`]!();
    expect(await sampleValue(registry, 'fire_circle_cap_overflows_total', { cap: 'breakers' })).toBe(2);
    expect(lines().filter((l) => l.includes('breakers cap of 2 reached'))).toHaveLength(1);
  });

  it('400,000 distinct method names keep the maps, the series and the heap bounded (child process, GC)', () => {
    const script = fileURLToPath(new URL('./dynamicMethods.script.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, '400000'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      [key: string]: number;
      afterAll: number;
      after1000: number;
    };
    expect(r.totalCalls).toBe(400_000);
    expect(r.methods).toBe(200);
    expect(r.latencies).toBe(200);
    expect(r.breakers).toBeLessThanOrEqual(32);
    // 20 method labels (the metrics' own cap) and `other`, 4 outcomes each.
    expect(r.callSeries).toBe(21 * 4);
    expect(r.overflows).toBe(400_000 - 200);
    expect(r.afterAll - r.after1000).toBeLessThan(5 * 1024 * 1024);
  }, 320_000);
});

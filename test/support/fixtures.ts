import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  InfrastructureConsciousness,
  type InfrastructureConsciousnessOptions,
} from '../../src/consciousness/InfrastructureConsciousness.js';
import { memoryLogger } from './memoryLogger.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import type { ClockOption } from '../../src/clock/Scheduler.js';

/**
 * A fresh brain with its own registry and an in-memory logger (and `clock`, when given: a function, or
 * a VirtualClock whose timers the brain and its wraps then run on); `options`
 * are merged in (config, shared state, …).
 */
export function freshInfrastructure(
  clock?: ClockOption,
  options: Omit<InfrastructureConsciousnessOptions, 'registry' | 'logger' | 'store' | 'clock'> = {},
): {
  infrastructure: InfrastructureConsciousness;
  registry: Registry;
  logLines: () => string[];
} {
  const registry = new Registry();
  const { logger, lines } = memoryLogger();
  const infrastructure = new InfrastructureConsciousness({
    ...options,
    registry,
    logger,
    store: new MemoryStore(),
    ...(clock !== undefined ? { clock } : {}),
  });
  return { infrastructure, registry, logLines: lines };
}

/**
 * A silent brain on `clock` whose predictor and detectors learn from every call
 * (`learningIntervalMs: 0`), with `config` merged in.
 */
export function learningBrain(
  clock: () => number,
  config: Record<string, unknown> = {},
): InfrastructureConsciousness {
  return new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    clock,
    config: { learningIntervalMs: 0, ...config },
  });
}

/** Value of one sample in a registry's exposition text, or undefined when absent. */
export async function sampleValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const json = await registry.getMetricsAsJSON();
  for (const metric of json) {
    for (const v of metric.values) {
      const metricName = (v as { metricName?: string }).metricName ?? metric.name;
      if (metricName !== name) continue;
      const l = v.labels as Record<string, string | number>;
      if (Object.entries(labels).every(([k, val]) => String(l[k]) === val)) return v.value;
    }
  }
  return undefined;
}

/** A Fire Circle message. */
export function message(text = 'hello'): { content: { text: string } } {
  return { content: { text } };
}

/** A sleep (withConsciousness's `sleep` hook) that records what the wrapper waited for and returns at once: virtual time. */
export function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<boolean> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => (waits.push(ms), true) };
}

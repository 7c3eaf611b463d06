import { Registry } from 'prom-client';
import { pino } from 'pino';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import type { Store } from '../../src/memory/Store.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import type { CircuitEvent, HealingEvent } from '../../src/voice/CallEvents.js';

/** Simulated time: adapters "take" latency by advancing it; retries sleep on it. */
export class SimClock {
  now = Date.UTC(2026, 0, 1, 12, 0, 0);
  readonly read = (): number => this.now;
  readonly sleep = async (ms: number): Promise<boolean> => {
    this.now += ms;
    return true;
  };
  advance(ms: number): void {
    this.now += ms;
  }
}

/** A brain on simulated time with an in-memory (or given) store, recording every event in order. */
export function simulatedBrain(options: { store?: Store; seed?: number } = {}): {
  clock: SimClock;
  brain: InfrastructureConsciousness;
  events: string[];
  patterns: InfrastructurePattern[];
  healings: HealingEvent[];
  circuits: CircuitEvent[];
} {
  const clock = new SimClock();
  const brain = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    clock: clock.read,
    random: createSeededRandom(options.seed ?? 7),
    store: options.store ?? new MemoryStore(),
  });
  const events: string[] = [];
  const patterns: InfrastructurePattern[] = [];
  const healings: HealingEvent[] = [];
  const circuits: CircuitEvent[] = [];
  brain.on('pattern', (p) => {
    patterns.push(p);
    events.push(`pattern:${p.patternType}:${p.affectedAdapters.join('+')}`);
  });
  brain.on('circuit', (c) => {
    circuits.push(c);
    events.push(`circuit:${c.adapter}:${c.to}`);
  });
  brain.on('healing', (h) => {
    healings.push(h);
    events.push(`healing:${h.actionType}:${h.targetAdapter}`);
  });
  return { clock, brain, events, patterns, healings, circuits };
}

/** A Fire Circle message. */
export const msg = (text = 'hello'): { content: { text: string } } => ({ content: { text } });

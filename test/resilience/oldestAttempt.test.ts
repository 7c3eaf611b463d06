import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { AttemptTimeout } from '../../src/resilience/AttemptTimeout.js';
import { DeadlineQueue } from '../../src/resilience/DeadlineQueue.js';
import { VoiceTuning } from '../../src/voice/VoiceTuning.js';

describe('the oldest attempt in flight (for the predictor)', () => {
  it('is the head of the deadline queue, and the oldest over every duration', () => {
    const now = 1_000_000;
    const timeout = new AttemptTimeout(30_000, false, new VoiceTuning(), () => now);
    expect(timeout.oldestStartedAt()).toBeUndefined();
    const long = timeout.queue(30_000);
    const short = timeout.queue(5_000);
    const a = long.add(() => undefined, now - 4_000);
    const b = short.add(() => undefined, now - 6_000);
    const c = long.add(() => undefined, now - 1_000);
    expect(long.oldestStartedAt).toBe(now - 4_000);
    expect(timeout.oldestStartedAt()).toBe(now - 6_000);
    short.cancel(b);
    expect(timeout.oldestStartedAt()).toBe(now - 4_000);
    long.cancel(a);
    expect(timeout.oldestStartedAt()).toBe(now - 1_000);
    long.cancel(c);
    expect(timeout.oldestStartedAt()).toBeUndefined();
  });

  it("reaches the voice's pipeline handle while a wrapped call is pending", async () => {
    let now = 5_000_000;
    const infrastructure = new InfrastructureConsciousness({
      registry: new Registry(),
      logger: pino({ level: 'silent' }),
      store: new MemoryStore(),
      clock: () => now,
    });
    let answer: (value: string) => void = () => undefined;
    const adapter = { ask: () => new Promise<string>((resolve) => (answer = resolve)) };
    const wrapped = withConsciousness(adapter, { infrastructure, name: 'slow' });
    const pipeline = infrastructure.voice('slow').pipeline!;
    expect(pipeline.oldestAttemptStartedAt?.()).toBeUndefined();
    const pending = wrapped.ask();
    const started = now;
    now += 7_000;
    expect(pipeline.oldestAttemptStartedAt?.()).toBe(started);
    answer('ok');
    await expect(pending).resolves.toBe('ok');
    expect(pipeline.oldestAttemptStartedAt?.()).toBeUndefined();
  });

  it('is undefined for an empty queue', () => {
    expect(new DeadlineQueue(1_000, () => 0).oldestStartedAt).toBeUndefined();
  });
});

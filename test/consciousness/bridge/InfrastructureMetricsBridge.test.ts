import { Registry } from 'prom-client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InfrastructureMetricsBridge } from '../../../src/consciousness/bridge/InfrastructureMetricsBridge.js';
import { type BridgedInfrastructure } from '../../../src/consciousness/bridge/BridgedInfrastructure.js';
import { type CoherenceUpdate } from '../../../src/consciousness/bridge/CoherenceUpdate.js';
import { InMemoryConsciousnessMetricsCollector } from '../../../src/consciousness/collector/InMemoryConsciousnessMetricsCollector.js';
import { InfrastructureConsciousness } from '../../../src/consciousness/InfrastructureConsciousness.js';
import { NOW, signature } from '../../report/healthFixtures.js';
import { FakeInfrastructure } from './fakeInfrastructure.js';

function fakeClock(): { clock: () => number; advance: (ms: number) => void } {
  let now = NOW;
  return {
    clock: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

function setup(options: { minIntervalMs?: number; feedBufferSize?: number } = {}) {
  const { clock, advance } = fakeClock();
  const infrastructure = new FakeInfrastructure();
  const collector = new InMemoryConsciousnessMetricsCollector({ clock });
  const bridge = new InfrastructureMetricsBridge({
    infrastructure,
    metricsCollector: collector,
    clock,
    ...options,
  });
  return { infrastructure, collector, bridge, advance };
}

const healthy = (adapter = 'test') =>
  signature(adapter, { consciousnessCoherence: 0.9, voiceStability: 0.85, predictedFailureProbability: 0.1 });
const failing = (adapter = 'google') =>
  signature(adapter, {
    status: 'disconnected',
    isConnected: false,
    consciousnessCoherence: 0.2,
    voiceStability: 0.1,
    predictedFailureProbability: 0.9,
  });

describe('InfrastructureMetricsBridge', () => {
  it('accepts the real InfrastructureConsciousness as its infrastructure', () => {
    expectTypeOf<InfrastructureConsciousness>().toExtend<BridgedInfrastructure>();
    const infrastructure = new InfrastructureConsciousness({ registry: new Registry() });
    const bridge = new InfrastructureMetricsBridge({
      infrastructure,
      metricsCollector: new InMemoryConsciousnessMetricsCollector(),
    });
    bridge.close();
  });

  it('test case 14: a bridged health check records exactly one signature test_infrastructure with value > 0.5', () => {
    const { collector, bridge } = setup();
    const record = bridge.bridgeHealthCheck(healthy('test'));
    const recorded = collector.signatures('test_infrastructure');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toBe(record);
    expect(record.value).toBeGreaterThan(0.5);
    expect(collector.signatures()).toHaveLength(1);
  });

  it('turns a health update into an infrastructure signature with the reference fields', () => {
    const { infrastructure, collector } = setup();
    infrastructure.update(
      signature('anthropic', {
        consciousnessCoherence: 0.8,
        voiceStability: 0.7,
        predictedFailureProbability: 0.1,
      }),
    );
    const [record] = collector.signatures('anthropic_infrastructure');
    expect(record?.value).toBeCloseTo(0.84, 12);
    expect(record).toMatchObject({
      chapter: 'infrastructure_health',
      uncertainty: false,
      synthesis: false,
      flagged: true,
      timestamp: NOW,
    });
    expect(collector.flows()).toEqual([]);
  });

  it('adds a distress flow when p > 0.5, and flags uncertainty (p > 0.3) and synthesis (coherence > 0.8)', () => {
    const { infrastructure, collector } = setup();
    infrastructure.update(failing('google'));
    const [record] = collector.signatures('google_infrastructure');
    expect(record).toMatchObject({ value: 0, uncertainty: true, synthesis: false });
    expect(collector.flows()).toEqual([
      {
        from: 'google_infrastructure',
        to: 'google',
        kind: 'distress',
        strength: 0.9,
        trigger: 'infrastructure_health',
        sessionId: null,
        timestamp: NOW,
      },
    ]);
    infrastructure.update(healthy('openai'));
    expect(collector.signatures('openai_infrastructure')[0]?.synthesis).toBe(true);
    expect(collector.flows()).toHaveLength(1);
  });

  it('throttles per-call updates to one bridged signature per adapter per interval', () => {
    const { infrastructure, collector, advance } = setup({ minIntervalMs: 1000 });
    for (let i = 0; i < 50; i++) infrastructure.update(healthy('anthropic'));
    infrastructure.update(healthy('openai'));
    expect(collector.signatures('anthropic_infrastructure')).toHaveLength(1);
    expect(collector.signatures('openai_infrastructure')).toHaveLength(1);
    advance(999);
    infrastructure.update(healthy('anthropic'));
    expect(collector.signatures('anthropic_infrastructure')).toHaveLength(1);
    advance(1);
    infrastructure.update(healthy('anthropic'));
    expect(collector.signatures('anthropic_infrastructure')).toHaveLength(2);
  });

  it('lets a change of connection or distress through the throttle', () => {
    const { infrastructure, collector } = setup({ minIntervalMs: 60_000 });
    infrastructure.update(healthy('anthropic'));
    infrastructure.update(failing('anthropic'));
    infrastructure.update(failing('anthropic'));
    expect(collector.signatures('anthropic_infrastructure')).toHaveLength(2);
    expect(collector.flows()).toHaveLength(1);
  });

  it('always records an explicit health check, whatever the throttle', () => {
    const { infrastructure, collector, bridge } = setup({ minIntervalMs: 60_000 });
    infrastructure.update(healthy('test'));
    bridge.bridgeHealthCheck(healthy('test'));
    bridge.bridgeHealthCheck(healthy('test'));
    expect(collector.signatures('test_infrastructure')).toHaveLength(3);
  });

  it('feeds voice signatures back into the adapter of the same name, flags only when known', () => {
    const { infrastructure, collector } = setup();
    infrastructure.update(healthy('anthropic'));
    collector.recordSignature({ voice: 'anthropic', value: 0.7 });
    collector.recordSignature({ voice: 'anthropic', value: 0.9, text: 'a synthesis emerges' });
    expect(infrastructure.fedBack).toEqual([
      { adapter: 'anthropic', value: 0.7, flags: undefined },
      { adapter: 'anthropic', value: 0.9, flags: { synthesis: true, uncertainty: false } },
    ]);
  });

  it('does not feed back infrastructure voices or voices that are no adapter', () => {
    const { infrastructure, collector } = setup();
    infrastructure.update(healthy('anthropic'));
    collector.recordSignature({ voice: 'anthropic_infrastructure', value: 0.2 });
    collector.recordSignature({ voice: 'human', value: 0.5 });
    expect(infrastructure.fedBack).toEqual([]);
  });

  it('learns adapters it has not heard from through getHealthSignatures (at most once per interval)', () => {
    const { infrastructure, collector, advance } = setup({ minIntervalMs: 1000 });
    infrastructure.signatures.set('mistral', healthy('mistral'));
    collector.recordSignature({ voice: 'mistral', value: 0.6 });
    expect(infrastructure.fedBack).toEqual([]);
    advance(1000);
    collector.recordSignature({ voice: 'mistral', value: 0.6 });
    expect(infrastructure.fedBack.map((f) => f.adapter)).toEqual(['mistral']);
  });

  it('works both ways with the real brain without looping', () => {
    const infrastructure = new InfrastructureConsciousness({ registry: new Registry() });
    const collector = new InMemoryConsciousnessMetricsCollector();
    const bridge = new InfrastructureMetricsBridge({
      infrastructure,
      metricsCollector: collector,
      minIntervalMs: 0,
    });
    infrastructure.voice('anthropic');
    for (const value of [0.1, 0.9, 0.1, 0.9]) collector.recordSignature({ voice: 'anthropic', value });
    expect(infrastructure.getHealthSignature('anthropic')?.consciousnessCoherence).toBeCloseTo(1 - 0.16, 12);
    bridge.close();
  });

  it('emits coherence updates to listeners until they unsubscribe', () => {
    const { infrastructure, bridge } = setup();
    const seen: CoherenceUpdate[] = [];
    const off = bridge.onCoherence((u) => seen.push(u));
    infrastructure.update(healthy('anthropic'));
    infrastructure.update(healthy('anthropic'));
    off();
    infrastructure.update(healthy('anthropic'));
    expect(seen).toEqual([
      { adapter: 'anthropic', coherence: 0.9, voiceStability: 0.85, failureProbability: 0.1, timestamp: NOW },
      { adapter: 'anthropic', coherence: 0.9, voiceStability: 0.85, failureProbability: 0.1, timestamp: NOW },
    ]);
  });

  it('keeps bridging when a coherence listener throws', () => {
    const warnings: unknown[] = [];
    const infrastructure = new FakeInfrastructure();
    const collector = new InMemoryConsciousnessMetricsCollector();
    const bridge = new InfrastructureMetricsBridge({
      infrastructure,
      metricsCollector: collector,
      logger: { debug() {}, info() {}, error() {}, warn: (obj) => warnings.push(obj) },
    });
    bridge.onCoherence(() => {
      throw new Error('listener bug');
    });
    expect(() => infrastructure.update(healthy('anthropic'))).not.toThrow();
    expect(collector.signatures('anthropic_infrastructure')).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });

  it('serves coherence updates as an async iterable that ends on close()', async () => {
    const { infrastructure, bridge } = setup();
    const feed = bridge.coherenceFeed();
    const consumed = (async () => {
      const seen: string[] = [];
      for await (const update of feed) seen.push(update.adapter);
      return seen;
    })();
    infrastructure.update(healthy('anthropic'));
    await Promise.resolve();
    infrastructure.update(healthy('openai'));
    bridge.close();
    await expect(consumed).resolves.toEqual(['anthropic', 'openai']);
  });

  it('drops the oldest buffered updates for a slow consumer', async () => {
    const { infrastructure, bridge } = setup({ feedBufferSize: 2 });
    const feed = bridge.coherenceFeed();
    for (const name of ['a', 'b', 'c', 'd']) infrastructure.update(healthy(name));
    bridge.close();
    const seen: string[] = [];
    for await (const update of feed) seen.push(update.adapter);
    expect(seen).toEqual(['c', 'd']);
    expect(feed.dropped).toBe(2);
  });

  it('detaches from both sides on close()', () => {
    const { infrastructure, collector, bridge } = setup();
    bridge.close();
    expect(infrastructure.listenerCount('signature')).toBe(0);
    infrastructure.update(healthy('anthropic'));
    collector.recordSignature({ voice: 'anthropic', value: 0.5 });
    expect(collector.signatures('anthropic_infrastructure')).toEqual([]);
    expect(infrastructure.fedBack).toEqual([]);
    expect(bridge.coherenceFeed().isClosed).toBe(true);
  });

  it('ignores events after close() when the infrastructure cannot unsubscribe', () => {
    const { clock } = fakeClock();
    const emitter = new FakeInfrastructure();
    const infrastructure: BridgedInfrastructure = {
      on: (event, listener) => emitter.on(event, listener),
      getHealthSignatures: () => emitter.getHealthSignatures(),
      recordConsciousnessSignature: (a, v, f) => emitter.recordConsciousnessSignature(a, v, f),
    };
    const collector = new InMemoryConsciousnessMetricsCollector({ clock });
    const bridge = new InfrastructureMetricsBridge({ infrastructure, metricsCollector: collector, clock });
    bridge.close();
    emitter.update(healthy('anthropic'));
    expect(collector.signatures()).toEqual([]);
  });

  it('rejects bad options with their path', () => {
    const collector = new InMemoryConsciousnessMetricsCollector();
    expect(
      () => new InfrastructureMetricsBridge({ infrastructure: {} as never, metricsCollector: collector }),
    ).toThrow(/options\.infrastructure/);
    expect(
      () =>
        new InfrastructureMetricsBridge({
          infrastructure: new FakeInfrastructure(),
          metricsCollector: collector,
          minIntervalMs: -1,
        }),
    ).toThrow(/options\.minIntervalMs/);
  });
});

import { Counter, Gauge, Histogram, register, Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { MetricConflictError } from '../../src/errors/MetricConflictError.js';
import type { AdapterHealthSignature } from '../../src/health/AdapterHealthSignature.js';
import { FastCounter } from '../../src/metrics/FastCounter.js';
import { FastHistogram } from '../../src/metrics/FastHistogram.js';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import { FastGauge } from '../../src/metrics/FastGauge.js';
import { parseExposition, sampleValue, type ParsedFamily } from './exposition.js';

// DESIGN §8, written out independently of src/metrics/metricNames.ts so a drift there fails here.
const DESIGN_METRICS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['adapter_calls_total', 'counter', ['adapter', 'method', 'outcome']],
  ['adapter_call_duration_seconds', 'histogram', ['adapter', 'method', 'outcome']],
  ['adapter_errors_total', 'counter', ['adapter', 'method', 'category']],
  ['adapter_retries_total', 'counter', ['adapter', 'method', 'category']],
  ['adapter_fallbacks_total', 'counter', ['adapter', 'method', 'kind', 'target', 'model']],
  ['stream_first_chunk_seconds', 'histogram', ['adapter', 'method']],
  ['circuit_state', 'gauge', ['adapter', 'state']],
  ['circuit_transitions_total', 'counter', ['adapter', 'to']],
  ['adapter_up', 'gauge', ['adapter']],
  ['adapter_consecutive_failures', 'gauge', ['adapter']],
  ['adapter_response_time_p95_seconds', 'gauge', ['adapter']],
  ['consciousness_coherence', 'gauge', ['adapter']],
  ['voice_stability', 'gauge', ['adapter']],
  ['predicted_failure_probability', 'gauge', ['adapter']],
  ['patterns_detected_total', 'counter', ['type', 'adapter']],
  ['pattern_active', 'gauge', ['type', 'adapter']],
  ['healing_actions_total', 'counter', ['adapter', 'action', 'result']],
  ['infrastructure_consciousness_score', 'gauge', []],
  ['tokens_total', 'counter', ['adapter', 'model', 'type']],
  ['time_per_output_token_seconds', 'histogram', ['adapter', 'model']],
  ['cost_total', 'counter', ['adapter', 'model', 'currency']],
  ['ratelimit_remaining', 'gauge', ['adapter', 'model', 'kind']],
  ['ratelimit_reset_seconds', 'gauge', ['adapter', 'model', 'kind']],
];

const signature = (overrides: Partial<AdapterHealthSignature> = {}): AdapterHealthSignature => ({
  adapterId: 'anthropic',
  timestamp: '2025-01-01T00:00:00.000Z',
  status: 'healthy',
  isConnected: true,
  connectionLatencyMs: 800,
  responseTimeP95Ms: 2500,
  lastSuccessfulRequest: null,
  consecutiveFailures: 0,
  totalCalls: 10,
  totalFailures: 0,
  errorRate: 0,
  errorPatterns: {},
  consciousnessCoherence: 0.9,
  voiceStability: 0.8,
  predictedFailureProbability: 0.1,
  circuitState: 'closed',
  selfHealingActionsTaken: [],
  trend: 'stable',
  ...overrides,
});

async function scrape(registry: Registry): Promise<Map<string, ParsedFamily>> {
  return parseExposition(await registry.metrics());
}

function labelNamesOf(family: ParsedFamily): string[] {
  const names = new Set<string>();
  for (const s of family.samples)
    for (const name of Object.keys(s.labels)) if (name !== 'le') names.add(name);
  return [...names].sort();
}

describe('InfrastructureMetrics', () => {
  it('exposes all 23 families (DESIGN §8 and usage) after one recorded call', async () => {
    const registry = new Registry();
    new InfrastructureMetrics({ registry }).forMethod('anthropic', 'sendMessage').call('success', 1.2);
    const families = await scrape(registry);
    for (const [name, type] of DESIGN_METRICS) {
      expect(families.get(`fire_circle_${name}`)?.type, name).toBe(type);
    }
    expect(families.size).toBe(23);
  });

  it('backs counters with FastCounter, histograms with FastHistogram and gauges with FastGauge', () => {
    const registry = new Registry();
    new InfrastructureMetrics({ registry });
    const expected = { counter: FastCounter, histogram: FastHistogram, gauge: FastGauge };
    for (const [name, type, labels] of DESIGN_METRICS) {
      const metric = registry.getSingleMetric(`fire_circle_${name}`);
      expect(metric, name).toBeInstanceOf(expected[type as keyof typeof expected]);
      expect((metric as unknown as { labelNames: string[] }).labelNames, name).toEqual(labels);
    }
  });

  it('writes every family with its label names', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    const m = metrics.forMethod('openai', 'chat.completions.create');
    m.call('fallback', 3);
    m.error('rate_limited');
    m.retry('rate_limited');
    m.fallback('adapter', 'deepseek');
    m.firstChunk(0.4);
    metrics.patternDetected('latency_degradation', 'openai');
    metrics.setPatternActive('latency_degradation', 'openai', true);
    metrics.healingAction('openai', 'fallback', 'success');
    metrics.setConsciousnessScore(0.75);
    const model = metrics.forModel('openai', 'gpt-4o', 20);
    model.tokens({ input: 10, output: 4, cachedInput: 3, cacheWrite: 0, reasoning: 1 });
    model.perOutputToken(0.01);
    model.cost(0.002, 'USD');
    model.rateLimit('tokens', 1000, 2);
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_tokens_total', { type: 'cached_input' })).toBe(3);
    expect(sampleValue(families, 'fire_circle_tokens_total', { type: 'cache_write' })).toBeUndefined();
    for (const [name, , labels] of DESIGN_METRICS) {
      const family = families.get(`fire_circle_${name}`);
      expect(family?.samples.length, name).toBeGreaterThan(0);
      expect(labelNamesOf(family as ParsedFamily), name).toEqual([...labels].sort());
    }
    expect(
      sampleValue(families, 'fire_circle_adapter_fallbacks_total', { kind: 'adapter', target: 'deepseek' }),
    ).toBe(1);
    expect(sampleValue(families, 'fire_circle_adapter_errors_total', { category: 'rate_limited' })).toBe(1);
    expect(sampleValue(families, 'fire_circle_infrastructure_consciousness_score')).toBe(0.75);
  });

  it('counts calls by outcome, with 0 series for every outcome from the first sight of a method', async () => {
    const registry = new Registry();
    const m = new InfrastructureMetrics({ registry }).forMethod('anthropic', 'sendMessage');
    let families = await scrape(registry);
    for (const outcome of ['success', 'failure', 'fallback', 'rejected']) {
      expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome })).toBe(0);
    }
    m.call('success', 0.3);
    m.call('success', 7);
    m.call('rejected', 0);
    families = await scrape(registry);
    const success = { adapter: 'anthropic', method: 'sendMessage', outcome: 'success' };
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', success)).toBe(2);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'rejected' })).toBe(1);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'failure' })).toBe(0);
    expect(sampleValue(families, 'fire_circle_adapter_call_duration_seconds_count', success)).toBe(2);
    expect(
      sampleValue(families, 'fire_circle_adapter_call_duration_seconds_bucket', { ...success, le: '0.5' }),
    ).toBe(1);
    expect(
      sampleValue(families, 'fire_circle_adapter_call_duration_seconds_bucket', { ...success, le: '10' }),
    ).toBe(2);
    expect(sampleValue(families, 'fire_circle_adapter_call_duration_seconds_sum', success)).toBeCloseTo(7.3);
  });

  it('keeps calls_total{outcome} equal to call_duration_seconds_count{outcome} after a mix of calls', async () => {
    const registry = new Registry();
    const a = new InfrastructureMetrics({ registry, maxMethodsPerAdapter: 2 });
    const b = new InfrastructureMetrics({ registry, maxMethodsPerAdapter: 2 });
    const outcomes = ['success', 'failure', 'fallback', 'rejected'] as const;
    const durations = [0.01, 0.3, 2.5, 45, 500, Number.NaN, -1];
    const series = [
      a.forMethod('openai', 'create'),
      b.forMethod('openai', 'create'),
      a.forMethod('openai', 'stream'),
      b.forMethod('openai', 'embed'), // past the cap: `other`
      a.forMethod('anthropic', 'send'),
    ];
    for (let i = 0; i < 200; i++) {
      series[i % series.length]?.call(
        outcomes[(i * 7) % 4] ?? 'success',
        durations[i % durations.length] ?? 0,
      );
    }
    const families = await scrape(registry);
    const calls = families.get('fire_circle_adapter_calls_total')?.samples ?? [];
    // 4 series ({create, stream, other} of openai, send of anthropic) × 4 outcomes, all called.
    expect(calls).toHaveLength(16);
    let total = 0;
    for (const sample of calls) {
      const count = sampleValue(families, 'fire_circle_adapter_call_duration_seconds_count', sample.labels);
      expect(count, JSON.stringify(sample.labels)).toBe(sample.value);
      total += sample.value;
    }
    expect(total).toBe(200);
  });

  it('uses the LLM latency buckets from 0.05 s to 120 s', async () => {
    const registry = new Registry();
    new InfrastructureMetrics({ registry }).forMethod('a', 'm').call('success', 1);
    const family = (await scrape(registry)).get('fire_circle_adapter_call_duration_seconds');
    const bounds = family?.samples.filter(
      (s) => s.labels.outcome === 'success' && s.name.endsWith('_bucket'),
    );
    expect(bounds?.map((s) => s.labels.le)).toEqual([
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2',
      '5',
      '10',
      '20',
      '30',
      '60',
      '120',
      '+Inf',
    ]);
  });

  it('honours the prefix option', async () => {
    const registry = new Registry();
    new InfrastructureMetrics({ registry, prefix: 'lab_' }).forMethod('a', 'm').call('success', 1);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE lab_adapter_calls_total counter');
    expect(text).not.toContain('fire_circle_');
    expect([...(await scrape(registry)).keys()].every((name) => name.startsWith('lab_'))).toBe(true);
  });

  it('lets two instances share one registry and its series', async () => {
    const registry = new Registry();
    const a = new InfrastructureMetrics({ registry });
    const b = new InfrastructureMetrics({ registry });
    a.forAdapter('openai').setCircuitState('open');
    a.forMethod('openai', 'create').call('success', 1);
    b.forMethod('openai', 'create').call('success', 1);
    b.forMethod('openai', 'create').error('timeout');
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'success' })).toBe(2);
    expect(sampleValue(families, 'fire_circle_adapter_errors_total', { category: 'timeout' })).toBe(1);
    // b seeing the adapter for the first time must not reset the state a recorded.
    expect(sampleValue(families, 'fire_circle_circuit_state', { state: 'open' })).toBe(1);
    expect(sampleValue(families, 'fire_circle_circuit_state', { state: 'closed' })).toBe(0);
  });

  it("defaults to prom-client's global registry and survives the module being loaded twice", async () => {
    const before = register.getMetricsAsArray().length;
    try {
      const first = new InfrastructureMetrics({ maxMethodsPerAdapter: 1 });
      vi.resetModules();
      const copy = await import('../../src/metrics/InfrastructureMetrics.js');
      expect(copy.InfrastructureMetrics).not.toBe(InfrastructureMetrics);
      const second = new copy.InfrastructureMetrics({ maxMethodsPerAdapter: 1 });
      expect(second.registry).toBe(register);
      first.forAdapter('local').setCircuitState('half_open');
      first.forMethod('local', 'generate').call('success', 1);
      // The second copy shares the first one's label book: cap reached, adapter already initialised.
      expect(second.forMethod('local', 'stream').method).toBe('other');
      second.forMethod('local', 'generate').call('success', 1);
      first.forMethod('local', 'generate').error('timeout');
      second.forMethod('local', 'generate').error('timeout');
      second.forAdapter('local').transition('half_open');
      const families = parseExposition(await register.metrics());
      const generate = { method: 'generate', outcome: 'success' };
      expect(sampleValue(families, 'fire_circle_adapter_calls_total', generate)).toBe(2);
      expect(sampleValue(families, 'fire_circle_adapter_call_duration_seconds_count', generate)).toBe(2);
      expect(sampleValue(families, 'fire_circle_adapter_errors_total', { category: 'timeout' })).toBe(2);
      expect(sampleValue(families, 'fire_circle_circuit_transitions_total', { to: 'half_open' })).toBe(1);
      expect(
        sampleValue(families, 'fire_circle_circuit_state', { adapter: 'local', state: 'half_open' }),
      ).toBe(1);
    } finally {
      for (const metric of register.getMetricsAsArray()) {
        if (metric.name.startsWith('fire_circle_')) register.removeSingleMetric(metric.name);
      }
    }
    expect(register.getMetricsAsArray()).toHaveLength(before);
  });

  it('reuses a compatible prom-client Counter registered by someone else, labels in any order', async () => {
    const registry = new Registry();
    new Counter({
      name: 'fire_circle_adapter_calls_total',
      help: 'pre-existing',
      labelNames: ['outcome', 'adapter', 'method'],
      registers: [registry],
    });
    const m = new InfrastructureMetrics({ registry }).forMethod('a', 'm');
    m.call('failure', 2);
    m.call('failure', 2);
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'failure' })).toBe(2);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'success' })).toBe(0);
  });

  it('reuses a compatible prom-client Histogram registered by someone else', async () => {
    const registry = new Registry();
    new Histogram({
      name: 'fire_circle_stream_first_chunk_seconds',
      help: 'pre-existing',
      labelNames: ['method', 'adapter'],
      buckets: [1],
      registers: [registry],
    });
    const m = new InfrastructureMetrics({ registry }).forMethod('a', 'm');
    m.firstChunk(0.5);
    m.firstChunk(3);
    const families = await scrape(registry);
    const labels = { adapter: 'a', method: 'm' };
    expect(sampleValue(families, 'fire_circle_stream_first_chunk_seconds_count', labels)).toBe(2);
    expect(
      sampleValue(families, 'fire_circle_stream_first_chunk_seconds_bucket', { ...labels, le: '1' }),
    ).toBe(1);
  });

  it('reuses a FastCounter registered by other code with its labels in another order', async () => {
    const registry = new Registry();
    new FastCounter({
      name: 'fire_circle_adapter_errors_total',
      help: 'pre-existing',
      labelNames: ['category', 'method', 'adapter'],
      registers: [registry],
    });
    new InfrastructureMetrics({ registry }).forMethod('openai', 'create').error('rate_limited');
    const families = await scrape(registry);
    expect(
      sampleValue(families, 'fire_circle_adapter_errors_total', {
        adapter: 'openai',
        method: 'create',
        category: 'rate_limited',
      }),
    ).toBe(1);
  });

  it('names the metric when a FastHistogram with other labels holds the name', () => {
    const registry = new Registry();
    new FastHistogram({
      name: 'fire_circle_adapter_call_duration_seconds',
      help: 'x',
      labelNames: ['adapter'],
      buckets: [1],
      registers: [registry],
    });
    expect(() => new InfrastructureMetrics({ registry })).toThrow(
      /"fire_circle_adapter_call_duration_seconds".*histogram with labels \[adapter\].*needs a histogram with labels \[adapter, method, outcome\]/,
    );
    expect(registry.getMetricsAsArray()).toHaveLength(1);
  });

  it('names the metric when one of another type is already registered, and registers nothing', () => {
    const registry = new Registry();
    new Gauge({ name: 'fire_circle_adapter_up', help: 'x', labelNames: ['adapter'], registers: [registry] });
    new Gauge({
      name: 'fire_circle_voice_stability',
      help: 'x',
      labelNames: ['adapter'],
      registers: [registry],
    });
    expect(
      () => new Counter({ name: 'fire_circle_adapter_retries_total', help: 'x', registers: [registry] }),
    ).not.toThrow();
    const create = () => new InfrastructureMetrics({ registry });
    expect(create).toThrow(MetricConflictError);
    expect(create).toThrow(
      /"fire_circle_adapter_retries_total".*counter with labels \[\].*adapter, method, category/,
    );
    expect(registry.getMetricsAsArray()).toHaveLength(3);
  });

  it('reports a conflicting type by name', () => {
    const registry = new Registry();
    new Gauge({
      name: 'fire_circle_adapter_calls_total',
      help: 'x',
      labelNames: ['adapter'],
      registers: [registry],
    });
    expect(() => new InfrastructureMetrics({ registry })).toThrow(
      /Metric "fire_circle_adapter_calls_total" is already registered as a gauge.*needs a counter/,
    );
  });

  it("caps method labels per adapter and counts the overflow as 'other'", async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry, maxMethodsPerAdapter: 3 });
    for (const method of ['m0', 'm1', 'm2', 'm3', 'm4'])
      metrics.forMethod('openai', method).call('success', 1);
    metrics.forMethod('google', 'g0').call('success', 1);
    expect(metrics.forMethod('openai', 'm4').method).toBe('other');
    const calls = (await scrape(registry)).get('fire_circle_adapter_calls_total');
    const openaiMethods = new Set(
      calls?.samples.filter((s) => s.labels.adapter === 'openai').map((s) => s.labels.method),
    );
    expect([...openaiMethods].sort()).toEqual(['m0', 'm1', 'm2', 'other']);
    const families = await scrape(registry);
    expect(
      sampleValue(families, 'fire_circle_adapter_calls_total', { method: 'other', outcome: 'success' }),
    ).toBe(2);
    expect(
      sampleValue(families, 'fire_circle_adapter_calls_total', { adapter: 'google', outcome: 'failure' }),
    ).toBe(0);
  });

  it('holds the method cap across instances sharing a registry', () => {
    const registry = new Registry();
    const a = new InfrastructureMetrics({ registry, maxMethodsPerAdapter: 2 });
    const b = new InfrastructureMetrics({ registry, maxMethodsPerAdapter: 2 });
    a.forMethod('x', 'm0');
    b.forMethod('x', 'm1');
    expect(a.forMethod('x', 'm2').method).toBe('other');
    expect(b.forMethod('x', 'm0').method).toBe('m0');
  });

  it('caches method and adapter series', () => {
    const metrics = new InfrastructureMetrics({ registry: new Registry() });
    expect(metrics.forMethod('a', 'm')).toBe(metrics.forMethod('a', 'm'));
    expect(metrics.forAdapter('a')).toBe(metrics.forAdapter('a'));
  });

  it('bounds and cleans adapter and method label values', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    const long = 'x'.repeat(200);
    expect(metrics.forMethod(long, 'send\nMessage').adapter).toBe('x'.repeat(64));
    expect(metrics.forMethod(long, 'send\nMessage').method).toBe('send_Message');
    expect(metrics.forAdapter('').adapter).toBe('unknown');
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_up', { adapter: 'x'.repeat(64) })).toBe(1);
  });

  it('initialises an adapter as closed, up and neutral', async () => {
    const registry = new Registry();
    new InfrastructureMetrics({ registry }).forAdapter('mistral');
    const families = await scrape(registry);
    const adapter = { adapter: 'mistral' };
    expect(sampleValue(families, 'fire_circle_circuit_state', { ...adapter, state: 'closed' })).toBe(1);
    expect(sampleValue(families, 'fire_circle_circuit_state', { ...adapter, state: 'open' })).toBe(0);
    expect(sampleValue(families, 'fire_circle_circuit_state', { ...adapter, state: 'half_open' })).toBe(0);
    expect(sampleValue(families, 'fire_circle_adapter_up', adapter)).toBe(1);
    expect(sampleValue(families, 'fire_circle_adapter_consecutive_failures', adapter)).toBe(0);
    expect(sampleValue(families, 'fire_circle_consciousness_coherence', adapter)).toBe(1);
    expect(sampleValue(families, 'fire_circle_predicted_failure_probability', adapter)).toBe(0);
    expect(sampleValue(families, 'fire_circle_circuit_transitions_total', { ...adapter, to: 'open' })).toBe(
      0,
    );
  });

  it('creates pattern and healing counters at zero with the adapter, so rate() sees the first event', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    metrics.forMethod('mistral', 'sendMessage');
    // DESIGN §6 and §8, written out here so a drift in the source enums fails this test.
    const types = ['degradation', 'api_change', 'resonance', 'recovery'];
    const actions = ['retry_strategy', 'fallback', 'config_update', 'api_adaptation', 'reconnect'];
    const results = ['success', 'failure'];
    let families = await scrape(registry);
    for (const type of types) {
      const labels = { type, adapter: 'mistral' };
      expect(sampleValue(families, 'fire_circle_patterns_detected_total', labels), type).toBe(0);
    }
    for (const action of actions) {
      for (const result of results) {
        const labels = { adapter: 'mistral', action, result };
        expect(sampleValue(families, 'fire_circle_healing_actions_total', labels), action).toBe(0);
      }
    }
    expect(families.get('fire_circle_patterns_detected_total')?.samples).toHaveLength(types.length);
    expect(families.get('fire_circle_healing_actions_total')?.samples).toHaveLength(actions.length * 2);

    metrics.patternDetected('resonance', 'mistral');
    metrics.healingAction('mistral', 'reconnect', 'failure');
    new InfrastructureMetrics({ registry }).forAdapter('mistral'); // a second instance zeroes nothing
    families = await scrape(registry);
    const detected = { type: 'resonance', adapter: 'mistral' };
    expect(sampleValue(families, 'fire_circle_patterns_detected_total', detected)).toBe(1);
    const healed = { adapter: 'mistral', action: 'reconnect', result: 'failure' };
    expect(sampleValue(families, 'fire_circle_healing_actions_total', healed)).toBe(1);
    const other = { adapter: 'mistral', action: 'reconnect', result: 'success' };
    expect(sampleValue(families, 'fire_circle_healing_actions_total', other)).toBe(0);
  });

  it('flips exactly one circuit state series to 1', async () => {
    const registry = new Registry();
    const adapter = new InfrastructureMetrics({ registry }).forAdapter('grok');
    for (const state of ['open', 'half_open', 'closed', 'open'] as const) {
      adapter.setCircuitState(state);
      const family = (await scrape(registry)).get('fire_circle_circuit_state');
      const ones = family?.samples.filter((s) => s.value === 1).map((s) => s.labels.state);
      expect(ones).toEqual([state]);
      expect(family?.samples).toHaveLength(3);
    }
  });

  it('counts transitions and moves the state with them', async () => {
    const registry = new Registry();
    const adapter = new InfrastructureMetrics({ registry }).forAdapter('grok');
    adapter.transition('open');
    adapter.transition('half_open');
    adapter.transition('open');
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_circuit_transitions_total', { to: 'open' })).toBe(2);
    expect(sampleValue(families, 'fire_circle_circuit_transitions_total', { to: 'half_open' })).toBe(1);
    expect(sampleValue(families, 'fire_circle_circuit_state', { state: 'open' })).toBe(1);
  });

  it('mirrors a health signature into the gauges', async () => {
    const registry = new Registry();
    const adapter = new InfrastructureMetrics({ registry }).forAdapter('anthropic');
    adapter.applySignature(signature({ consecutiveFailures: 3 }));
    let families = await scrape(registry);
    const labels = { adapter: 'anthropic' };
    expect(sampleValue(families, 'fire_circle_adapter_up', labels)).toBe(1);
    expect(sampleValue(families, 'fire_circle_adapter_consecutive_failures', labels)).toBe(3);
    expect(sampleValue(families, 'fire_circle_adapter_response_time_p95_seconds', labels)).toBe(2.5);
    expect(sampleValue(families, 'fire_circle_consciousness_coherence', labels)).toBe(0.9);
    expect(sampleValue(families, 'fire_circle_voice_stability', labels)).toBe(0.8);
    expect(sampleValue(families, 'fire_circle_predicted_failure_probability', labels)).toBe(0.1);
    adapter.applySignature(signature({ circuitState: 'open' }));
    families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_up', labels)).toBe(0);
    adapter.applySignature(signature({ isConnected: false }));
    families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_up', labels)).toBe(0);
  });

  it('keeps counting in its bound cells after the registry is reset', async () => {
    const registry = new Registry();
    const m = new InfrastructureMetrics({ registry }).forMethod('a', 'm');
    m.call('success', 1);
    registry.resetMetrics();
    m.call('success', 2);
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'success' })).toBe(1);
    expect(
      sampleValue(families, 'fire_circle_adapter_call_duration_seconds_sum', { outcome: 'success' }),
    ).toBe(2);
  });

  it('runs onCollect hooks once per scrape, before the values are read', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    let runs = 0;
    const remove = metrics.onCollect(() => {
      runs += 1;
      metrics.setConsciousnessScore(runs / 10);
    });
    let families = await scrape(registry);
    expect(runs).toBe(1);
    expect(sampleValue(families, 'fire_circle_infrastructure_consciousness_score')).toBe(0.1);
    await registry.getMetricsAsJSON();
    expect(runs).toBe(2);
    remove();
    families = await scrape(registry);
    expect(runs).toBe(2);
    expect(sampleValue(families, 'fire_circle_infrastructure_consciousness_score')).toBe(0.2);
  });

  it('keeps scraping when an onCollect hook throws', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    metrics.onCollect(() => {
      throw new Error('boom');
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await expect(registry.metrics()).resolves.toContain('fire_circle_adapter_up');
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.some((w) => w.includes('boom'))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('never throws on bad input from untyped callers', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    const m = metrics.forMethod('a', 'm');
    expect(() => {
      m.call('success', Number.NaN);
      m.call('success', -1);
      m.call('success', Infinity);
      m.call('bogus' as never, 1);
      m.error('not-a-category' as never);
      m.fallback('bogus' as never, 'x');
      m.firstChunk(Number.NaN);
      metrics.setConsciousnessScore(Number.NaN);
      metrics.healingAction('a', 'reconnect', 'maybe' as never);
      metrics.forAdapter('a').setCircuitState('ajar' as never);
      metrics.forAdapter('a').applySignature(signature({ voiceStability: Number.NaN }));
    }).not.toThrow();
    const families = await scrape(registry);
    expect(sampleValue(families, 'fire_circle_adapter_calls_total', { outcome: 'success' })).toBe(3);
    expect(
      sampleValue(families, 'fire_circle_adapter_call_duration_seconds_sum', { outcome: 'success' }),
    ).toBe(0);
    expect(sampleValue(families, 'fire_circle_adapter_errors_total', { category: 'unknown' })).toBe(1);
    // The NaN stability was skipped (the initial 1 stays); the other fields were applied.
    expect(sampleValue(families, 'fire_circle_voice_stability', { adapter: 'a' })).toBe(1);
    expect(sampleValue(families, 'fire_circle_consciousness_coherence', { adapter: 'a' })).toBe(0.9);
    expect(sampleValue(families, 'fire_circle_circuit_state', { state: 'closed' })).toBe(1);
  });

  it('rejects bad options with the option path', () => {
    expect(() => new InfrastructureMetrics({ prefix: '1bad' })).toThrow(
      /InfrastructureMetrics: invalid options\.prefix/,
    );
    expect(() => new InfrastructureMetrics({ maxMethodsPerAdapter: 0 })).toThrow(
      /options\.maxMethodsPerAdapter/,
    );
    expect(() => new InfrastructureMetrics({ registry: {} as Registry })).toThrow(/options\.registry/);
    expect(() => new InfrastructureMetrics({ prefx: 'x' } as never)).toThrow(/prefx/);
  });
});

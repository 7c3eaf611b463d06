import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/firecircle/adapters/createAdapter.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { recordGenAiMetrics } from '../../src/otel/recordGenAiMetrics.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { OPENAI_PARAMS, openaiClient, scenarioWith } from '../lab/labClients.js';
import { userMessage } from '../firecircle/adapters/emulatorVoices.js';
import { freshInfrastructure } from '../support/fixtures.js';

let emulator: ProviderEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A real SDK meter provider whose reader exports into memory on demand. */
function otel(): { provider: MeterProvider; collect: () => Promise<Map<string, MetricData>> } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      await reader.forceFlush();
      const found = new Map<string, MetricData>();
      for (const resource of exporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) found.set(metric.descriptor.name, metric);
        }
      }
      return found;
    },
  };
}

function points(metric: MetricData | undefined): HistogramMetricData['dataPoints'] {
  return (metric as HistogramMetricData | undefined)?.dataPoints ?? [];
}

describe('recordGenAiMetrics: OpenTelemetry GenAI semantic-convention metrics', () => {
  it('records duration and token usage of SDK calls with the standard attributes', async () => {
    emulator = await startProviderEmulator();
    const { infrastructure } = freshInfrastructure();
    const { provider, collect } = otel();
    const bridge = await recordGenAiMetrics(infrastructure, { meterProvider: provider });
    const client = withConsciousness(openaiClient(emulator), { infrastructure, name: 'openai' });
    const completion = await client.chat.completions.create(OPENAI_PARAMS);

    const metrics = await collect();
    const duration = metrics.get('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const [call] = points(duration);
    expect(call?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'lab-gpt',
      'gen_ai.response.model': 'lab-gpt',
    });
    expect(call?.value.count).toBe(1);
    expect(call?.value.sum).toBeGreaterThan(0);

    const usage = metrics.get('gen_ai.client.token.usage');
    expect(usage?.descriptor.unit).toBe('{token}');
    const byType = new Map(points(usage).map((p) => [p.attributes['gen_ai.token.type'], p]));
    expect(byType.get('input')?.value.sum).toBe(completion.usage!.prompt_tokens);
    expect(byType.get('output')?.value.sum).toBe(completion.usage!.completion_tokens);
    expect(byType.get('input')?.attributes['gen_ai.request.model']).toBe('lab-gpt');

    bridge.stop();
    await client.chat.completions.create(OPENAI_PARAMS);
    expect(points((await collect()).get('gen_ai.client.operation.duration'))[0]?.value.count).toBe(1);
    await provider.shutdown();
  });

  it('sets error.type to the error category of a failed operation, and records no tokens for it', async () => {
    emulator = await startProviderEmulator({
      scenario: scenarioWith({ kind: 'status', code: 400, rate: 1 }),
    });
    const { infrastructure } = freshInfrastructure();
    const { provider, collect } = otel();
    await recordGenAiMetrics(infrastructure, { meterProvider: provider });
    const client = withConsciousness(openaiClient(emulator), { infrastructure, name: 'openai' });
    await expect(client.chat.completions.create(OPENAI_PARAMS)).rejects.toThrow();
    const metrics = await collect();
    const [failed] = points(metrics.get('gen_ai.client.operation.duration'));
    expect(failed?.attributes['error.type']).toBe('bad_request');
    expect(failed?.attributes['gen_ai.provider.name']).toBe('openai');
    expect(points(metrics.get('gen_ai.client.token.usage'))).toHaveLength(0);
    await provider.shutdown();
  });

  it('records streams of the reference adapters under their provider (grok as x_ai)', async () => {
    emulator = await startProviderEmulator();
    const { infrastructure } = freshInfrastructure();
    const { provider, collect } = otel();
    await recordGenAiMetrics(infrastructure, { meter: provider.getMeter('test') });
    const grok = withConsciousness(
      createAdapter('grok', {
        apiKey: 'xai-lab-0000',
        baseURL: emulator.openaiBaseURL,
        model: 'lab-grok',
        sdkMaxRetries: 0,
      }),
      { infrastructure },
    );
    for await (const delta of grok.streamMessage(userMessage())) void delta;
    const metrics = await collect();
    const [stream] = points(metrics.get('gen_ai.client.operation.duration'));
    expect(stream?.attributes['gen_ai.provider.name']).toBe('x_ai');
    expect(stream?.attributes['gen_ai.request.model']).toBe('lab-grok');
    const output = points(metrics.get('gen_ai.client.token.usage')).find(
      (p) => p.attributes['gen_ai.token.type'] === 'output',
    );
    expect(output?.value.sum).toBeGreaterThan(0);
    await provider.shutdown();
  });
});

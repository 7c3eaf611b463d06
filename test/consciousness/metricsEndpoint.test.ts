import { afterEach, describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { startMetricsServer, type MetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { freshInfrastructure, message } from '../support/fixtures.js';

/** The DESIGN §8 contract: name → type and label names. */
const DESIGN_METRICS: Record<string, { type: string; labels: string[] }> = {
  fire_circle_adapter_calls_total: { type: 'counter', labels: ['adapter', 'method', 'outcome'] },
  fire_circle_adapter_call_duration_seconds: { type: 'histogram', labels: ['adapter', 'method', 'outcome'] },
  fire_circle_adapter_errors_total: { type: 'counter', labels: ['adapter', 'method', 'category'] },
  fire_circle_adapter_retries_total: { type: 'counter', labels: ['adapter', 'method', 'category'] },
  fire_circle_adapter_fallbacks_total: {
    type: 'counter',
    labels: ['adapter', 'method', 'kind', 'target', 'model'],
  },
  fire_circle_stream_first_chunk_seconds: { type: 'histogram', labels: ['adapter', 'method'] },
  fire_circle_circuit_state: { type: 'gauge', labels: ['adapter', 'state'] },
  fire_circle_circuit_transitions_total: { type: 'counter', labels: ['adapter', 'to'] },
  fire_circle_adapter_up: { type: 'gauge', labels: ['adapter'] },
  fire_circle_adapter_consecutive_failures: { type: 'gauge', labels: ['adapter'] },
  fire_circle_adapter_response_time_p95_seconds: { type: 'gauge', labels: ['adapter'] },
  fire_circle_consciousness_coherence: { type: 'gauge', labels: ['adapter'] },
  fire_circle_voice_stability: { type: 'gauge', labels: ['adapter'] },
  fire_circle_predicted_failure_probability: { type: 'gauge', labels: ['adapter'] },
  fire_circle_patterns_detected_total: { type: 'counter', labels: ['type', 'adapter'] },
  fire_circle_pattern_active: { type: 'gauge', labels: ['type', 'adapter'] },
  fire_circle_healing_actions_total: { type: 'counter', labels: ['adapter', 'action', 'result'] },
  fire_circle_infrastructure_consciousness_score: { type: 'gauge', labels: [] },
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition back into TYPE declarations and samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /metrics and /health over a wrapped Fire Circle', () => {
  it('exposes every DESIGN §8 metric with its type and labels, and counts the calls made', async () => {
    const { infrastructure } = freshInfrastructure();
    const backup = withConsciousness(
      {
        providerName: 'deepseek',
        // Only the snake_case spelling: reaching it is an alias healing action.
        send_message: async () => message('backup'),
        async *streamMessage(): AsyncGenerator<string> {
          yield 'chunk';
        },
      },
      { infrastructure },
    );
    let failures = 1;
    const primary = withConsciousness(
      {
        providerName: 'openai',
        async sendMessage(_m?: unknown): Promise<unknown> {
          if (failures-- > 0) throw Object.assign(new Error('boom'), { status: 500 });
          throw Object.assign(new Error('bad key'), { status: 401 });
        },
      },
      { infrastructure, fallbacks: [backup], retry: { initialDelayMs: 1, maxDelayMs: 2 } },
    );
    await primary.sendMessage(message()); // 500, retry, 401 (opens at once), served by deepseek
    for await (const _ of backup.streamMessage()) void _;
    server = await startMetricsServer({ port: 0, infrastructure });

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const { types, samples } = parseExposition(await res.text());
    for (const [name, contract] of Object.entries(DESIGN_METRICS)) {
      expect(types.get(name), name).toBe(contract.type);
      const series = samples.filter((s) => s.name === name || s.name.startsWith(`${name}_`));
      // Pattern families get series when a pattern is first detected; everything else is live now.
      if (!name.includes('pattern'))
        expect(series.length, `${name} has at least one series`).toBeGreaterThan(0);
      for (const s of series) {
        const labels = Object.keys(s.labels).filter((l) => l !== 'le');
        expect(labels.sort(), `${name} labels`).toEqual([...contract.labels].sort());
      }
    }
    const value = (name: string, labels: Record<string, string>): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(
      value('fire_circle_adapter_calls_total', {
        adapter: 'openai',
        method: 'sendMessage',
        outcome: 'fallback',
      }),
    ).toBe(1);
    expect(value('fire_circle_adapter_retries_total', { adapter: 'openai', category: 'server_error' })).toBe(
      1,
    );
    expect(value('fire_circle_adapter_errors_total', { adapter: 'openai', category: 'auth' })).toBe(1);
    expect(value('fire_circle_circuit_state', { adapter: 'openai', state: 'open' })).toBe(1);
    expect(value('fire_circle_circuit_state', { adapter: 'openai', state: 'closed' })).toBe(0);
    expect(value('fire_circle_adapter_up', { adapter: 'openai' })).toBe(0);
    expect(value('fire_circle_adapter_up', { adapter: 'deepseek' })).toBe(1);
    expect(value('fire_circle_adapter_consecutive_failures', { adapter: 'openai' })).toBe(2);
    expect(
      value('fire_circle_stream_first_chunk_seconds_count', { adapter: 'deepseek', method: 'streamMessage' }),
    ).toBe(1);
    expect(
      value('fire_circle_adapter_fallbacks_total', {
        adapter: 'openai',
        kind: 'adapter',
        target: 'deepseek',
      }),
    ).toBe(1);

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503); // openai's circuit is open
    const body = (await health.json()) as { adapters: { adapterId: string; status: string }[] };
    expect(body.adapters.map((a) => [a.adapterId, a.status]).sort()).toEqual([
      ['deepseek', 'degraded'], // its alias resolution was a recorded api_method_missing
      ['openai', 'disconnected'],
    ]);
  });

  it('serves the consciousness report as JSON and as the text dashboard', async () => {
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(
      { providerName: 'anthropic', sendMessage: async (_m?: unknown) => message('ok') },
      { infrastructure },
    );
    for (let i = 0; i < 3; i++) await voice.sendMessage(message());
    server = await startMetricsServer({ port: 0, infrastructure });
    const json = (await (await fetch(`${server.url}/report`)).json()) as {
      infrastructureHealth: Record<string, { status: string }>;
    };
    expect(json.infrastructureHealth.anthropic?.status).toBe('healthy');
    const text = await (await fetch(`${server.url}/report?format=text`)).text();
    expect(text).toContain('Infrastructure Health');
    expect(text).toContain('anthropic');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { anthropicErrorType } from '../../src/lab/anthropicWire.js';
import { openaiErrorKind } from '../../src/lab/openaiWire.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import { ANTHROPIC_PARAMS, OPENAI_PARAMS, scenarioWith } from './labClients.js';

let emulator: ProviderEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function post(path: string, body: unknown, scenario?: ScenarioInput): Promise<Response> {
  emulator = await startProviderEmulator(scenario === undefined ? {} : { scenario });
  return fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('raw wire formats', () => {
  it('OpenAI SSE: data-only frames, a role chunk first, a finish chunk, then data: [DONE]', async () => {
    const res = await post('/v1/chat/completions', { ...OPENAI_PARAMS, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await res.text()).split('\n\n').filter((f) => f !== '');
    expect(frames.every((f) => f.startsWith('data: '))).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames
      .slice(0, -1)
      .map((f) => JSON.parse(f.slice('data: '.length)) as Record<string, any>);
    expect(chunks[0]?.choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('Anthropic SSE: named events from message_start to message_stop, with a ping', async () => {
    const res = await post('/v1/messages', { ...ANTHROPIC_PARAMS, stream: true });
    const frames = (await res.text()).split('\n\n').filter((f) => f !== '');
    const events = frames.map((f) => /^event: (\w+)\ndata: /.exec(f)?.[1]);
    expect(events.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(events.filter((e) => e === 'content_block_delta').length).toBeGreaterThan(3);
    for (const frame of frames) {
      const [, name, data] = /^event: (\w+)\ndata: (.*)$/s.exec(frame) ?? [];
      expect((JSON.parse(data ?? '') as { type: string }).type).toBe(name);
    }
  });

  it('OpenAI error body: {error: {message, type, code, param}} with x-request-id', async () => {
    const res = await post(
      '/v1/chat/completions',
      OPENAI_PARAMS,
      scenarioWith({ kind: 'status', code: 429 }),
    );
    expect(res.status).toBe(429);
    expect(res.headers.get('x-request-id')).toMatch(/^req_lab/);
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(await res.json()).toEqual({
      error: { message: expect.any(String), type: 'requests', code: 'rate_limit_exceeded', param: null },
    });
  });

  it("Anthropic error body: {type: 'error', error: {type, message}, request_id}", async () => {
    const res = await post(
      '/v1/messages',
      ANTHROPIC_PARAMS,
      scenarioWith({ kind: 'status', code: 529, message: 'Overloaded right now' }),
    );
    expect(res.status).toBe(529);
    const requestId = res.headers.get('request-id');
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded right now' },
      request_id: requestId,
    });
  });

  it('maps statuses to each provider’s error types', () => {
    expect([400, 401, 403, 404, 413, 429, 500, 503, 504, 529].map(anthropicErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'rate_limit_error',
      'api_error',
      'api_error',
      'timeout_error',
      'overloaded_error',
    ]);
    expect(openaiErrorKind(401)).toEqual({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(openaiErrorKind(503)).toEqual({ type: 'server_error', code: null });
  });

  it('answers an unparseable body with 400 in the provider format', async () => {
    emulator = await startProviderEmulator();
    const res = await fetch(`${emulator.url}/v1/messages`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(emulator.stats().history[0]).toMatchObject({ route: 'anthropic', status: 400, fault: undefined });
  });

  it('faults model listings too (health probes see outages), but never with schema changes', async () => {
    emulator = await startProviderEmulator({ scenario: scenarioWith({ kind: 'status', code: 503 }) });
    expect((await fetch(`${emulator.openaiBaseURL}/models`)).status).toBe(503);
    emulator.setScenario(scenarioWith({ kind: 'schema_change', change: 'null_content' }));
    const res = await fetch(`${emulator.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(await res.json()).toMatchObject({ has_more: false, data: [{ type: 'model' }, { type: 'model' }] });
  });
});

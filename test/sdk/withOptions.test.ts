import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { failureOf } from '../../src/index.js';
import {
  CHAT,
  CHAT_PARAMS,
  HANG,
  MESSAGES,
  MESSAGE_PARAMS,
  SERVER_ERROR,
  callsCounted,
  closeLabs,
  metricSum,
  rejectionOf,
  startLab,
  wrap,
} from './sdkLab.js';

afterEach(closeLabs);

describe('client.withOptions() on a wrapped client', () => {
  it('openai: returns a client of the same kind, configured, still answering', async () => {
    const lab = await startLab();
    const { wrapped } = wrap(lab.openai());
    const derived = wrapped.withOptions({ timeout: 4_321 });
    expect(derived).toBeInstanceOf(OpenAI);
    expect(derived.timeout).toBe(4_321);
    expect(derived).not.toBe(wrapped);
    const completion = await derived.chat.completions.create(CHAT_PARAMS);
    expect(completion.choices[0]?.message.content).toEqual(expect.any(String));
  });

  it('openai: the derived client is protected and reports as the same voice; withOptions is not a call', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped, registry } = wrap(lab.openai());
    const err = await rejectionOf(
      wrapped.withOptions({ timeout: 5_000 }).chat.completions.create(CHAT_PARAMS),
    );
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failureOf(err)).toMatchObject({ adapter: 'sdk', method: 'chat.completions.create', attempts: 3 });
    expect(await lab.count(CHAT)).toBe(3);
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
    expect(await metricSum(registry, 'fire_circle_adapter_calls_total', { method: 'withOptions' })).toBe(0);
  });

  it("openai: the derived client's own maxRetries sets the wrapper's attempts", async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped } = wrap(lab.openai());
    const err = await rejectionOf(
      wrapped.withOptions({ maxRetries: 0 }).chat.completions.create(CHAT_PARAMS),
    );
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(await lab.count(CHAT)).toBe(1);
  });

  it("openai: the derived client's timeout still ends a hanging request, as a classified failure", async () => {
    const lab = await startLab({ faults: [HANG] });
    const { wrapped } = wrap(lab.openai());
    // 1 s, not less: on a loaded machine a shorter timeout can end the request before the
    // emulator has read it, and then there is no exchange to look at.
    const err = await rejectionOf(
      wrapped.withOptions({ timeout: 1_000, maxRetries: 0 }).chat.completions.create(CHAT_PARAMS),
    );
    expect(failureOf(err)?.category).toBe('timeout');
    expect(failureOf(err)?.adapter).toBe('sdk');
    const [exchange] = await lab.exchanges(CHAT);
    expect(exchange?.closedByClient).toBe(true);
  });

  it('anthropic: returns a wrapped client of the same kind reporting as the same voice', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped, registry } = wrap(lab.anthropic());
    const derived = wrapped.withOptions({ timeout: 4_321 });
    expect(derived).toBeInstanceOf(Anthropic);
    expect(derived.timeout).toBe(4_321);
    const err = await rejectionOf(derived.messages.create(MESSAGE_PARAMS));
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(failureOf(err)).toMatchObject({ adapter: 'sdk', method: 'messages.create', attempts: 3 });
    expect(await lab.count(MESSAGES)).toBe(3);
    expect(await callsCounted(registry, 'messages.create')).toBe(1);
    expect(await metricSum(registry, 'fire_circle_adapter_calls_total', { method: 'withOptions' })).toBe(0);
  });
});

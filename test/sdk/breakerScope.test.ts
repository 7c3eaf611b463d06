import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../../src/index.js';
import {
  CHAT,
  CHAT_PARAMS,
  COUNT_TOKENS,
  EMBEDDINGS,
  MESSAGES,
  MESSAGE_PARAMS,
  RESPONSES,
  closeLabs,
  rejectionOf,
  startLab,
  wrap,
} from './sdkLab.js';

afterEach(closeLabs);

// One model is down: every request naming it gets a 500; every other model and endpoint answers.
const BAD_MODEL_DOWN = {
  phases: [
    { atMs: 0, model: 'lab-bad', faults: [{ kind: 'status' as const, code: 500, rate: 1, retryAfterMs: 1 }] },
  ],
};
const QUICK_BREAKER = {
  retry: { maxAttempts: 1 },
  breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 },
};

describe('breaker scope: per operation and model, not per client', () => {
  it('openai: a failing chat model opens its own breaker; embeddings, another model and responses go on', async () => {
    const lab = await startLab({ base: BAD_MODEL_DOWN });
    const { wrapped, infrastructure } = wrap(lab.openai(), QUICK_BREAKER);
    const bad = { ...CHAT_PARAMS, model: 'lab-bad' };
    for (let i = 0; i < 2; i++) {
      expect(await rejectionOf(wrapped.chat.completions.create(bad))).toBeInstanceOf(
        OpenAI.InternalServerError,
      );
    }
    const sent = await lab.count(CHAT);
    expect(await rejectionOf(wrapped.chat.completions.create(bad))).toBeInstanceOf(CircuitOpenError);
    expect(await lab.count(CHAT)).toBe(sent);

    const embedding = await wrapped.embeddings.create({ model: 'lab-embed', input: 'still here' });
    expect(embedding.data).toHaveLength(1);
    const other = await wrapped.chat.completions.create(CHAT_PARAMS);
    expect(other.model).toBe('lab-gpt');
    const response = await wrapped.responses.create({ model: 'lab-gpt', input: 'hi' });
    expect(response.status).toBe('completed');
    expect(await lab.count(EMBEDDINGS)).toBe(1);
    expect(await lab.count(CHAT)).toBe(sent + 1);
    expect(await lab.count(RESPONSES)).toBe(1);
    // Health still aggregates per voice: one signature counting every method.
    const signature = infrastructure.getHealthSignature('sdk');
    expect(signature?.totalCalls).toBeGreaterThanOrEqual(sent + 3);
  });

  it('anthropic: a failing model opens its own breaker; count_tokens and another model go on', async () => {
    const lab = await startLab({ base: BAD_MODEL_DOWN });
    const { wrapped } = wrap(lab.anthropic(), QUICK_BREAKER);
    const bad = { ...MESSAGE_PARAMS, model: 'lab-bad' };
    for (let i = 0; i < 2; i++) {
      expect(await rejectionOf(wrapped.messages.create(bad))).toBeInstanceOf(Anthropic.InternalServerError);
    }
    expect(await rejectionOf(wrapped.messages.create(bad))).toBeInstanceOf(CircuitOpenError);
    const { max_tokens: _unused, ...countParams } = MESSAGE_PARAMS;
    expect((await wrapped.messages.countTokens(countParams)).input_tokens).toBeGreaterThan(0);
    expect((await wrapped.messages.create(MESSAGE_PARAMS)).model).toBe('lab-claude');
    expect(await lab.count(COUNT_TOKENS)).toBe(1);
    expect((await lab.exchanges(MESSAGES)).at(-1)?.status).toBe(200);
  });

  it('the same model on another operation has its own breaker', async () => {
    const lab = await startLab({
      base: {
        phases: [
          { atMs: 0, model: 'lab-gpt', faults: [{ kind: 'status', code: 500, rate: 1, retryAfterMs: 1 }] },
        ],
      },
    });
    const { wrapped } = wrap(lab.openai(), QUICK_BREAKER);
    for (let i = 0; i < 2; i++) await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS))).toBeInstanceOf(CircuitOpenError);
    // responses.create on the same model is tried (and fails upstream), not refused by chat's breaker.
    expect(await rejectionOf(wrapped.responses.create({ model: 'lab-gpt', input: 'hi' }))).toBeInstanceOf(
      OpenAI.InternalServerError,
    );
    expect(await lab.count(RESPONSES)).toBe(1);
  });
});

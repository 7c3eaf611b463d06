import { describe, expect, it } from 'vitest';
import { failureOf } from '../../../src/errors/failureOf.js';
import { ConsciousMessageSchema } from '../../../src/firecircle/ConsciousMessage.js';
import { AnthropicAdapter } from '../../../src/firecircle/adapters/AnthropicAdapter.js';
import { coherenceOf } from '../../../src/health/consciousnessSignals.js';
import { assistantText } from '../../../src/lab/assistantText.js';
import { withConsciousness } from '../../../src/wrap/withConsciousness.js';
import { freshInfrastructure, sampleValue } from '../../support/fixtures.js';
import {
  collect,
  faulty,
  HEALTHY,
  moduleNotFound,
  PROMPT,
  rejectionOf,
  SECRET_KEY,
  userMessage,
} from './emulatorVoices.js';
import { useLabVoices } from './labVoices.js';

const lab = useLabVoices();
const openaiVoice = lab.openai;

const fastRetry = { initialDelayMs: 1, maxDelayMs: 5 };

describe('reference adapters wrapped with withConsciousness', () => {
  it('work end to end and feed the voice their consciousness signatures', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(openaiVoice('openai'), { infrastructure });
    expect(await voice.connect()).toBe(true);
    const first = await voice.sendMessage(userMessage(), []);
    const second = await voice.sendMessage(userMessage('Perhaps we might integrate these views together?'), [
      first,
    ]);
    expect(ConsciousMessageSchema.safeParse(second).success).toBe(true);
    const deltas = await collect(voice.streamMessage(userMessage(), []));
    expect(deltas.join('')).toBe(assistantText(HEALTHY.seed, PROMPT));
    expect((await voice.checkHealth()).isConnected).toBe(true);

    const signature = infrastructure.getHealthSignature('openai')!;
    expect(signature).toMatchObject({ totalCalls: 5, totalFailures: 0, consecutiveFailures: 0 });
    const values = [first, second].map((m) => m.consciousness.consciousnessSignature);
    expect(values[0]).not.toBe(values[1]);
    expect(signature.consciousnessCoherence).toBeCloseTo(coherenceOf(values));
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'openai',
        method: 'sendMessage',
        outcome: 'success',
      }),
    ).toBe(2);
  });

  it('wraps the Anthropic adapter the same way', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(
      new AnthropicAdapter({
        apiKey: SECRET_KEY,
        baseURL: lab.emulator.anthropicBaseURL,
        model: 'lab-claude',
      }),
      { infrastructure },
    );
    const reply = await voice.sendMessage(userMessage(), []);
    expect(reply.sender).toBe('anthropic/lab-claude');
    expect((await collect(voice.streamMessage(userMessage(), []))).join('')).toBe(reply.content.text);
    expect(infrastructure.getHealthSignature('anthropic')).toMatchObject({ totalCalls: 2, totalFailures: 0 });
    expect(
      await sampleValue(registry, 'fire_circle_stream_first_chunk_seconds_count', { adapter: 'anthropic' }),
    ).toBe(1);
  });

  it('serves a voice whose SDK is missing from its fallback, recording import_failure', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const broken = openaiVoice('openai', { importSdk: () => Promise.reject(moduleNotFound('openai')) });
    const voice = withConsciousness(broken, {
      infrastructure,
      fallbacks: [openaiVoice('deepseek')],
      retry: fastRetry,
    });
    const reply = await voice.sendMessage(userMessage(), []);
    expect(reply.sender).toBe('deepseek/lab-gpt');
    expect(reply.content.text).toBe(assistantText(HEALTHY.seed, PROMPT));
    expect((await collect(voice.streamMessage(userMessage(), []))).join('')).toBe(reply.content.text);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'openai',
        method: 'sendMessage',
        category: 'import_failure',
      }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_fallbacks_total', {
        adapter: 'openai',
        method: 'sendMessage',
        kind: 'adapter',
        target: 'deepseek',
      }),
    ).toBe(1);
    expect(infrastructure.getHealthSignature('openai')!.errorPatterns.import_failure).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('serves an Anthropic voice without its SDK from an OpenAI-compatible fallback', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const broken = new AnthropicAdapter({
      apiKey: SECRET_KEY,
      baseURL: lab.emulator.anthropicBaseURL,
      importSdk: () => Promise.reject(moduleNotFound('@anthropic-ai/sdk')),
    });
    const voice = withConsciousness(broken, { infrastructure, fallbacks: [openaiVoice('deepseek')] });
    expect((await voice.sendMessage(userMessage(), [])).sender).toBe('deepseek/lab-gpt');
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'anthropic',
        category: 'import_failure',
      }),
    ).toBe(1);
  });

  it('silences a voice on a 401 without the API key in the error or the logs', async () => {
    lab.emulator.setScenario(
      faulty({ kind: 'status', code: 401, message: `Incorrect API key provided: ${SECRET_KEY}` }),
    );
    const { infrastructure, logLines } = freshInfrastructure();
    const voice = withConsciousness(openaiVoice('openai'), { infrastructure, retry: fastRetry });
    const err = await rejectionOf(voice.sendMessage(userMessage(), []));
    // The caller gets the SDK's own error, unchanged; our classification sits beside it.
    expect(failureOf(err)?.category).toBe('auth');
    expect((err as { status?: number }).status).toBe(401);
    expect(logLines().join('\n')).toContain('auth');
    expect(logLines().join('\n')).not.toContain(SECRET_KEY);
    expect(lab.emulator.stats().routes.openai.requests).toBeGreaterThan(0);
  });
});

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, expect } from 'vitest';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';

type FaultInput = ScenarioInput['phases'][number]['faults'][number];

/**
 * A starter of emulators for the calling test file (call it at the file's top level): each one it
 * starts, on `scenario` or healthy, is closed after its test.
 */
export function emulatorPerTest(): (scenario?: ScenarioInput) => Promise<ProviderEmulator> {
  const started: ProviderEmulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()));
  });
  return async (scenario) => {
    const emulator = await startProviderEmulator(scenario === undefined ? {} : { scenario });
    started.push(emulator);
    return emulator;
  };
}

/** The real openai client on the emulator, with the SDK's own retries off. */
export function openaiClient(emulator: ProviderEmulator, options: { timeout?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: emulator.openaiBaseURL,
    apiKey: 'sk-lab-test',
    maxRetries: 0,
    timeout: options.timeout ?? 5_000,
    logLevel: 'off',
  });
}

/** The real @anthropic-ai/sdk client on the emulator, with the SDK's own retries off. */
export function anthropicClient(emulator: ProviderEmulator, options: { timeout?: number } = {}): Anthropic {
  return new Anthropic({
    baseURL: emulator.anthropicBaseURL,
    apiKey: 'sk-ant-lab-test',
    maxRetries: 0,
    timeout: options.timeout ?? 5_000,
    logLevel: 'off',
  });
}

/** A scenario where `faults` are active from the start on every route and model. */
export function scenarioWith(...faults: FaultInput[]): ScenarioInput {
  return { name: 'test', seed: 42, phases: [{ atMs: 0, faults }] };
}

/** What the user asks in these tests. */
export const PROMPT = 'Hello circle, how are the voices today?';

/** Chat params for the openai client. */
export const OPENAI_PARAMS = { model: 'lab-gpt', messages: [{ role: 'user' as const, content: PROMPT }] };

/** Message params for the anthropic client. */
export const ANTHROPIC_PARAMS = {
  model: 'lab-claude',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: PROMPT }],
};

/** Awaits `promise` expecting a rejection; returns the error (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * What both SDKs' stream iterators throw when the connection is cut mid-body: undici's
 * `TypeError: terminated` caused by `UND_ERR_SOCKET` (other side closed), not an SDK error class.
 */
export function expectCutError(err: unknown): void {
  expect(err).toBeInstanceOf(TypeError);
  expect((err as Error).message).toBe('terminated');
  expect(((err as Error).cause as { code?: unknown } | undefined)?.code).toBe('UND_ERR_SOCKET');
}

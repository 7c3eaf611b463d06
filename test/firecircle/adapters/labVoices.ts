import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  AnthropicAdapter,
  type AnthropicAdapterOptions,
} from '../../../src/firecircle/adapters/AnthropicAdapter.js';
import {
  OpenAICompatibleAdapter,
  type OpenAICompatibleAdapterOptions,
} from '../../../src/firecircle/adapters/OpenAICompatibleAdapter.js';
import type { OpenAICompatibleProvider } from '../../../src/firecircle/adapters/OpenAICompatibleProviders.js';
import type { ProviderEmulator } from '../../../src/lab/ProviderEmulator.js';
import { HEALTHY, SECRET_KEY, startEmulator } from './emulatorVoices.js';

/** A test file's emulator and the reference adapters pointed at it with the test key. */
export interface LabVoices {
  /** The running emulator (started before the file's tests, back on HEALTHY after each). */
  readonly emulator: ProviderEmulator;
  /** An OpenAI-compatible voice on the emulator, model `lab-gpt`, with `options` on top. */
  openai(
    provider: OpenAICompatibleProvider,
    options?: Partial<OpenAICompatibleAdapterOptions>,
  ): OpenAICompatibleAdapter;
  /** An Anthropic voice on the emulator, model `lab-claude`, with `options` on top. */
  anthropic(options?: AnthropicAdapterOptions): AnthropicAdapter;
}

/** Starts one emulator for the calling test file (vitest hooks) and returns its voices. */
export function useLabVoices(): LabVoices {
  let started: ProviderEmulator | undefined;
  beforeAll(async () => {
    started = await startEmulator();
  });
  afterAll(() => started?.close());
  afterEach(() => started?.setScenario(HEALTHY));
  const running = (): ProviderEmulator => {
    if (started === undefined) throw new Error('the lab emulator starts in beforeAll');
    return started;
  };
  return {
    get emulator() {
      return running();
    },
    openai: (provider, options = {}) =>
      new OpenAICompatibleAdapter({
        provider,
        apiKey: SECRET_KEY,
        baseURL: running().openaiBaseURL,
        model: 'lab-gpt',
        timeoutMs: 5_000,
        ...options,
      }),
    anthropic: (options = {}) =>
      new AnthropicAdapter({
        apiKey: SECRET_KEY,
        baseURL: running().anthropicBaseURL,
        model: 'lab-claude',
        timeoutMs: 5_000,
        ...options,
      }),
  };
}

import type { ConsciousModelAdapter } from '../firecircle/ConsciousModelAdapter.js';
import { createAdapter, type FireCircleProvider } from '../firecircle/adapters/createAdapter.js';
import type { AdapterEnv } from '../firecircle/adapters/SdkAdapterOptions.js';
import type { ProviderEmulator } from '../lab/ProviderEmulator.js';

/** One voice of the demo's Fire Circle. */
export interface VoiceSpec {
  /** Voice name (metrics label, dashboard row): the provider's name. */
  readonly name: FireCircleProvider;
  /** Model asked on the emulator (the demo scenario scripts faults per model). */
  readonly model: string;
  /** The two voices that answer when this one cannot, in order. */
  readonly fallbacks: readonly [FireCircleProvider, FireCircleProvider];
  /** Environment variable whose presence lets `--real` talk to the real provider. */
  readonly realEnv: string;
}

/**
 * The six voices. Each falls back to the next two in this ring; the order interleaves the voices
 * the demo scenario fails together (deepseek, grok, mistral) with healthy ones, so every failing
 * voice has a healthy first fallback.
 */
export const FIRE_CIRCLE_VOICES: readonly VoiceSpec[] = Object.freeze([
  {
    name: 'anthropic',
    model: 'claude-demo',
    fallbacks: ['deepseek', 'openai'],
    realEnv: 'ANTHROPIC_API_KEY',
  },
  { name: 'deepseek', model: 'deepseek-demo', fallbacks: ['openai', 'grok'], realEnv: 'DEEPSEEK_API_KEY' },
  { name: 'openai', model: 'gpt-demo', fallbacks: ['grok', 'local'], realEnv: 'OPENAI_API_KEY' },
  { name: 'grok', model: 'grok-demo', fallbacks: ['local', 'mistral'], realEnv: 'XAI_API_KEY' },
  { name: 'local', model: 'local-demo', fallbacks: ['mistral', 'anthropic'], realEnv: 'LOCAL_BASE_URL' },
  {
    name: 'mistral',
    model: 'mistral-demo',
    fallbacks: ['anthropic', 'deepseek'],
    realEnv: 'MISTRAL_API_KEY',
  },
]);

/** A voice's adapter and where it talks to. */
export interface VoiceAdapter {
  /** The unwrapped reference adapter. */
  readonly adapter: ConsciousModelAdapter;
  /** `emulator`, or `real` for a provider reached with keys from the environment. */
  readonly mode: 'emulator' | 'real';
  /** The model id asked (`default` for a real provider's default model). */
  readonly model: string;
}

/** Voices `--real` can use: those whose key (or, for local, base URL) is set in `env`. */
export function realVoices(env: AdapterEnv): VoiceSpec[] {
  return FIRE_CIRCLE_VOICES.filter((v) => (env[v.realEnv] ?? '') !== '');
}

// Short replies keep a real run cheap; the context window keeps prompts bounded.
const REAL_MAX_TOKENS = 120;
const MAX_CONTEXT_MESSAGES = 4;
const SYSTEM_PROMPT =
  'You are one voice in a Fire Circle, a dialogue of several AI models. Answer the last message in two sentences.';

/**
 * Builds a voice's reference adapter over the official SDK: pointed at the emulator with a dummy
 * key, or, when `real` is set, at the real provider with the key and base URL read from `env`.
 */
export function createVoiceAdapter(
  spec: VoiceSpec,
  target: { readonly emulator: ProviderEmulator } | { readonly real: AdapterEnv },
  sdkTimeoutMs: number,
): VoiceAdapter {
  const common = {
    maxContextMessages: MAX_CONTEXT_MESSAGES,
    systemPrompt: SYSTEM_PROMPT,
    timeoutMs: sdkTimeoutMs,
  };
  if ('real' in target) {
    const adapter = createAdapter(spec.name, { ...common, env: target.real, maxTokens: REAL_MAX_TOKENS });
    return { adapter, mode: 'real', model: adapterModel(adapter) };
  }
  const { emulator } = target;
  const baseURL = spec.name === 'anthropic' ? emulator.anthropicBaseURL : emulator.openaiBaseURL;
  const adapter = createAdapter(spec.name, {
    ...common,
    baseURL,
    apiKey: 'demo-key',
    model: spec.model,
    // The host's provider variables (organization, project) must not reach the emulator.
    env: {},
  });
  return { adapter, mode: 'emulator', model: spec.model };
}

function adapterModel(adapter: ConsciousModelAdapter): string {
  const model = (adapter as { model?: unknown }).model;
  return typeof model === 'string' ? model : 'default';
}

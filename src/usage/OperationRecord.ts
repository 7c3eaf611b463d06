import type { TokenUsage } from './TokenUsage.js';

/**
 * One upstream operation (an attempt that reached the provider, or a fallback adapter's answer)
 * as the usage meter saw it; emitted as the brain's `operation` event when somebody listens (the
 * OpenTelemetry bridge does).
 */
export interface OperationRecord {
  /** Voice name (the fallback's name when a fallback answered). */
  readonly adapter: string;
  /** Provider name in OpenTelemetry's terms (`openai`, `anthropic`, `x_ai`, …), when known. */
  readonly provider: string | undefined;
  /** Method path called (`chat.completions.create`, `sendMessage`). */
  readonly method: string;
  /** OpenTelemetry operation name: `chat`, `text_completion`, `embeddings`, `generate_content`. */
  readonly operation: string;
  /** The model the request asked for, when known. */
  readonly requestModel: string | undefined;
  /** The model the response named, when known. */
  readonly responseModel: string | undefined;
  /** Duration of the operation in seconds (a stream: from its request to its last chunk). */
  readonly durationSeconds: number;
  /** The error category when the operation failed. */
  readonly errorType: string | undefined;
  /** Reported token counts (undefined when the response carried none, or it failed). */
  readonly usage: TokenUsage | undefined;
}

const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  claude: 'anthropic',
  gpt: 'openai',
  deepseek: 'deepseek',
  grok: 'x_ai',
  xai: 'x_ai',
  x_ai: 'x_ai',
  mistral: 'mistral_ai',
  mistral_ai: 'mistral_ai',
  google: 'gcp.gemini',
  gemini: 'gcp.gemini',
  cohere: 'cohere',
  groq: 'groq',
  perplexity: 'perplexity',
};

/** OpenTelemetry's `gen_ai.provider.name` for a provider or voice name, when it is a known one. */
export function providerName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const key = name.toLowerCase().replace(/[-.]\d+$/u, '');
  return PROVIDERS[key];
}

/** OpenTelemetry's `gen_ai.operation.name` for a method path. */
export function operationName(method: string): string {
  if (method.includes('embeddings')) return 'embeddings';
  if (method.includes('generateContent') || method.includes('generate_content')) return 'generate_content';
  if (method.endsWith('completions.create') && !method.includes('chat')) return 'text_completion';
  return 'chat';
}

/** Providers served by the OpenAI-compatible adapter (they all speak chat completions). */
export const OPENAI_COMPATIBLE_PROVIDERS = ['openai', 'deepseek', 'grok', 'mistral', 'local'] as const;
/** A provider served by the OpenAI-compatible adapter. */
export type OpenAICompatibleProvider = (typeof OPENAI_COMPATIBLE_PROVIDERS)[number];

/** How to reach one OpenAI-compatible provider when the options do not say. */
export interface OpenAICompatibleProviderProfile {
  /** API root the openai SDK posts `/chat/completions` under. */
  readonly defaultBaseURL: string;
  /** Environment variable holding the API key. */
  readonly apiKeyEnv: string;
  /** Whether a call without a key is refused before it is sent (false for local servers). */
  readonly requiresApiKey: boolean;
  /** Environment variable overriding the base URL. */
  readonly baseURLEnv: string;
  /** Model used when the options name none. */
  readonly defaultModel: string;
  /** Context window of the default model (tokens), reported in capabilities. */
  readonly maxContextLength: number;
  /** Name of the output-length parameter (OpenAI's newer models reject `max_tokens`). */
  readonly maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  /** Whether streamed replies may ask for a final usage chunk (`stream_options.include_usage`). */
  readonly streamUsage: boolean;
}

/**
 * Defaults per provider. Keys come from the options, else the environment variable; `local`
 * (Ollama, LM Studio, vLLM, …) works without one. Model names date quickly: pass `model` in production.
 */
export const OPENAI_COMPATIBLE_PROFILES: Readonly<
  Record<OpenAICompatibleProvider, OpenAICompatibleProviderProfile>
> = Object.freeze({
  openai: {
    defaultBaseURL: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresApiKey: true,
    baseURLEnv: 'OPENAI_BASE_URL',
    defaultModel: 'gpt-4o',
    maxContextLength: 128_000,
    maxTokensParam: 'max_completion_tokens',
    streamUsage: true,
  },
  deepseek: {
    defaultBaseURL: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    requiresApiKey: true,
    baseURLEnv: 'DEEPSEEK_BASE_URL',
    defaultModel: 'deepseek-chat',
    maxContextLength: 64_000,
    maxTokensParam: 'max_tokens',
    streamUsage: true,
  },
  grok: {
    defaultBaseURL: 'https://api.x.ai/v1',
    apiKeyEnv: 'XAI_API_KEY',
    requiresApiKey: true,
    baseURLEnv: 'XAI_BASE_URL',
    defaultModel: 'grok-3',
    maxContextLength: 131_072,
    maxTokensParam: 'max_tokens',
    streamUsage: true,
  },
  mistral: {
    defaultBaseURL: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    requiresApiKey: true,
    baseURLEnv: 'MISTRAL_BASE_URL',
    defaultModel: 'mistral-large-latest',
    maxContextLength: 128_000,
    maxTokensParam: 'max_tokens',
    streamUsage: false,
  },
  local: {
    defaultBaseURL: 'http://127.0.0.1:11434/v1',
    apiKeyEnv: 'LOCAL_API_KEY',
    requiresApiKey: false,
    baseURLEnv: 'LOCAL_BASE_URL',
    defaultModel: 'llama3.2',
    maxContextLength: 8_192,
    maxTokensParam: 'max_tokens',
    streamUsage: false,
  },
});

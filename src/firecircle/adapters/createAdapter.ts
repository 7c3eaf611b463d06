import { AnthropicAdapter, type AnthropicAdapterOptions } from './AnthropicAdapter.js';
import { OpenAICompatibleAdapter, type OpenAICompatibleAdapterOptions } from './OpenAICompatibleAdapter.js';
import { OPENAI_COMPATIBLE_PROVIDERS, type OpenAICompatibleProvider } from './OpenAICompatibleProviders.js';

/** Providers createAdapter builds (google is not built in). */
export const FIRE_CIRCLE_PROVIDERS = ['anthropic', ...OPENAI_COMPATIBLE_PROVIDERS] as const;
/** A provider createAdapter builds. */
export type FireCircleProvider = (typeof FIRE_CIRCLE_PROVIDERS)[number];

/** Options of createAdapter for one provider (the adapter's options without `provider`). */
export type CreateAdapterOptions<P extends FireCircleProvider> = P extends 'anthropic'
  ? Omit<AnthropicAdapterOptions, 'provider'>
  : Omit<OpenAICompatibleAdapterOptions, 'provider'>;

/** The adapter class createAdapter returns for a provider. */
export type AdapterFor<P extends FireCircleProvider> = P extends 'anthropic'
  ? AnthropicAdapter
  : OpenAICompatibleAdapter;

/**
 * The reference Fire Circle adapter of a provider: AnthropicAdapter for `anthropic`, an
 * OpenAICompatibleAdapter for openai, deepseek, grok, mistral and local. Throws a TypeError for
 * another provider or a bad option. No SDK is imported until the adapter is first used.
 */
export function createAdapter<P extends FireCircleProvider>(
  provider: P,
  options?: CreateAdapterOptions<P>,
): AdapterFor<P> {
  if (provider === 'anthropic') {
    return new AnthropicAdapter((options ?? {}) as AnthropicAdapterOptions) as AdapterFor<P>;
  }
  if ((OPENAI_COMPATIBLE_PROVIDERS as readonly string[]).includes(provider)) {
    return new OpenAICompatibleAdapter({
      ...((options ?? {}) as Omit<OpenAICompatibleAdapterOptions, 'provider'>),
      provider: provider as OpenAICompatibleProvider,
    }) as AdapterFor<P>;
  }
  throw new TypeError(
    `createAdapter: unknown provider ${JSON.stringify(provider)} (expected one of ${FIRE_CIRCLE_PROVIDERS.join(', ')})`,
  );
}

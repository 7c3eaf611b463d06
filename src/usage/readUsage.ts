import { count, type TokenUsage, type UsageReading } from './TokenUsage.js';

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null ? (value as Fields) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** OpenAI chat completions: `prompt_tokens` (cached ones included) and `completion_tokens`. */
function chatUsage(u: Fields): TokenUsage {
  return {
    input: count(u.prompt_tokens),
    output: count(u.completion_tokens),
    cachedInput: count(fields(u.prompt_tokens_details)?.cached_tokens),
    cacheWrite: 0,
    reasoning: count(fields(u.completion_tokens_details)?.reasoning_tokens),
  };
}

/** OpenAI Responses API: `input_tokens` (cached ones included) and `output_tokens`, with details. */
function responsesUsage(u: Fields): TokenUsage {
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cachedInput: count(fields(u.input_tokens_details)?.cached_tokens),
    cacheWrite: 0,
    reasoning: count(fields(u.output_tokens_details)?.reasoning_tokens),
  };
}

/** Anthropic: `input_tokens` excludes the cache reads and writes, so the three are added up. */
function anthropicUsage(u: Fields): TokenUsage {
  const cachedInput = count(u.cache_read_input_tokens);
  const cacheWrite = count(u.cache_creation_input_tokens);
  return {
    input: count(u.input_tokens) + cachedInput + cacheWrite,
    output: count(u.output_tokens),
    cachedInput,
    cacheWrite,
    reasoning: 0,
  };
}

/** Fire Circle reply metadata (`metadata.usage`, written by the reference adapters): already normalised. */
function metadataUsage(u: Fields): TokenUsage {
  return {
    input: count(u.inputTokens),
    output: count(u.outputTokens),
    cachedInput: count(u.cachedInputTokens),
    cacheWrite: count(u.cacheWriteTokens),
    reasoning: count(u.reasoningTokens),
  };
}

function isAnthropic(u: Fields, owner: Fields): boolean {
  return owner.type === 'message' || 'cache_read_input_tokens' in u || 'cache_creation_input_tokens' in u;
}

/** The usage block `u` in whichever provider's shape it has; undefined when it is not one. */
export function usageOfBlock(u: Fields, owner: Fields): TokenUsage | undefined {
  if (typeof u.prompt_tokens === 'number' || typeof u.completion_tokens === 'number') return chatUsage(u);
  if (typeof u.input_tokens === 'number' || typeof u.output_tokens === 'number') {
    return isAnthropic(u, owner) ? anthropicUsage(u) : responsesUsage(u);
  }
  return undefined;
}

function providerOfShape(owner: Fields, u: Fields): string | undefined {
  // OpenAI's objects name themselves (`object`), Anthropic's messages do not: asked first.
  if (owner.object === 'chat.completion' || owner.object === 'response') return 'openai';
  if (isAnthropic(u, owner)) return 'anthropic';
  return undefined;
}

/**
 * The token usage a unary result reports, read without changing it: an OpenAI chat completion,
 * a Responses API response, an Anthropic message, or a Fire Circle reply whose `metadata.usage`
 * the reference adapters filled in. Undefined when the result carries none. Pure; never throws
 * on odd shapes (getters are not expected on SDK results, but a throwing one is caught).
 */
export function readUsage(result: unknown): UsageReading | undefined {
  try {
    const owner = fields(result);
    if (owner === undefined) return undefined;
    const metadata = fields(owner.metadata);
    const fromMetadata = metadata === undefined ? undefined : fields(metadata.usage);
    if (fromMetadata !== undefined) {
      return {
        usage: metadataUsage(fromMetadata),
        responseModel: text(metadata!.responseModel),
        requestModel: text(metadata!.model),
        provider: text(metadata!.provider),
      };
    }
    const u = fields(owner.usage);
    if (u === undefined) return undefined;
    const usage = usageOfBlock(u, owner);
    if (usage === undefined) return undefined;
    return { usage, responseModel: text(owner.model), provider: providerOfShape(owner, u) };
  } catch {
    return undefined;
  }
}

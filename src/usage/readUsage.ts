import { count, type TokenUsage, type UsageReading } from './TokenUsage.js';

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null ? (value as Fields) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Token counts written in place (see `UsageScratch`). */
class Counts implements TokenUsage {
  input = 0;
  output = 0;
  cachedInput = 0;
  cacheWrite = 0;
  reasoning = 0;
}

/** The field names of OpenAI's two usage shapes (cached tokens are part of the input in both). */
interface OpenAIFields {
  readonly input: string;
  readonly output: string;
  readonly inputDetails: string;
  readonly outputDetails: string;
}

/** Chat completions: `prompt_tokens` and `completion_tokens`, with details. */
const CHAT: OpenAIFields = {
  input: 'prompt_tokens',
  output: 'completion_tokens',
  inputDetails: 'prompt_tokens_details',
  outputDetails: 'completion_tokens_details',
};

/** The Responses API: `input_tokens` and `output_tokens`, with details. */
const RESPONSES: OpenAIFields = {
  input: 'input_tokens',
  output: 'output_tokens',
  inputDetails: 'input_tokens_details',
  outputDetails: 'output_tokens_details',
};

/** OpenAI usage in either shape (`names`). */
function openaiUsage(u: Fields, t: Counts, names: OpenAIFields): void {
  t.input = count(u[names.input]);
  t.output = count(u[names.output]);
  t.cachedInput = count(fields(u[names.inputDetails])?.cached_tokens);
  t.cacheWrite = 0;
  t.reasoning = count(fields(u[names.outputDetails])?.reasoning_tokens);
}

/** Anthropic: `input_tokens` excludes the cache reads and writes, so the three are added up. */
function anthropicUsage(u: Fields, t: Counts): void {
  const cachedInput = count(u.cache_read_input_tokens);
  const cacheWrite = count(u.cache_creation_input_tokens);
  t.input = count(u.input_tokens) + cachedInput + cacheWrite;
  t.output = count(u.output_tokens);
  t.cachedInput = cachedInput;
  t.cacheWrite = cacheWrite;
  t.reasoning = 0;
}

/** Fire Circle reply metadata (`metadata.usage`, written by the reference adapters): already normalised. */
function metadataUsage(u: Fields, t: Counts): void {
  t.input = count(u.inputTokens);
  t.output = count(u.outputTokens);
  t.cachedInput = count(u.cachedInputTokens);
  t.cacheWrite = count(u.cacheWriteTokens);
  t.reasoning = count(u.reasoningTokens);
}

function isAnthropic(u: Fields, owner: Fields): boolean {
  return owner.type === 'message' || 'cache_read_input_tokens' in u || 'cache_creation_input_tokens' in u;
}

/** Writes the usage block `u`, in whichever provider's shape it has, into `t`; false when it is not one. */
function readBlock(u: Fields, owner: Fields, t: Counts): boolean {
  if (typeof u.prompt_tokens === 'number' || typeof u.completion_tokens === 'number') openaiUsage(u, t, CHAT);
  else if (typeof u.input_tokens === 'number' || typeof u.output_tokens === 'number') {
    if (isAnthropic(u, owner)) anthropicUsage(u, t);
    else openaiUsage(u, t, RESPONSES);
  } else return false;
  return true;
}

/** The usage block `u` in whichever provider's shape it has; undefined when it is not one. */
export function usageOfBlock(u: Fields, owner: Fields): TokenUsage | undefined {
  const t = new Counts();
  return readBlock(u, owner, t) ? t : undefined;
}

function providerOfShape(owner: Fields, u: Fields): string | undefined {
  // OpenAI's objects name themselves (`object`), Anthropic's messages do not: asked first.
  if (owner.object === 'chat.completion' || owner.object === 'response') return 'openai';
  if (isAnthropic(u, owner)) return 'anthropic';
  return undefined;
}

/**
 * A usage reading written in place, call after call: what a usage meter reads a result into when
 * nothing keeps the reading (no operation listener), saving two objects per call. Its `provider`
 * is not read (only operation records name it).
 */
export class UsageScratch implements UsageReading {
  readonly usage = new Counts();
  responseModel: string | undefined = undefined;
  requestModel: string | undefined = undefined;
  provider: string | undefined = undefined;
}

/**
 * Reads the usage `result` reports into `into` (see `readUsage`); false when it carries none.
 * `withProvider`: also name the provider (from the reply metadata, or the result's wire shape).
 */
export function readUsageInto(result: unknown, into: UsageScratch, withProvider = false): boolean {
  try {
    const owner = fields(result);
    if (owner === undefined) return false;
    const metadata = fields(owner.metadata);
    const fromMetadata = metadata === undefined ? undefined : fields(metadata.usage);
    if (fromMetadata !== undefined) {
      metadataUsage(fromMetadata, into.usage);
      into.responseModel = text(metadata!.responseModel);
      into.requestModel = text(metadata!.model);
      into.provider = withProvider ? text(metadata!.provider) : undefined;
      return true;
    }
    const u = fields(owner.usage);
    if (u === undefined || !readBlock(u, owner, into.usage)) return false;
    into.responseModel = text(owner.model);
    into.requestModel = undefined;
    into.provider = withProvider ? providerOfShape(owner, u) : undefined;
    return true;
  } catch {
    return false;
  }
}

/**
 * The token usage a unary result reports, read without changing it: an OpenAI chat completion,
 * a Responses API response, an Anthropic message, or a Fire Circle reply whose `metadata.usage`
 * the reference adapters filled in. Undefined when the result carries none. Pure; never throws
 * on odd shapes (getters are not expected on SDK results, but a throwing one is caught).
 */
export function readUsage(result: unknown): UsageReading | undefined {
  const reading = new UsageScratch();
  return readUsageInto(result, reading, true) ? reading : undefined;
}

import { keepShape } from '../base/keepShape.js';
import { usageOfBlock } from './readUsage.js';
import type { TokenUsage, UsageReading } from './TokenUsage.js';

type Fields = Record<string, unknown>;

const ANTHROPIC_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
] as const;

function fields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null ? (value as Fields) : undefined;
}

/**
 * Reads the usage a stream reports in its own chunks, one chunk at a time, without touching them:
 * OpenAI chat's final usage chunk (sent when the caller asked `stream_options.include_usage`), the
 * Responses API's `response.completed` event, Anthropic's `message_start` (input and cache tokens)
 * and `message_delta` (cumulative output tokens). A chunk without usage costs two property reads.
 */
export class StreamUsageReader {
  private usage: TokenUsage | undefined;
  private responseModel: string | undefined;
  private provider: string | undefined;
  /** Anthropic's counts so far (message_start, then each message_delta's cumulative values). */
  private anthropic: Fields | undefined;

  /** Looks at one chunk. */
  read(chunk: unknown): void {
    if (typeof chunk !== 'object' || chunk === null) return;
    const c = chunk as Fields;
    const type = c.type;
    if (type === undefined) {
      // OpenAI chat chunks carry no `type`; `usage` is null on all but the final one.
      const u = c.usage;
      if (typeof u === 'object' && u !== null) {
        this.usage = usageOfBlock(u as Fields, c) ?? this.usage;
        this.provider = 'openai';
      }
      if (this.responseModel === undefined && typeof c.model === 'string') this.responseModel = c.model;
      return;
    }
    if (type === 'message_start') {
      const message = fields(c.message);
      this.merge(fields(message?.usage));
      if (typeof message?.model === 'string') this.responseModel = message.model;
    } else if (type === 'message_delta') {
      this.merge(fields(c.usage));
    } else if (type === 'response.completed' || type === 'response.incomplete') {
      const response = fields(c.response);
      const u = fields(response?.usage);
      if (u !== undefined) this.usage = usageOfBlock(u, response!) ?? this.usage;
      if (typeof response?.model === 'string') this.responseModel = response.model;
      this.provider = 'openai';
    }
  }

  /** What the stream reported so far; undefined when it reported no usage. */
  reading(): UsageReading | undefined {
    const usage =
      this.anthropic === undefined ? this.usage : usageOfBlock(this.anthropic, { type: 'message' });
    if (usage === undefined) return undefined;
    return { usage, responseModel: this.responseModel, provider: this.provider };
  }

  private merge(u: Fields | undefined): void {
    if (u === undefined) return;
    this.anthropic ??= {};
    this.provider = 'anthropic';
    for (const name of ANTHROPIC_FIELDS) {
      const value = u[name];
      if (typeof value === 'number') this.anthropic[name] = value;
    }
  }
}

// One reader kept, so that its shape outlives full collections (see `keepShape`).
keepShape(new StreamUsageReader());

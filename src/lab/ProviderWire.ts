import { approximateTokens } from './assistantText.js';
import type { RateLimitState } from './RateLimitWindows.js';
import type { Route, SchemaChange } from './ScenarioSchema.js';

/** The fields of a chat request the emulator uses. */
export interface ChatRequest {
  /** Requested model id. */
  readonly model: string;
  /** Whether the client asked for SSE. */
  readonly stream: boolean;
  /** Text of the last user message (what the reply echoes). */
  readonly prompt: string;
  /** Rough token count of all messages. */
  readonly promptTokens: number;
  /** OpenAI `stream_options.include_usage`: send a final usage chunk. */
  readonly includeUsage: boolean;
}

/** A request the provider would refuse with a 4xx, in its own error format. */
export interface WireRejection {
  /** HTTP status. */
  readonly status: number;
  /** Error message for the body. */
  readonly message: string;
}

/** Everything needed to render one reply. */
export interface ReplyContext {
  /** Response id (`chatcmpl-…` / `msg_…`). */
  readonly id: string;
  /** Model id echoed back. */
  readonly model: string;
  /** Full assistant text. */
  readonly text: string;
  /** The text split into streaming deltas. */
  readonly chunks: readonly string[];
  /** Emulator clock at reply time (epoch ms). */
  readonly nowMs: number;
  /** Rough input token count. */
  readonly promptTokens: number;
  /** Rough output token count. */
  readonly completionTokens: number;
  /** Send a usage chunk at the end of an OpenAI stream. */
  readonly includeUsage: boolean;
  /** A simulated API change, or undefined for the real shape. */
  readonly change: SchemaChange | undefined;
  /** The rate-limit window after this request (sent as the provider's rate-limit headers). */
  readonly rateLimit?: RateLimitState | undefined;
}

/** A streamed reply as SSE frames, split so a stream can be cut after N text deltas. */
export interface SseReply {
  /** Frames before the first text delta (role chunk, message_start, content_block_start, ping). */
  readonly preamble: readonly string[];
  /** One frame per text delta. */
  readonly deltas: readonly string[];
  /** Frames after the last delta (finish reason, usage, `[DONE]` / message_stop). */
  readonly finish: readonly string[];
}

/** One provider's wire format: how its requests read and its replies, streams and errors look. */
export interface ProviderWire {
  /** Which route this wire format serves. */
  readonly route: Route;
  /** Response header carrying the request id (`x-request-id` / `request-id`). */
  readonly requestIdHeader: string;
  /** Models listed when the scenario names none. */
  readonly defaultModels: readonly string[];
  /** The response id of the `seq`-th request (`chatcmpl-lab…` / `msg_lab…`). */
  responseId(seq: number): string;
  /** Reads a parsed JSON request body, or says why the provider would reject it. */
  parseRequest(body: unknown): ChatRequest | WireRejection;
  /** The non-streamed response body. */
  completion(reply: ReplyContext): unknown;
  /** The streamed response as SSE frames. */
  stream(reply: ReplyContext): SseReply;
  /** A 200 body that is not valid JSON (a truncated completion). */
  malformedCompletion(reply: ReplyContext): string;
  /** An SSE frame whose data is not valid JSON. */
  malformedFrame(reply: ReplyContext): string;
  /** The error body the provider sends with `status`. */
  errorBody(status: number, message: string | undefined, requestId: string): unknown;
  /** Extra headers the provider sends with `status` (rate-limit headers on 429). */
  errorHeaders(status: number): Record<string, string>;
  /** The provider's rate-limit headers on a successful response. */
  rateLimitHeaders(state: RateLimitState, nowMs: number): Record<string, string>;
  /** The GET /v1/models body. */
  modelList(models: readonly string[], nowMs: number): unknown;
}

/** Name of the field that carries the text after a `renamed_field` schema change, for both providers. */
export const RENAMED_TEXT_FIELD = 'output_text';

/** One SSE frame: optional `event:` line, one `data:` line, blank line. */
export function sseFrame(data: string, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`;
}

/** The first half of a JSON text: what a body cut mid-write looks like. */
export function truncateJson(json: string): string {
  return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
}

/** True when `value` is a WireRejection rather than a request (or a reply without a `status`). */
export function isRejection<T extends object = ChatRequest>(
  value: T | WireRejection,
): value is WireRejection {
  return 'status' in value;
}

/**
 * Reads a request's message list: the text of the last user message (what the reply echoes) and a
 * rough token count of every message plus `preamble` (a system prompt or instructions).
 */
export function readMessages(
  messages: readonly unknown[],
  preamble?: unknown,
): { prompt: string; promptTokens: number } {
  let prompt = '';
  let promptTokens = approximateTokens(contentText(preamble));
  for (const message of messages) {
    if (message === null || typeof message !== 'object') continue;
    const m = message as { role?: unknown; content?: unknown };
    const text = contentText(m.content);
    promptTokens += approximateTokens(text);
    if (m.role === 'user') prompt = text;
  }
  return { prompt, promptTokens };
}

/** The text of a message's content: a string, or the `text` of its text parts/blocks joined. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .filter((t) => t !== '')
    .join(' ');
}

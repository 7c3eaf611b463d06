import {
  readMessages,
  RENAMED_TEXT_FIELD,
  sseFrame,
  truncateJson,
  type ChatRequest,
  type ProviderWire,
  type ReplyContext,
  type SseReply,
  type WireRejection,
} from './ProviderWire.js';

// Model listings carry a fixed creation time so replies are reproducible.
const MODEL_CREATED_AT = '2026-01-01T00:00:00Z';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'This request would exceed the rate limit for your organization. Please try again later.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
};

/** Anthropic's `error.type` for an HTTP status (`overloaded_error` for 529, `rate_limit_error` for 429, …). */
export function anthropicErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

function rejection(message: string): WireRejection {
  return { status: 400, message };
}

function parseRequest(body: unknown): ChatRequest | WireRejection {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return rejection('The request body is not valid JSON.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return rejection('model: Field required');
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1) {
    return rejection('max_tokens: Field required');
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) return rejection('messages: Field required');
  const { prompt, promptTokens } = readMessages(b.messages as unknown[], b.system);
  return { model: b.model, stream: b.stream === true, prompt, promptTokens, includeUsage: false };
}

// A text content block as the (possibly changed) API would send it.
function textBlock(reply: ReplyContext, text: string): Record<string, unknown> {
  if (reply.change === 'null_content') return { type: 'text', text: null, citations: null };
  if (reply.change === 'renamed_field') return { type: 'text', [RENAMED_TEXT_FIELD]: text, citations: null };
  return { type: 'text', text, citations: null };
}

function textDelta(reply: ReplyContext, text: string): Record<string, unknown> {
  if (reply.change === 'null_content') return { type: 'text_delta', text: null };
  if (reply.change === 'renamed_field') return { type: 'text_delta', [RENAMED_TEXT_FIELD]: text };
  return { type: 'text_delta', text };
}

function message(reply: ReplyContext, streaming: boolean): Record<string, unknown> {
  return {
    id: reply.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: streaming ? [] : reply.change === 'null_content' ? null : [textBlock(reply, reply.text)],
    stop_reason: streaming ? null : 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: reply.promptTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: streaming ? 1 : reply.completionTokens,
      service_tier: 'standard',
    },
  };
}

function event(type: string, data: Record<string, unknown>): string {
  return sseFrame(JSON.stringify({ type, ...data }), type);
}

function deltaEvent(reply: ReplyContext, text: string): string {
  return event('content_block_delta', { index: 0, delta: textDelta(reply, text) });
}

function stream(reply: ReplyContext): SseReply {
  return {
    preamble: [
      event('message_start', { message: message(reply, true) }),
      event('content_block_start', { index: 0, content_block: textBlock(reply, '') }),
      event('ping', {}),
    ],
    deltas: reply.chunks.map((text) => deltaEvent(reply, text)),
    finish: [
      event('content_block_stop', { index: 0 }),
      event('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: reply.completionTokens },
      }),
      event('message_stop', {}),
    ],
  };
}

/** Anthropic messages wire format: `message` objects, the message_start…message_stop SSE events, `{type:'error'}` bodies. */
export const anthropicWire: ProviderWire = {
  route: 'anthropic',
  requestIdHeader: 'request-id',
  defaultModels: ['claude-sonnet-4-6', 'claude-haiku-4-5'],
  responseId: (seq) => `msg_lab${seq.toString(36).padStart(8, '0')}`,
  parseRequest,
  completion: (reply) => message(reply, false),
  stream,
  malformedCompletion: (reply) => truncateJson(JSON.stringify(message(reply, false))),
  malformedFrame: (reply) =>
    sseFrame(
      truncateJson(
        JSON.stringify({ type: 'content_block_delta', index: 0, delta: textDelta(reply, reply.text) }),
      ),
      'content_block_delta',
    ),
  errorBody: (status, msg, requestId) => {
    const type = anthropicErrorType(status);
    return {
      type: 'error',
      error: { type, message: msg ?? DEFAULT_MESSAGES[type] ?? `Status ${status}` },
      request_id: requestId,
    };
  },
  errorHeaders: (status): Record<string, string> =>
    status === 429
      ? { 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0' }
      : {},
  rateLimitHeaders: (state, nowMs): Record<string, string> => {
    // Anthropic sends the reset as an RFC 3339 time, to the second.
    const reset = new Date(Math.ceil((nowMs + state.resetMs) / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z');
    return {
      'anthropic-ratelimit-requests-limit': String(state.requestsLimit),
      'anthropic-ratelimit-requests-remaining': String(state.requestsRemaining),
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-tokens-limit': String(state.tokensLimit),
      'anthropic-ratelimit-tokens-remaining': String(state.tokensRemaining),
      'anthropic-ratelimit-tokens-reset': reset,
    };
  },
  modelList: (models) => ({
    data: models.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: MODEL_CREATED_AT,
      deprecated_at: null,
      retires_at: null,
      lifecycle: 'active',
      capabilities: null,
      line: null,
      max_input_tokens: null,
      max_tokens: null,
    })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  }),
};

import { openaiDuration } from './RateLimitWindows.js';
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

const FINGERPRINT = 'fp_lab';
// Model listings carry a fixed creation time so replies are reproducible.
const MODEL_CREATED_S = 1_700_000_000;

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid request.',
  401: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
  403: 'You are not allowed to access this resource.',
  404: 'The requested resource does not exist.',
  429: 'Rate limit reached for requests. Please try again later.',
  500: 'The server had an error while processing your request. Sorry about that!',
  502: 'Bad gateway.',
  503: 'The server is overloaded or not ready yet.',
  504: 'Gateway timeout.',
};

/** OpenAI's `error.type` and `error.code` for an HTTP status. */
export function openaiErrorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found' };
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

function rejection(status: number, message: string): WireRejection {
  return { status, message };
}

function parseRequest(body: unknown): ChatRequest | WireRejection {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return rejection(400, 'We could not parse the JSON body of your request.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') {
    return rejection(400, 'you must provide a model parameter');
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    return rejection(400, "Missing required parameter: 'messages'.");
  }
  const { prompt, promptTokens } = readMessages(b.messages as unknown[]);
  const streamOptions = b.stream_options as { include_usage?: unknown } | null | undefined;
  return {
    model: b.model,
    stream: b.stream === true,
    prompt,
    promptTokens,
    includeUsage: streamOptions?.include_usage === true,
  };
}

function usage(reply: ReplyContext): Record<string, unknown> {
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

// The text field as the (possibly changed) API would send it.
function textField(reply: ReplyContext, text: string): Record<string, unknown> {
  if (reply.change === 'null_content') return { content: null };
  if (reply.change === 'renamed_field') return { [RENAMED_TEXT_FIELD]: text };
  return { content: text };
}

function completion(reply: ReplyContext): Record<string, unknown> {
  return {
    id: reply.id,
    object: 'chat.completion',
    created: Math.floor(reply.nowMs / 1000),
    model: reply.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', ...textField(reply, reply.text), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usage(reply),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

function chunk(reply: ReplyContext, choices: unknown[], extra?: Record<string, unknown>): string {
  return JSON.stringify({
    id: reply.id,
    object: 'chat.completion.chunk',
    created: Math.floor(reply.nowMs / 1000),
    model: reply.model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    ...(reply.includeUsage ? { usage: null } : {}),
    ...extra,
  });
}

function deltaChunk(reply: ReplyContext, delta: Record<string, unknown>, finish: string | null): string {
  return chunk(reply, [{ index: 0, delta, logprobs: null, finish_reason: finish }]);
}

function stream(reply: ReplyContext): SseReply {
  const finish = [sseFrame(deltaChunk(reply, {}, 'stop'))];
  if (reply.includeUsage) finish.push(sseFrame(chunk(reply, [], { usage: usage(reply) })));
  finish.push(sseFrame('[DONE]'));
  return {
    preamble: [
      sseFrame(deltaChunk(reply, { role: 'assistant', ...textField(reply, ''), refusal: null }, null)),
    ],
    deltas: reply.chunks.map((text) => sseFrame(deltaChunk(reply, textField(reply, text), null))),
    finish,
  };
}

/** OpenAI chat-completions wire format: `chat.completion`, `chat.completion.chunk` + `[DONE]`, `{error}` bodies. */
export const openaiWire: ProviderWire = {
  route: 'openai',
  requestIdHeader: 'x-request-id',
  defaultModels: ['gpt-5.4-mini', 'gpt-5.4'],
  responseId: (seq) => `chatcmpl-lab${seq.toString(36).padStart(8, '0')}`,
  parseRequest,
  completion,
  stream,
  malformedCompletion: (reply) => truncateJson(JSON.stringify(completion(reply))),
  malformedFrame: (reply) => sseFrame(truncateJson(deltaChunk(reply, textField(reply, reply.text), null))),
  errorBody: (status, message) => ({
    error: {
      message: message ?? DEFAULT_MESSAGES[status] ?? `The server returned status ${status}.`,
      ...openaiErrorKind(status),
      param: null,
    },
  }),
  errorHeaders: (status): Record<string, string> =>
    status === 429
      ? {
          'x-ratelimit-limit-requests': '500',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '1s',
        }
      : {},
  rateLimitHeaders: (state): Record<string, string> => ({
    'x-ratelimit-limit-requests': String(state.requestsLimit),
    'x-ratelimit-limit-tokens': String(state.tokensLimit),
    'x-ratelimit-remaining-requests': String(state.requestsRemaining),
    'x-ratelimit-remaining-tokens': String(state.tokensRemaining),
    'x-ratelimit-reset-requests': openaiDuration(state.resetMs),
    'x-ratelimit-reset-tokens': openaiDuration(state.resetMs),
  }),
  modelList: (models) => ({
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: MODEL_CREATED_S, owned_by: 'lab' })),
  }),
};

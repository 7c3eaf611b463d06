import { openaiWire } from './openaiWire.js';
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

function rejection(message: string): WireRejection {
  return { status: 400, message };
}

// `input` is a string or a list of items; the last user message is what the reply echoes.
function parseRequest(body: unknown): ChatRequest | WireRejection {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return rejection('We could not parse the JSON body of your request.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return rejection('you must provide a model parameter');
  const input = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : b.input;
  if (!Array.isArray(input) || input.length === 0) return rejection("Missing required parameter: 'input'.");
  const { prompt, promptTokens } = readMessages(input as unknown[], b.instructions);
  return { model: b.model, stream: b.stream === true, prompt, promptTokens, includeUsage: false };
}

function messageId(reply: ReplyContext): string {
  return reply.id.replace(/^resp_/u, 'msg_');
}

// The output_text part as the (possibly changed) API would send it.
function textPart(reply: ReplyContext, text: string): Record<string, unknown> {
  const common = { type: 'output_text', annotations: [], logprobs: [] };
  if (reply.change === 'null_content') return { ...common, text: null };
  if (reply.change === 'renamed_field') return { ...common, [RENAMED_TEXT_FIELD]: text };
  return { ...common, text };
}

function outputMessage(reply: ReplyContext, done: boolean): Record<string, unknown> {
  return {
    type: 'message',
    id: messageId(reply),
    status: done ? 'completed' : 'in_progress',
    role: 'assistant',
    content: done ? [textPart(reply, reply.text)] : [],
  };
}

function response(reply: ReplyContext, done: boolean): Record<string, unknown> {
  return {
    id: reply.id,
    object: 'response',
    created_at: Math.floor(reply.nowMs / 1000),
    status: done ? 'completed' : 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    metadata: {},
    model: reply.model,
    output: done ? [outputMessage(reply, true)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: false,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: reply.promptTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: reply.completionTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: reply.promptTokens + reply.completionTokens,
        }
      : null,
  };
}

function deltaData(reply: ReplyContext, delta: string, sequence: number): Record<string, unknown> {
  return {
    type: 'response.output_text.delta',
    item_id: messageId(reply),
    output_index: 0,
    content_index: 0,
    delta: reply.change === 'null_content' ? null : delta,
    logprobs: [],
    sequence_number: sequence,
  };
}

function event(data: Record<string, unknown>): string {
  return sseFrame(JSON.stringify(data), String(data.type));
}

// The event sequence `client.responses.stream()` accumulates: created … output_text.delta … completed.
function stream(reply: ReplyContext): SseReply {
  let sequence = 0;
  const at = { output_index: 0 };
  const part = { item_id: messageId(reply), output_index: 0, content_index: 0 };
  const next = (data: Record<string, unknown>): string => event({ ...data, sequence_number: sequence++ });
  const preamble = [
    next({ type: 'response.created', response: response(reply, false) }),
    next({ type: 'response.in_progress', response: response(reply, false) }),
    next({ type: 'response.output_item.added', ...at, item: outputMessage(reply, false) }),
    next({ type: 'response.content_part.added', ...part, part: textPart(reply, '') }),
  ];
  const deltas = reply.chunks.map((text) => event(deltaData(reply, text, sequence++)));
  const finish = [
    next({ type: 'response.output_text.done', ...part, text: reply.text, logprobs: [] }),
    next({ type: 'response.content_part.done', ...part, part: textPart(reply, reply.text) }),
    next({ type: 'response.output_item.done', ...at, item: outputMessage(reply, true) }),
    next({ type: 'response.completed', response: response(reply, true) }),
  ];
  return { preamble, deltas, finish };
}

/**
 * OpenAI Responses API wire format (POST /v1/responses): `response` objects with an output message,
 * the `response.*` SSE events; errors, request ids and listings as the chat-completions format.
 */
export const openaiResponsesWire: ProviderWire = {
  ...openaiWire,
  responseId: (seq) => `resp_lab${seq.toString(36).padStart(8, '0')}`,
  parseRequest,
  completion: (reply) => response(reply, true),
  stream,
  malformedCompletion: (reply) => truncateJson(JSON.stringify(response(reply, true))),
  malformedFrame: (reply) => sseFrame(truncateJson(JSON.stringify(deltaData(reply, reply.text, 4)))),
};

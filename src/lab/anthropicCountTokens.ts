import { readMessages, type WireRejection } from './ProviderWire.js';

/** Reads a POST /v1/messages/count_tokens body: the `{ input_tokens }` answer, or why Anthropic would reject it. */
export function countTokensBody(body: unknown): { input_tokens: number } | WireRejection {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, message: 'The request body is not valid JSON.' };
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return { status: 400, message: 'model: Field required' };
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    return { status: 400, message: 'messages: Field required' };
  }
  return { input_tokens: readMessages(b.messages as unknown[], b.system).promptTokens };
}

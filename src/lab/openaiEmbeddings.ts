import { approximateTokens } from './assistantText.js';
import type { WireRejection } from './ProviderWire.js';
import { hashSeed } from './seededRandom.js';

/** Vector length when the request does not ask for `dimensions`. */
export const EMBEDDING_DIMENSIONS = 8;

/** The fields of an embeddings request the emulator uses. */
export interface EmbeddingsRequest {
  /** Requested model id. */
  readonly model: string;
  /** The texts to embed (a single string becomes one input). */
  readonly inputs: readonly string[];
  /** Vector length. */
  readonly dimensions: number;
  /** `float` (arrays of numbers) or `base64` (little-endian float32, what the openai SDK asks for by default). */
  readonly encoding: 'float' | 'base64';
}

/** Reads a POST /v1/embeddings body, or says why OpenAI would reject it. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest | WireRejection {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, message: 'We could not parse the JSON body of your request.' };
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') {
    return { status: 400, message: 'you must provide a model parameter' };
  }
  const inputs = typeof b.input === 'string' ? [b.input] : b.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
    return { status: 400, message: "'input' must be a string or a non-empty array of strings." };
  }
  const dimensions = b.dimensions ?? EMBEDDING_DIMENSIONS;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    return { status: 400, message: "'dimensions' must be a positive integer." };
  }
  const encoding = b.encoding_format ?? 'float';
  if (encoding !== 'float' && encoding !== 'base64') {
    return { status: 400, message: "'encoding_format' must be 'float' or 'base64'." };
  }
  return { model: b.model, inputs: inputs as string[], dimensions, encoding };
}

/** The embedding of `text`: deterministic values in [-1, 1), exact in float32, from the seed and the text. */
export function embeddingOf(seed: number, text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => (hashSeed(seed, i, text) % 256) / 128 - 1);
}

function encode(vector: number[], encoding: EmbeddingsRequest['encoding']): number[] | string {
  if (encoding === 'float') return vector;
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** The POST /v1/embeddings response body. */
export function embeddingsBody(seed: number, request: EmbeddingsRequest): unknown {
  const tokens = request.inputs.reduce((sum, text) => sum + approximateTokens(text), 0);
  return {
    object: 'list',
    data: request.inputs.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: encode(embeddingOf(seed, text, request.dimensions), request.encoding),
    })),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemSleep } from '../clock/Scheduler.js';
import { truncateJson, type ProviderWire, type ReplyContext } from './ProviderWire.js';
import type { OutcomeFault } from './ScenarioSchema.js';

// Between the last delivered delta and the cut, so the client reads the deltas before the
// connection error discards its unread buffer. Real time, independent of any injected sleep.
const STREAM_CUT_GRACE_MS = 25;

/** One request being answered: its wire format, HTTP pair, id, and the signal that ends it early. */
export interface Exchange {
  /** The provider format to answer in. */
  readonly wire: ProviderWire;
  /** The incoming request (its socket is reset or cut by some faults). */
  readonly req: IncomingMessage;
  /** The response being written. */
  readonly res: ServerResponse;
  /** Sent in the provider's request-id header and error bodies. */
  readonly requestId: string;
  /** Aborted when the client leaves or the emulator closes. */
  readonly signal: AbortSignal;
}

// Sockets the emulator itself cut (reset, stream cut), so their close is not taken for the client's.
const cutByEmulator = new WeakSet<object>();

/** True when the emulator cut this socket itself (a reset or stream-cut fault), not the client. */
export function wasCutByEmulator(socket: object): boolean {
  return cutByEmulator.has(socket);
}

/** The HTTP status a request gets under `fault`; undefined when no response is sent (reset, hang). */
export function outcomeStatus(fault: OutcomeFault | undefined): number | undefined {
  if (fault === undefined) return 200;
  if (fault.kind === 'status') return fault.code;
  return fault.kind === 'reset' || fault.kind === 'hang' ? undefined : 200;
}

/** Sends `text` as an application/json response (valid JSON or not). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Sends `body` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, JSON.stringify(body), headers);
}

/** Sends the provider's error body for `status`, with its request-id and rate-limit headers. */
export function sendProviderError(
  ex: Exchange,
  status: number,
  message: string | undefined,
  extra: Record<string, string> = {},
): void {
  sendJson(ex.res, status, ex.wire.errorBody(status, message, ex.requestId), {
    [ex.wire.requestIdHeader]: ex.requestId,
    ...ex.wire.errorHeaders(status),
    ...extra,
  });
}

function retryAfterHeaders(fault: Extract<OutcomeFault, { kind: 'status' }>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  return headers;
}

/** Applies the faults that look the same on every endpoint (hang, reset, status); true when it did. */
function answerConnectionFault(ex: Exchange, fault: OutcomeFault | undefined): boolean {
  switch (fault?.kind) {
    case 'hang':
      return true; // held until the client gives up or close() destroys the socket
    case 'reset':
      cutByEmulator.add(ex.req.socket);
      ex.req.socket.resetAndDestroy();
      return true;
    case 'status':
      sendProviderError(ex, fault.code, fault.message, retryAfterHeaders(fault));
      return true;
    default:
      return false;
  }
}

function flush(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => res.write(text, () => resolve()));
}

/** Answers a chat completion (JSON or SSE) as `fault` dictates, or normally when there is none. */
export async function answerCompletion(
  ex: Exchange,
  fault: OutcomeFault | undefined,
  reply: ReplyContext,
  stream: boolean,
): Promise<void> {
  if (answerConnectionFault(ex, fault)) return;
  const { wire, res } = ex;
  const headers = {
    [wire.requestIdHeader]: ex.requestId,
    ...(reply.rateLimit === undefined ? {} : wire.rateLimitHeaders(reply.rateLimit, reply.nowMs)),
  };
  if (!stream) {
    if (fault?.kind === 'malformed_json') sendText(res, 200, wire.malformedCompletion(reply), headers);
    else sendJson(res, 200, wire.completion(reply), headers);
    return;
  }
  const sse = wire.stream(reply);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...headers,
  });
  if (fault?.kind === 'malformed_json') {
    res.end([...sse.preamble, wire.malformedFrame(reply)].join(''));
    return;
  }
  if (fault?.kind === 'stream_cut') {
    await flush(res, [...sse.preamble, ...sse.deltas.slice(0, fault.afterChunks)].join(''));
    if (await systemSleep(STREAM_CUT_GRACE_MS, ex.signal)) {
      cutByEmulator.add(ex.req.socket);
      ex.req.socket.destroy();
    }
    return;
  }
  res.end([...sse.preamble, ...sse.deltas, ...sse.finish].join(''));
}

/**
 * Answers a JSON endpoint other than a completion (a listing, embeddings, count_tokens) as `fault`
 * dictates (schema_change and stream_cut never reach one).
 */
export function answerJson(ex: Exchange, fault: OutcomeFault | undefined, body: unknown): void {
  if (answerConnectionFault(ex, fault)) return;
  const headers = { [ex.wire.requestIdHeader]: ex.requestId };
  if (fault?.kind === 'malformed_json') sendText(ex.res, 200, truncateJson(JSON.stringify(body)), headers);
  else sendJson(ex.res, 200, body, headers);
}

/** Answers GET /v1/models as `fault` dictates. */
export function answerModels(ex: Exchange, fault: OutcomeFault | undefined, list: unknown): void {
  answerJson(ex, fault, list);
}

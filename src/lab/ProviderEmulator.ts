import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { systemClock, type Clock, type Sleep } from '../clock/Clock.js';
import { systemSleep } from '../clock/Scheduler.js';
import { countTokensBody } from './anthropicCountTokens.js';
import { anthropicWire } from './anthropicWire.js';
import { approximateTokens, assistantText, chunkText } from './assistantText.js';
import { pageListing, pageQuery } from './cursorPages.js';
import { EmulatorLedger, type EmulatorStats, type RequestRecord } from './EmulatorLedger.js';
import { ExchangeLog, type ExchangeRecord } from './ExchangeLog.js';
import {
  answerCompletion,
  answerJson,
  outcomeStatus,
  sendJson,
  sendProviderError,
  wasCutByEmulator,
  type Exchange,
} from './FaultResponder.js';
import { FaultTimeline, type FaultDecision, type RequestKind, type RequestTarget } from './FaultTimeline.js';
import { fileListPage } from './labFiles.js';
import { embeddingsBody, parseEmbeddingsRequest } from './openaiEmbeddings.js';
import { openaiResponsesWire } from './openaiResponsesWire.js';
import { openaiWire } from './openaiWire.js';
import { RateLimitWindows } from './RateLimitWindows.js';
import { isRejection, type ChatRequest, type ProviderWire, type WireRejection } from './ProviderWire.js';
import { formatIssuePath } from './ScenarioError.js';
import { parseScenario, type Scenario, type ScenarioInput } from './ScenarioSchema.js';
import { createSeededRandom, type RandomSource } from './seededRandom.js';

/** Default bind address: loopback only. */
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';
/** The scenario used when none is given: no phases, every request answered normally. */
export const HEALTHY_SCENARIO: ScenarioInput = { name: 'healthy', seed: 1, phases: [] };

// Requests larger than this get a 413, like the real APIs' size limits (scaled down).
const MAX_BODY_BYTES = 4 * 1024 * 1024;
// Anthropic's default page size of GET /v1/models.
const ANTHROPIC_MODEL_PAGE = 20;

const isFunction = (v: unknown): boolean => typeof v === 'function';

/** Options of startProviderEmulator, checked once before anything is bound. */
export const ProviderEmulatorOptionsSchema = z.strictObject({
  /** The fault scenario (validated with ScenarioSchema); healthy when omitted. */
  scenario: z.unknown().optional(),
  /** TCP port; 0 (the default) picks a free one. */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Address to bind; 127.0.0.1 by default. */
  host: z.string().min(1).optional(),
  /** Epoch-ms clock driving the timeline (and the `created` fields). */
  clock: z.custom<Clock>(isFunction, { message: 'expected a function () => number' }).optional(),
  /** Random source deciding faults; a mulberry32 seeded with `scenario.seed` by default. */
  random: z.custom<RandomSource>(isFunction, { message: 'expected a function () => number' }).optional(),
  /** How latency faults wait; real timers by default. Must resolve early when its signal aborts. */
  sleep: z.custom<Sleep>(isFunction, { message: 'expected a function (ms, signal) => Promise' }).optional(),
  /** How many request records `stats().history` keeps (default 1000). */
  historyLimit: z.number().int().min(0).optional(),
  /** Called with each request's record as soon as its fate is decided (for logging). */
  onRequest: z
    .custom<(record: RequestRecord) => void>(isFunction, { message: 'expected a function' })
    .optional(),
});

/** Options of startProviderEmulator, as the caller writes them. */
export type ProviderEmulatorOptions = Omit<z.input<typeof ProviderEmulatorOptionsSchema>, 'scenario'> & {
  /** The fault scenario (validated with ScenarioSchema); healthy when omitted. */
  scenario?: ScenarioInput;
};

/** A running provider emulator. */
export interface ProviderEmulator {
  /** Server root, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** `baseURL` for the openai SDK (`…/v1`; it posts to `/chat/completions`). */
  readonly openaiBaseURL: string;
  /** `baseURL` for @anthropic-ai/sdk (the root; it posts to `/v1/messages`). */
  readonly anthropicBaseURL: string;
  /** The scenario in force. */
  readonly scenario: Scenario;
  /** Request counts per route, model and endpoint, faults fired and recent request records. */
  stats(): EmulatorStats;
  /**
   * Every HTTP request received (bounded like the history), oldest first, with when it started and
   * ended and whether the client closed it before the answer; only `endpoint`'s (`POST /v1/messages`).
   */
  exchanges(endpoint?: string): ExchangeRecord[];
  /** Resolves once every request received so far has ended (answered, or its connection closed). */
  whenIdle(): Promise<void>;
  /** Validates and switches to another scenario; its timeline and seeded random start afresh. */
  setScenario(scenario: ScenarioInput): void;
  /** Stops listening and destroys every open connection (hung requests included); idempotent. */
  close(): Promise<void>;
}

function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function invalidOptions(error: z.ZodError): TypeError {
  const issue = error.issues[0];
  const path = issue === undefined ? 'options' : `options.${formatIssuePath(issue.path)}`;
  return new TypeError(`startProviderEmulator: invalid ${path}: ${issue?.message ?? 'bad options'}`);
}

/** Reads the request body as text; undefined when it exceeds `limit` bytes (the rest is drained). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size <= limit) parts.push(buffer);
  }
  return size > limit ? undefined : Buffer.concat(parts).toString('utf8');
}

function readJson(raw: string | undefined): { json: unknown } | WireRejection {
  if (raw === undefined) return { status: 413, message: 'Request body too large.' };
  try {
    return { json: JSON.parse(raw) as unknown };
  } catch {
    return { status: 400, message: 'The request body is not valid JSON.' };
  }
}

function readRequest(wire: ProviderWire, raw: string | undefined): ChatRequest | WireRejection {
  const read = readJson(raw);
  return 'json' in read ? wire.parseRequest(read.json) : read;
}

/** What a plain JSON endpoint answers: its body (and the model it names), or a 4xx. */
type PlainReply = { readonly model?: string; readonly body: unknown } | WireRejection;

function requestIdOf(seq: number): string {
  return `req_lab${seq.toString(36).padStart(8, '0')}`;
}

// GET /v1/models is shared by both SDKs; the Anthropic one always sends these headers.
function isAnthropicClient(req: IncomingMessage): boolean {
  return req.headers['anthropic-version'] !== undefined || req.headers['x-api-key'] !== undefined;
}

function urlOf(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://lab');
}

function pathOf(req: IncomingMessage): string {
  return urlOf(req).pathname.replace(/\/+$/u, '') || '/';
}

function httpEndpointOf(req: IncomingMessage): string {
  return `${req.method ?? 'GET'} ${pathOf(req)}`;
}

/**
 * Starts a loopback HTTP server speaking the OpenAI and Anthropic wire formats (JSON and SSE) with
 * the scenario's faults. Routes: POST /v1/chat/completions, POST /v1/responses, POST /v1/embeddings,
 * GET /v1/files (cursor pages), POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models
 * (Anthropic format and `after_id` pages when the request carries `anthropic-version` or
 * `x-api-key`), GET /_lab/stats. Rejects with a TypeError naming a bad option, a ScenarioError
 * naming a bad scenario path, or an error with `code` (e.g. EADDRINUSE) when it cannot listen.
 */
export async function startProviderEmulator(
  options: ProviderEmulatorOptions = {},
): Promise<ProviderEmulator> {
  const parsed = ProviderEmulatorOptionsSchema.safeParse(options);
  if (!parsed.success) throw invalidOptions(parsed.error);
  const { clock = systemClock, sleep = systemSleep, random: injectedRandom, onRequest } = parsed.data;
  const ledger = new EmulatorLedger(parsed.data.historyLimit);
  const exchanges = new ExchangeLog(parsed.data.historyLimit);
  const startedAt = clock();

  let scenario = parseScenario(options.scenario ?? HEALTHY_SCENARIO);
  let timeline = new FaultTimeline(scenario);
  let random = injectedRandom ?? createSeededRandom(scenario.seed);
  let windows = new RateLimitWindows(scenario.rateLimits);
  let origin = clock();
  let seq = 0;
  const elapsedMs = (): number => clock() - origin;

  function record(entry: RequestRecord): void {
    ledger.record(entry);
    onRequest?.(entry);
  }

  /** Answers a request the provider itself would refuse (4xx), before any fault applies. */
  function refuse(
    ex: Exchange,
    n: number,
    refusal: WireRejection,
    request: { model?: string; stream?: boolean } | undefined,
    kind: RequestKind = 'completion',
  ): void {
    record({
      seq: n,
      atMs: elapsedMs(),
      route: ex.wire.route,
      endpoint: kind,
      httpEndpoint: httpEndpointOf(ex.req),
      model: request?.model,
      stream: request?.stream ?? false,
      phase: undefined,
      delayMs: 0,
      fault: undefined,
      status: refusal.status,
    });
    sendProviderError(ex, refusal.status, refusal.message);
  }

  /** Decides a request's fate on the timeline, records it, and waits out its latency. */
  async function decide(
    n: number,
    target: RequestTarget,
    req: IncomingMessage,
    signal: AbortSignal,
  ): Promise<FaultDecision | undefined> {
    const atMs = elapsedMs();
    const decision = timeline.decide(atMs, target, random);
    const { fault } = decision;
    const detail =
      fault?.kind === 'schema_change'
        ? fault.change
        : fault?.kind === 'stream_cut'
          ? `afterChunks=${fault.afterChunks}`
          : undefined;
    record({
      seq: n,
      atMs,
      route: target.route,
      endpoint: target.kind,
      httpEndpoint: httpEndpointOf(req),
      model: target.model,
      stream: target.stream,
      phase: decision.phaseIndex,
      delayMs: decision.delayMs,
      fault: fault?.kind,
      status: outcomeStatus(fault),
      ...(detail === undefined ? {} : { detail }),
    });
    if (decision.delayMs > 0) await sleep(decision.delayMs, signal);
    return signal.aborted ? undefined : decision;
  }

  async function completion(
    wire: ProviderWire,
    req: IncomingMessage,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const raw = await readBody(req, MAX_BODY_BYTES);
    const served = scenario; // a setScenario() during the latency must not change this reply
    const n = ++seq;
    const ex: Exchange = { wire, req, res, requestId: requestIdOf(n), signal };
    const request = readRequest(wire, raw);
    if (isRejection(request)) return refuse(ex, n, request, undefined);
    if (served.models !== undefined && !served.models.includes(request.model)) {
      return refuse(ex, n, { status: 404, message: `model: ${request.model} does not exist` }, request);
    }
    const { model, stream } = request;
    const decision = await decide(n, { route: wire.route, model, stream, kind: 'completion' }, req, signal);
    if (decision === undefined) return;
    const text = assistantText(served.seed, request.prompt);
    const completionTokens = approximateTokens(text);
    const now = clock();
    const rateLimit = windows.take(`${wire.route}:${model}`, request.promptTokens + completionTokens, now);
    await answerCompletion(
      ex,
      decision.fault,
      {
        id: wire.responseId(n),
        model,
        text,
        chunks: chunkText(text),
        nowMs: now,
        promptTokens: request.promptTokens,
        completionTokens,
        includeUsage: request.includeUsage,
        change: decision.fault?.kind === 'schema_change' ? decision.fault.change : undefined,
        rateLimit,
      },
      stream,
    );
  }

  /** A JSON endpoint other than a completion: body read (POST), `reply` built, faults applied. */
  async function plain(
    wire: ProviderWire,
    kind: RequestKind,
    req: IncomingMessage,
    res: ServerResponse,
    signal: AbortSignal,
    reply: (json: unknown, served: Scenario) => PlainReply,
  ): Promise<void> {
    const read: { json: unknown } | WireRejection =
      req.method === 'POST'
        ? readJson(await readBody(req, MAX_BODY_BYTES))
        : (req.resume(), { json: undefined });
    const served = scenario;
    const n = ++seq;
    const ex: Exchange = { wire, req, res, requestId: requestIdOf(n), signal };
    const answer = 'json' in read ? reply(read.json, served) : read;
    if (isRejection(answer)) return refuse(ex, n, answer, undefined, kind);
    const target: RequestTarget = { route: wire.route, model: answer.model, stream: false, kind };
    const decision = await decide(n, target, req, signal);
    if (decision !== undefined) answerJson(ex, decision.fault, answer.body);
  }

  function models(wire: ProviderWire, req: IncomingMessage, served: Scenario): PlainReply {
    const list = wire.modelList(served.models ?? wire.defaultModels, clock());
    // OpenAI lists every model on one page; Anthropic pages with after_id / before_id / limit.
    if (wire.route === 'openai') return { body: list };
    return { body: pageListing(list, pageQuery(urlOf(req)), ANTHROPIC_MODEL_PAGE) };
  }

  function embeddings(json: unknown, served: Scenario): PlainReply {
    const request = parseEmbeddingsRequest(json);
    if (isRejection(request)) return request;
    return { model: request.model, body: embeddingsBody(served.seed, request) };
  }

  function countTokens(json: unknown): PlainReply {
    const counted = countTokensBody(json);
    if (isRejection(counted)) return counted;
    return { model: (json as { model: string }).model, body: counted };
  }

  async function route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/v1/chat/completions') return completion(openaiWire, req, res, signal);
    if (method === 'POST' && path === '/v1/messages') return completion(anthropicWire, req, res, signal);
    if (method === 'POST' && path === '/v1/responses')
      return completion(openaiResponsesWire, req, res, signal);
    if (method === 'POST' && path === '/v1/embeddings') {
      return plain(openaiWire, 'embeddings', req, res, signal, embeddings);
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      return plain(anthropicWire, 'count_tokens', req, res, signal, countTokens);
    }
    if (method === 'GET' && path === '/v1/models') {
      const wire = isAnthropicClient(req) ? anthropicWire : openaiWire;
      return plain(wire, 'models', req, res, signal, (_json, served) => models(wire, req, served));
    }
    if (method === 'GET' && path === '/v1/files') {
      return plain(openaiWire, 'files', req, res, signal, () => ({
        body: fileListPage(pageQuery(urlOf(req))),
      }));
    }
    req.resume();
    if (method === 'GET' && path === '/_lab/stats') return sendJson(res, 200, emulator.stats());
    if (method === 'GET' && path === '/') {
      return sendJson(res, 200, {
        emulator: 'infrastructure-consciousness lab',
        scenario: scenario.name,
        openaiBaseURL: emulator.openaiBaseURL,
        anthropicBaseURL: emulator.anthropicBaseURL,
      });
    }
    sendJson(res, 404, {
      type: 'error',
      error: { type: 'not_found_error', message: `No route for ${method} ${path}` },
    });
  }

  const sockets = new Set<Socket>();
  const inflight = new Set<AbortController>();
  let shuttingDown = false;
  const server = createServer((req, res) => {
    const controller = new AbortController();
    const exchange = exchanges.start(httpEndpointOf(req), clock() - startedAt);
    inflight.add(controller);
    res.once('close', () => {
      controller.abort();
      inflight.delete(controller);
      exchanges.end(exchange, clock() - startedAt, {
        answered: res.writableFinished,
        closedByServer: shuttingDown || wasCutByEmulator(req.socket),
        status: res.headersSent ? res.statusCode : undefined,
      });
    });
    route(req, res, controller.signal).catch(() => {
      // Only a broken connection or a bug lands here; never let it take the host process down.
      if (res.headersSent || res.destroyed) res.destroy();
      else sendJson(res, 500, { error: { message: 'lab emulator error', type: 'server_error' } });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const port = parsed.data.port ?? 0;
  const host = parsed.data.host ?? DEFAULT_EMULATOR_HOST;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const message = `startProviderEmulator: cannot listen on ${baseUrl(host, port)}: ${err.message}`;
      reject(Object.assign(new Error(message, { cause: err }), { code: err.code }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  // Once listening, a stray server error must not crash the host process.
  server.on('error', () => undefined);

  const bound = (server.address() as AddressInfo).port;
  const url = baseUrl(host, bound);
  let closing: Promise<void> | undefined;
  const emulator: ProviderEmulator = {
    url,
    port: bound,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    get scenario() {
      return scenario;
    },
    stats: () => ledger.snapshot(scenario.name, elapsedMs()),
    exchanges: (endpoint) => exchanges.list(endpoint),
    whenIdle: () => exchanges.whenIdle(),
    setScenario(next) {
      const validated = parseScenario(next);
      scenario = validated;
      timeline = new FaultTimeline(validated);
      random = injectedRandom ?? createSeededRandom(validated.seed);
      windows = new RateLimitWindows(validated.rateLimits);
      origin = clock();
    },
    close() {
      shuttingDown = true;
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Aborting ends latency sleeps (and their timers); destroying ends hung and keep-alive sockets.
        for (const controller of inflight) controller.abort();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
  return emulator;
}

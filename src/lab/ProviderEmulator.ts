import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { systemClock, systemSleep, type Clock, type Sleep } from '../clock/Clock.js';
import { anthropicWire } from './anthropicWire.js';
import { approximateTokens, assistantText, chunkText } from './assistantText.js';
import { EmulatorLedger, type EmulatorStats, type RequestRecord } from './EmulatorLedger.js';
import {
  answerCompletion,
  answerModels,
  outcomeStatus,
  sendJson,
  sendProviderError,
  type Exchange,
} from './FaultResponder.js';
import { FaultTimeline, type FaultDecision, type RequestTarget } from './FaultTimeline.js';
import { openaiWire } from './openaiWire.js';
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
  /** Request counts per route and model, faults fired and recent request records. */
  stats(): EmulatorStats;
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

function readRequest(wire: ProviderWire, raw: string | undefined): ChatRequest | WireRejection {
  if (raw === undefined) return { status: 413, message: 'Request body too large.' };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { status: 400, message: 'The request body is not valid JSON.' };
  }
  return wire.parseRequest(body);
}

function requestIdOf(seq: number): string {
  return `req_lab${seq.toString(36).padStart(8, '0')}`;
}

// GET /v1/models is shared by both SDKs; the Anthropic one always sends these headers.
function isAnthropicClient(req: IncomingMessage): boolean {
  return req.headers['anthropic-version'] !== undefined || req.headers['x-api-key'] !== undefined;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://lab').pathname.replace(/\/+$/u, '') || '/';
}

/**
 * Starts a loopback HTTP server speaking the OpenAI chat-completions and Anthropic messages wire
 * formats (JSON and SSE) with the scenario's faults. Routes: POST /v1/chat/completions,
 * POST /v1/messages, GET /v1/models (Anthropic format when the request carries `anthropic-version`
 * or `x-api-key`), GET /_lab/stats. Rejects with a TypeError naming a bad option, a ScenarioError
 * naming a bad scenario path, or an error with `code` (e.g. EADDRINUSE) when it cannot listen.
 */
export async function startProviderEmulator(
  options: ProviderEmulatorOptions = {},
): Promise<ProviderEmulator> {
  const parsed = ProviderEmulatorOptionsSchema.safeParse(options);
  if (!parsed.success) throw invalidOptions(parsed.error);
  const { clock = systemClock, sleep = systemSleep, random: injectedRandom, onRequest } = parsed.data;
  const ledger = new EmulatorLedger(parsed.data.historyLimit);

  let scenario = parseScenario(options.scenario ?? HEALTHY_SCENARIO);
  let timeline = new FaultTimeline(scenario);
  let random = injectedRandom ?? createSeededRandom(scenario.seed);
  let origin = clock();
  let seq = 0;
  const elapsedMs = (): number => clock() - origin;

  function record(entry: RequestRecord): void {
    ledger.record(entry);
    onRequest?.(entry);
  }

  /** Answers a request the provider itself would refuse (4xx), before any fault applies. */
  function refuse(ex: Exchange, n: number, refusal: WireRejection, request: ChatRequest | undefined): void {
    record({
      seq: n,
      atMs: elapsedMs(),
      route: ex.wire.route,
      endpoint: 'completion',
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
    const decision = await decide(n, { route: wire.route, model, stream, kind: 'completion' }, signal);
    if (decision === undefined) return;
    const text = assistantText(served.seed, request.prompt);
    await answerCompletion(
      ex,
      decision.fault,
      {
        id: wire.responseId(n),
        model,
        text,
        chunks: chunkText(text),
        nowMs: clock(),
        promptTokens: request.promptTokens,
        completionTokens: approximateTokens(text),
        includeUsage: request.includeUsage,
        change: decision.fault?.kind === 'schema_change' ? decision.fault.change : undefined,
      },
      stream,
    );
  }

  async function models(
    wire: ProviderWire,
    req: IncomingMessage,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const n = ++seq;
    const target: RequestTarget = { route: wire.route, model: undefined, stream: false, kind: 'models' };
    const decision = await decide(n, target, signal);
    if (decision === undefined) return;
    const list = wire.modelList(scenario.models ?? wire.defaultModels, clock());
    answerModels({ wire, req, res, requestId: requestIdOf(n), signal }, decision.fault, list);
  }

  async function route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/v1/chat/completions') return completion(openaiWire, req, res, signal);
    if (method === 'POST' && path === '/v1/messages') return completion(anthropicWire, req, res, signal);
    req.resume();
    if (method === 'GET' && path === '/v1/models') {
      return models(isAnthropicClient(req) ? anthropicWire : openaiWire, req, res, signal);
    }
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
  const server = createServer((req, res) => {
    const controller = new AbortController();
    inflight.add(controller);
    res.once('close', () => {
      controller.abort();
      inflight.delete(controller);
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
    setScenario(next) {
      const validated = parseScenario(next);
      scenario = validated;
      timeline = new FaultTimeline(validated);
      random = injectedRandom ?? createSeededRandom(validated.seed);
      origin = clock();
    },
    close() {
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

import Anthropic, { type ClientOptions as AnthropicOptions } from '@anthropic-ai/sdk';
import OpenAI, { type ClientOptions as OpenAIOptions } from 'openai';
import type { Registry } from 'prom-client';
import { expect } from 'vitest';
import type { ExchangeRecord } from '../../src/lab/ExchangeLog.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import type { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import type { WithConsciousnessOptions } from '../../src/wrap/WithConsciousnessOptions.js';
import { sleepOn, type ClockOption } from '../../src/clock/Scheduler.js';
import { freshInfrastructure } from '../support/fixtures.js';
import type { VirtualClock } from '../support/VirtualClock.js';

/** One scriptable fault, as a scenario phase lists it. */
export type FaultInput = ScenarioInput['phases'][number]['faults'][number];

/** A permanent 500 whose Retry-After (1 ms) keeps the SDK's own backoff out of the test's time. */
export const SERVER_ERROR: FaultInput = { kind: 'status', code: 500, rate: 1, retryAfterMs: 1 };
/** A request held until the client gives up. */
export const HANG: FaultInput = { kind: 'hang', rate: 1 };

/** Endpoints as the emulator's exchange log names them. */
export const CHAT = 'POST /v1/chat/completions';
export const RESPONSES = 'POST /v1/responses';
export const EMBEDDINGS = 'POST /v1/embeddings';
export const FILES = 'GET /v1/files';
export const MODELS = 'GET /v1/models';
export const MESSAGES = 'POST /v1/messages';
export const COUNT_TOKENS = 'POST /v1/messages/count_tokens';

/** What the user asks in these tests. */
export const PROMPT = 'Hello circle, how are the voices today?';
/** Chat params for the openai client. */
export const CHAT_PARAMS = { model: 'lab-gpt', messages: [{ role: 'user' as const, content: PROMPT }] };
/** Message params for the anthropic client. */
export const MESSAGE_PARAMS = {
  model: 'lab-claude',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: PROMPT }],
};

function scenarioOf(faults: readonly FaultInput[] | undefined, base: Partial<ScenarioInput>): ScenarioInput {
  return {
    name: 'sdk',
    seed: 7,
    ...base,
    phases: [...(base.phases ?? []), ...(faults?.length ? [{ atMs: 0, faults: [...faults] }] : [])],
  };
}

/** One request as the SDK client sent it: when its fetch started, and when that fetch settled. */
export interface SentRequest {
  /** `METHOD /path`, as the emulator's exchange log names endpoints. */
  readonly endpoint: string;
  readonly startTick: number;
  /** Undefined while the fetch is pending (answered, failed or aborted sets it). */
  endTick: number | undefined;
}

/** A running emulator with the SDK clients pointed at it. */
export interface Lab {
  readonly emulator: ProviderEmulator;
  /** The requests the lab's clients sent to `endpoint`, in order, by their own fetch. */
  sent(endpoint: string): SentRequest[];
  /** A real openai client with the SDK's defaults (maxRetries 2) unless `options` say otherwise. */
  openai(options?: Partial<OpenAIOptions>): OpenAI;
  /** A real @anthropic-ai/sdk client with the SDK's defaults (maxRetries 2) unless `options` say otherwise. */
  anthropic(options?: Partial<AnthropicOptions>): Anthropic;
  /** The HTTP requests received on `endpoint` (`POST /v1/chat/completions`), once all have ended. */
  exchanges(endpoint: string): Promise<ExchangeRecord[]>;
  /** How many HTTP requests `endpoint` received, once all have ended. */
  count(endpoint: string): Promise<number>;
}

const running: ProviderEmulator[] = [];

/** Closes every emulator the test started (use in afterEach). */
export async function closeLabs(): Promise<void> {
  await Promise.all(running.splice(0).map((e) => e.close()));
}

/**
 * Starts the emulator. `faults` apply to every request; `plan(n)` instead gives the faults of the
 * n-th request the emulator decides (1-based; undefined or [] = answered normally), so a test can
 * fail exactly the requests it means to. `base` adds scenario fields (models, extra phases).
 * The clients' requests are recorded as they send them (`sent`).
 */
export async function startLab(
  setup: {
    faults?: readonly FaultInput[];
    plan?: (n: number) => readonly FaultInput[] | undefined;
    base?: Partial<ScenarioInput>;
    /** The clients' fetch rejects this long after it failed (a connection slow to tear down). */
    failsLateMs?: number;
    /** Virtual time for the emulator's timeline and latencies and for `failsLateMs` (real by default). */
    time?: VirtualClock;
  } = {},
): Promise<Lab> {
  const base = setup.base ?? {};
  const plan = setup.plan;
  const time = setup.time;
  const started: ProviderEmulator = await startProviderEmulator({
    scenario: scenarioOf(plan?.(1) ?? setup.faults, base),
    ...(time === undefined ? {} : { clock: time.clock, sleep: sleepOn(time) }),
    // Called once the n-th request's fate is decided: the next request gets plan(n + 1).
    onRequest: (record) => {
      if (plan !== undefined) started.setScenario(scenarioOf(plan(record.seq + 1), base));
    },
  });
  running.push(started);
  const exchanges = async (endpoint: string): Promise<ExchangeRecord[]> => {
    await started.whenIdle();
    return started.exchanges(endpoint);
  };
  // The clients' own view of their requests: the emulator sees a closed connection some turns of
  // its event loop after the client closed it, possibly after the next connection's request.
  const sent: SentRequest[] = [];
  let tick = 0;
  const recordingFetch: typeof fetch = (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request?.url ?? String(input));
    const record: SentRequest = {
      endpoint: `${init?.method ?? request?.method ?? 'GET'} ${url.pathname}`,
      startTick: ++tick,
      endTick: undefined,
    };
    sent.push(record);
    const settled = (): void => {
      record.endTick = ++tick;
    };
    const failsLateMs = setup.failsLateMs;
    const response =
      failsLateMs === undefined
        ? fetch(input, init)
        : fetch(input, init).catch(async (err: unknown) => {
            await new Promise<void>((resolve) =>
              time === undefined ? setTimeout(resolve, failsLateMs) : time.setTimeout(resolve, failsLateMs),
            );
            throw err;
          });
    response.then(settled, settled);
    return response;
  };
  return {
    emulator: started,
    sent: (endpoint) => sent.filter((r) => r.endpoint === endpoint),
    openai: (options = {}) =>
      new OpenAI({
        baseURL: started.openaiBaseURL,
        apiKey: 'sk-lab-test',
        logLevel: 'off',
        fetch: recordingFetch,
        ...options,
      }),
    anthropic: (options = {}) =>
      new Anthropic({
        baseURL: started.anthropicBaseURL,
        apiKey: 'sk-ant-lab-test',
        logLevel: 'off',
        fetch: recordingFetch,
        ...options,
      }),
    exchanges,
    count: async (endpoint) => (await exchanges(endpoint)).length,
  };
}

/** A wrapped client and the brain it reports to. */
export interface Wrapped<T> {
  readonly wrapped: T;
  readonly infrastructure: InfrastructureConsciousness;
  readonly registry: Registry;
  readonly logLines: () => string[];
}

/**
 * `withConsciousness(client)` on a fresh brain, with short backoff delays and a breaker that does
 * not open within a test unless `options.breaker` says so. `retry.maxAttempts` is not set: the
 * wrapper's attempts come from the client's own `maxRetries`. `clock` is the brain's (and the
 * call path's) clock option, the real one by default.
 */
export function wrap<T extends object>(
  client: T,
  options: WithConsciousnessOptions<T> = {},
  clock?: ClockOption,
): Wrapped<T> {
  const { infrastructure, registry, logLines } = freshInfrastructure(clock);
  const wrapped = withConsciousness(client, {
    name: 'sdk',
    infrastructure,
    ...options,
    retry: { initialDelayMs: 1, maxDelayMs: 5, ...options.retry },
    breaker: { volumeThreshold: 1000, ...options.breaker },
  });
  return { wrapped, infrastructure, registry, logLines };
}

/** Sum of a metric's samples whose labels include `labels` (0 when there are none). */
export async function metricSum(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  let sum = 0;
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) {
      const metricName = (v as { metricName?: string }).metricName ?? metric.name;
      if (metricName !== name) continue;
      const l = v.labels as Record<string, string | number>;
      if (Object.entries(labels).every(([k, val]) => String(l[k]) === val)) sum += v.value;
    }
  }
  return sum;
}

/** Caller calls counted for `method` of the voice (every outcome). */
export function callsCounted(registry: Registry, method: string, adapter = 'sdk'): Promise<number> {
  return metricSum(registry, 'fire_circle_adapter_calls_total', { adapter, method });
}

/** Retries the wrapper made on the voice (every category). */
export function retriesCounted(registry: Registry, adapter = 'sdk'): Promise<number> {
  return metricSum(registry, 'fire_circle_adapter_retries_total', { adapter });
}

/** Awaits `promise` expecting a rejection; returns the error (fails the test if it resolves). */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Each of `members` has the same type on the wrapped object as on the unwrapped one (and is present). */
export function expectSameMembers(wrapped: unknown, unwrapped: unknown, members: readonly string[]): void {
  const kinds = (o: unknown): Record<string, string> =>
    Object.fromEntries(members.map((m) => [m, typeof (o as Record<string, unknown>)[m]]));
  expect(kinds(wrapped)).toEqual(kinds(unwrapped));
  for (const m of members) expect((unwrapped as Record<string, unknown>)[m], m).not.toBeUndefined();
}

/**
 * Requests in order, as the client sent them; each started only after the fetch before it had
 * settled (aborted: its connection closed by the client).
 */
export function expectOneAtATime(requests: readonly SentRequest[]): void {
  for (let i = 1; i < requests.length; i++) {
    expect(requests[i]!.startTick, `request ${i + 1} started before request ${i} ended`).toBeGreaterThan(
      requests[i - 1]!.endTick ?? Number.POSITIVE_INFINITY,
    );
  }
}

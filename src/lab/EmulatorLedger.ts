import type { RequestKind } from './FaultTimeline.js';
import type { FaultKind, Route } from './ScenarioSchema.js';

/** What the emulator did with one request. */
export interface RequestRecord {
  /** 1-based arrival number (of requests whose body was read). */
  readonly seq: number;
  /** Time since the scenario started, by the emulator's clock. */
  readonly atMs: number;
  /** Wire format. */
  readonly route: Route;
  /** A completion, or which plain JSON endpoint. */
  readonly endpoint: RequestKind;
  /** `METHOD /path`, e.g. `POST /v1/responses`: the key of `stats().endpoints`. */
  readonly httpEndpoint: string;
  /** Requested model (undefined for listings and unparseable requests). */
  readonly model: string | undefined;
  /** Whether SSE was asked for. */
  readonly stream: boolean;
  /** Index of the scenario phase that decided, undefined when none matched. */
  readonly phase: number | undefined;
  /** Latency added before answering. */
  readonly delayMs: number;
  /** The outcome fault that fired, undefined for a normal answer (or a 4xx for a bad request). */
  readonly fault: FaultKind | undefined;
  /** HTTP status sent; undefined when none was (reset, hang, stream cut after 200 counts as 200). */
  readonly status: number | undefined;
  /** Fault detail: the schema change, or `afterChunks=N` for a stream cut. */
  readonly detail?: string;
}

/** Request, streaming, fault and status counts of one route or model. */
export interface TrafficCounts {
  /** Requests received. */
  requests: number;
  /** Of which asked for SSE. */
  streamed: number;
  /** Faults fired by kind (`latency` counts requests that were delayed). */
  faults: Partial<Record<FaultKind, number>>;
  /** Responses by HTTP status code. */
  statuses: Record<string, number>;
}

/** Counts of one route, in total and per model. */
export interface RouteTraffic extends TrafficCounts {
  /** Completion traffic per requested model. */
  models: Record<string, TrafficCounts>;
}

/** A snapshot of what the emulator has served. */
export interface EmulatorStats {
  /** Name of the current scenario. */
  scenario: string;
  /** Time on the current scenario's clock. */
  elapsedMs: number;
  /** Requests received in total. */
  requests: number;
  /** Per wire format. */
  routes: Record<Route, RouteTraffic>;
  /** Per `METHOD /path` (e.g. `POST /v1/embeddings`), both wire formats together. */
  endpoints: Record<string, TrafficCounts>;
  /** The most recent requests, oldest first (bounded). */
  history: RequestRecord[];
}

function emptyCounts(): TrafficCounts {
  return { requests: 0, streamed: 0, faults: {}, statuses: {} };
}

function count(counts: TrafficCounts, record: RequestRecord): void {
  counts.requests++;
  if (record.stream) counts.streamed++;
  if (record.delayMs > 0) counts.faults.latency = (counts.faults.latency ?? 0) + 1;
  if (record.fault !== undefined) counts.faults[record.fault] = (counts.faults[record.fault] ?? 0) + 1;
  if (record.status !== undefined) {
    const key = String(record.status);
    counts.statuses[key] = (counts.statuses[key] ?? 0) + 1;
  }
}

/** Tallies requests per route and model and keeps a bounded history, for `stats()`. */
export class EmulatorLedger {
  #requests = 0;
  readonly #routes: Record<Route, TrafficCounts> = { openai: emptyCounts(), anthropic: emptyCounts() };
  // Maps, not objects, so any model id (even `__proto__`) is a plain key.
  readonly #models: Record<Route, Map<string, TrafficCounts>> = { openai: new Map(), anthropic: new Map() };
  readonly #endpoints = new Map<string, TrafficCounts>();
  #history: RequestRecord[] = [];
  readonly #historyLimit: number;

  /** Keeps at most `historyLimit` records in the history. */
  constructor(historyLimit = 1000) {
    this.#historyLimit = historyLimit;
  }

  /** Counts one request. */
  record(record: RequestRecord): void {
    this.#requests++;
    count(this.#routes[record.route], record);
    let perEndpoint = this.#endpoints.get(record.httpEndpoint);
    if (perEndpoint === undefined) this.#endpoints.set(record.httpEndpoint, (perEndpoint = emptyCounts()));
    count(perEndpoint, record);
    if (record.endpoint === 'completion' && record.model !== undefined) {
      const models = this.#models[record.route];
      let perModel = models.get(record.model);
      if (perModel === undefined) models.set(record.model, (perModel = emptyCounts()));
      count(perModel, record);
    }
    if (this.#historyLimit === 0) return;
    this.#history.push(record);
    if (this.#history.length > this.#historyLimit) this.#history.shift();
  }

  /** A deep copy of the tallies, safe to keep and mutate. */
  snapshot(scenario: string, elapsedMs: number): EmulatorStats {
    const route = (r: Route): RouteTraffic => ({
      ...this.#routes[r],
      models: Object.fromEntries(this.#models[r]),
    });
    return structuredClone({
      scenario,
      elapsedMs,
      requests: this.#requests,
      routes: { openai: route('openai'), anthropic: route('anthropic') },
      endpoints: Object.fromEntries(this.#endpoints),
      history: this.#history,
    });
  }
}

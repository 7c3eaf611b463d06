import type { Clock } from '../clock/Clock.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { InfrastructureMetrics, ModelMetrics } from '../metrics/InfrastructureMetrics.js';
import { OVERFLOW_LABEL_VALUE, UNKNOWN_MODEL_LABEL_VALUE } from '../metrics/metricNames.js';
import { operationName, providerName, type OperationRecord } from './OperationRecord.js';
import { costOf, priceOf, type ModelPrice } from './PriceTable.js';
import {
  readRateLimits,
  headersOf,
  type HeaderSource,
  type RateLimitBudget,
  type RateLimitReading,
} from './readRateLimits.js';
import { readUsage, readUsageInto, UsageScratch } from './readUsage.js';
import { StreamUsageReader } from './StreamUsageReader.js';
import type { TokenUsage, UsageReading } from './TokenUsage.js';
import type { UsageSettings } from './UsageOptions.js';

/** What a meter needs from its owner. */
export interface UsageMeterHost {
  /** Epoch-ms clock. */
  readonly clock: Clock;
  /** Where the one overflow warning goes. */
  readonly logger: ConsciousnessLogger;
  /** The metric families. */
  readonly metrics: InfrastructureMetrics;
  /** Options (price table, model cap). */
  readonly settings: UsageSettings;
  /** Whether anybody listens for operation records (records are only built then); kept up to date by the host. */
  readonly listening: { readonly operation: boolean };
  /** Hands an operation record to the listeners. */
  operation(record: OperationRecord): void;
}

/** Observes one stream's chunks; `end` once it is over (`final`: the iterator's return value). */
export interface StreamUsageObserver {
  /** One delivered chunk (read, never changed). */
  chunk(chunk: unknown): void;
  /** The stream ended (fully read, or the caller stopped); `final` is a generator's return value. */
  end(final?: unknown): void;
}

/** A budget as stored: remaining now, and when it refills (epoch ms). */
interface StoredBudget {
  remaining: number;
  resetAt: number | undefined;
  /** When the attempt whose response carried it started (epoch ms); undefined when not known. */
  startedAt: number | undefined;
}

/** One model of the voice: its series and its latest rate-limit budgets. */
interface ModelSlot {
  readonly metrics: ModelMetrics;
  requests: StoredBudget | undefined;
  tokens: StoredBudget | undefined;
  /** When response headers were last read for this model (epoch ms). */
  headersReadAt: number;
}

/** Tokens and cost of a voice since the process started (the demo's dashboard reads them). */
export interface UsageTotals {
  /** Input tokens. */
  input: number;
  /** Output tokens. */
  output: number;
  /** Cost in the price table's currency (0 without a table). */
  cost: number;
}

// Raw model names cached per voice beyond the label cap (past it they all map to `other`).
const RAW_NAME_FACTOR = 4;
const PRICE_CACHE_LIMIT = 1_000;
/** Least time between two reads of a model's rate-limit headers (ms). */
export const HEADER_READ_MS = 100;

function modelOf(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const model = (request as { model?: unknown }).model;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

/** OpenAI chat streams report usage only when the caller asked for it: nothing to read otherwise. */
function reportsNoUsage(method: string, request: unknown): boolean {
  if (!method.endsWith('chat.completions.create')) return false;
  const options = (request as { stream_options?: { include_usage?: unknown } | null } | null)?.stream_options;
  return options?.include_usage !== true;
}

/**
 * A voice's reader of what providers already return: the usage in results and stream chunks, the
 * rate-limit headers of responses. Never sends a request and never changes the caller's request
 * or result. The call path calls `unary`, `stream`, `headers`, `failed` and `fallback`.
 */
export class UsageMeter {
  /** Provider name hint (`adapter.providerName`), used for OpenTelemetry's `gen_ai.provider.name`. */
  provider: string | undefined;
  /** Tokens and cost so far. */
  readonly totals: UsageTotals = { input: 0, output: 0, cost: 0 };
  private readonly byRaw = new Map<string, ModelSlot>();
  private readonly byLabel = new Map<string, ModelSlot>();
  private readonly foreign = new Map<string, ModelSlot>();
  private readonly prices = new Map<string, ModelPrice | null>();
  /** The model priced last, and its price (undefined: none), answered without the map. */
  private lastPriceModel: string | undefined;
  private lastPrice: ModelPrice | undefined;
  private warned = false;
  private latestRequests: StoredBudget | undefined;
  private lastModel: string | undefined;
  private lastSlot: ModelSlot | undefined;
  /** What `unary` reads a result into while no operation record keeps it. */
  private readonly scratch = new UsageScratch();

  constructor(
    /** Voice name. */
    readonly voice: string,
    private readonly host: UsageMeterHost,
  ) {}

  /**
   * The request budget of the rate-limit headers read last (any model of the voice), or of the attempt started
   * last when attempts overlap: the predictor reads it.
   */
  get requestBudget():
    | {
        readonly remaining: number;
        readonly resetAt: number | undefined;
        readonly startedAt: number | undefined;
      }
    | undefined {
    return this.latestRequests;
  }

  /** Whether usage is read at all (the `usage.enabled` option). */
  get enabled(): boolean {
    return this.host.settings.enabled;
  }

  /** A successful unary attempt: its result's usage (and Fire Circle reply rate limits) recorded. */
  unary(method: string, request: unknown, result: unknown, latencyMs: number): void {
    if (!this.host.settings.enabled) return;
    const listened = this.host.listening.operation;
    // An operation record keeps its reading: a fresh one then; otherwise the meter's own, reused.
    const reading = listened
      ? readUsage(result)
      : readUsageInto(result, this.scratch)
        ? this.scratch
        : undefined;
    if (reading === undefined && !listened) return;
    const requestModel = modelOf(request) ?? reading?.requestModel;
    if (reading !== undefined) {
      const slot = this.record(this.voice, requestModel, reading, latencyMs / 1000);
      const limits = (result as { metadata?: { rateLimits?: RateLimitReading } }).metadata?.rateLimits;
      if (limits !== undefined) {
        const now = this.host.clock();
        this.storeLimits(slot, limits, now, now - latencyMs);
      }
    }
    if (listened) this.emit(this.voice, method, requestModel, reading, latencyMs / 1000, undefined);
  }

  /**
   * A stream whose first chunk arrived; undefined when it cannot report usage and nobody wants
   * operation records (an OpenAI chat stream without `stream_options.include_usage`).
   * `startedAt` (epoch ms) is when its attempt started.
   */
  stream(method: string, request: unknown, startedAt?: number): StreamUsageObserver | undefined {
    if (!this.host.settings.enabled) return undefined;
    if (reportsNoUsage(method, request) && !this.host.listening.operation) return undefined;
    const clock = this.host.clock;
    const reader = new StreamUsageReader();
    let first = 0;
    let ended = false;
    return {
      chunk: (chunk) => {
        if (first === 0) first = clock();
        reader.read(chunk);
      },
      end: (final) => {
        if (ended) return;
        ended = true;
        const now = clock();
        // A reference adapter's stream returns its reply metadata when it is over.
        const metadata = typeof final === 'object' && final !== null ? { metadata: final } : undefined;
        const reading = reader.reading() ?? readUsage(metadata);
        const requestModel = modelOf(request) ?? reading?.requestModel;
        if (reading !== undefined) {
          const slot = this.record(this.voice, requestModel, reading, first === 0 ? 0 : (now - first) / 1000);
          const limits = (final as { rateLimits?: RateLimitReading } | undefined)?.rateLimits;
          if (limits !== undefined) this.storeLimits(slot, limits, now, startedAt);
        }
        const duration = (now - (startedAt ?? (first === 0 ? now : first))) / 1000;
        this.emit(this.voice, method, requestModel, reading, duration, undefined);
      },
    };
  }

  /**
   * Response headers of an attempt: the rate-limit budgets they carry, kept for the next scrape. `startedAt`: when
   * the attempt started (epoch ms), if known: the provider counted the requests it had received by then.
   */
  headers(
    method: string,
    request: unknown,
    headers: HeaderSource,
    now = this.host.clock(),
    startedAt?: number,
  ): void {
    if (!this.host.settings.enabled) return;
    const slot = this.slot(this.voice, modelOf(request));
    // The gauges are scraped every few seconds: at most one read per model every HEADER_READ_MS.
    if (now - slot.headersReadAt < HEADER_READ_MS) return;
    slot.headersReadAt = now;
    const reading = readRateLimits(headers, now);
    if (reading === undefined) return;
    this.storeLimits(slot, reading, now, startedAt);
    if (this.provider === undefined && headers.get('anthropic-ratelimit-requests-remaining') !== null) {
      this.provider = 'anthropic';
    }
  }

  /** Whether the rate-limit headers of a response to `request` would be read now (see `HEADER_READ_MS`). */
  headersDue(request: unknown, now: number): boolean {
    return (
      this.host.settings.enabled &&
      now - this.slot(this.voice, modelOf(request)).headersReadAt >= HEADER_READ_MS
    );
  }

  /**
   * The rate-limit headers of `response` (anything with `headers.get`), if due: the throttle is
   * checked before the response's headers are touched. `now`: the caller's clock reading.
   */
  responseHeaders(
    method: string,
    request: unknown,
    response: unknown,
    now: number,
    startedAt?: number,
  ): void {
    if (!this.host.settings.enabled) return;
    if (now - this.slot(this.voice, modelOf(request)).headersReadAt < HEADER_READ_MS) return;
    const headers = headersOf(response);
    if (headers !== undefined) this.headers(method, request, headers, now, startedAt);
  }

  /** A failed attempt (for operation records: `error.type` is the category). */
  failed(method: string, category: string, latencyMs: number, request?: unknown): void {
    if (!this.host.settings.enabled || !this.host.listening.operation) return;
    this.emit(this.voice, method, modelOf(request), undefined, latencyMs / 1000, category);
  }

  /**
   * An unwrapped fallback adapter (`target`) answered: its tokens are counted under the target's
   * name and the model it reports (a wrapped fallback counts its own).
   */
  fallback(method: string, target: string, result: unknown, latencyMs: number): void {
    if (!this.host.settings.enabled) return;
    const reading = readUsage(result);
    if (reading === undefined) return;
    this.record(target, reading.requestModel ?? reading.responseModel, reading, latencyMs / 1000);
    this.emit(target, method, reading.requestModel, reading, latencyMs / 1000, undefined);
  }

  /** Writes the stored rate-limit budgets into their gauges (called once per scrape). */
  publish(): void {
    const now = this.host.clock();
    for (const slot of this.byLabel.values()) publishSlot(slot, now);
  }

  private record(
    adapter: string,
    requestModel: string | undefined,
    reading: UsageReading,
    seconds: number,
  ): ModelSlot {
    const usage = reading.usage;
    const slot = this.slot(adapter, requestModel ?? reading.responseModel);
    slot.metrics.tokens(usage);
    if (usage.output > 0 && seconds > 0) slot.metrics.perOutputToken(seconds / usage.output);
    const table = this.host.settings.prices;
    if (table !== undefined) {
      const price = this.priceFor(reading.responseModel) ?? this.priceFor(requestModel);
      if (price !== undefined) {
        const cost = costOf(price, usage, table.perTokens);
        slot.metrics.cost(cost, table.currency);
        if (adapter === this.voice) this.totals.cost += cost;
      }
    }
    if (adapter === this.voice) {
      this.totals.input += usage.input;
      this.totals.output += usage.output;
    }
    return slot;
  }

  private priceFor(model: string | undefined): ModelPrice | undefined {
    const table = this.host.settings.prices;
    if (model === undefined || table === undefined) return undefined;
    // A voice usually talks to one model: its price answers without a map lookup.
    if (model === this.lastPriceModel) return this.lastPrice;
    const cached = this.prices.get(model);
    if (cached !== undefined) {
      this.lastPriceModel = model;
      this.lastPrice = cached ?? undefined;
      return this.lastPrice;
    }
    const price = priceOf(table, model);
    if (this.prices.size < PRICE_CACHE_LIMIT) this.prices.set(model, price ?? null);
    return price;
  }

  private slot(adapter: string, model: string | undefined): ModelSlot {
    const raw = model ?? UNKNOWN_MODEL_LABEL_VALUE;
    const own = adapter === this.voice;
    // A voice usually talks to one model: the last one answers without a map lookup.
    if (own && raw === this.lastModel && this.lastSlot !== undefined) return this.lastSlot;
    const slot = this.findSlot(adapter, raw, own);
    if (own) {
      this.lastModel = raw;
      this.lastSlot = slot;
    }
    return slot;
  }

  private findSlot(adapter: string, raw: string, own: boolean): ModelSlot {
    const byRaw = own ? this.byRaw : this.foreign;
    const key = own ? raw : `${adapter}\u0000${raw}`;
    const cached = byRaw.get(key);
    if (cached !== undefined) return cached;
    const max = this.host.settings.maxModelsPerVoice;
    const metrics = this.host.metrics.forModel(adapter, raw, max);
    let slot: ModelSlot | undefined = own ? this.byLabel.get(metrics.model) : undefined;
    if (slot === undefined) {
      slot = { metrics, requests: undefined, tokens: undefined, headersReadAt: Number.NEGATIVE_INFINITY };
      if (own) this.byLabel.set(metrics.model, slot);
    }
    if (byRaw.size < max * RAW_NAME_FACTOR) byRaw.set(key, slot);
    if (metrics.model === OVERFLOW_LABEL_VALUE && !this.warned) {
      this.warned = true;
      this.host.logger.warn(
        { adapter, maxModelsPerVoice: max },
        `${adapter} reported more than ${max} models: further models are counted as model="other"`,
      );
    }
    return slot;
  }

  private storeLimits(slot: ModelSlot, reading: RateLimitReading, now: number, startedAt?: number): void {
    if (reading.requests !== undefined) {
      const budget = stored(reading.requests, now, startedAt);
      slot.requests = budget;
      // Attempts overlap: the answer to one sent earlier may arrive after one sent later, and count fewer requests.
      const latest = this.latestRequests;
      if (!(latest?.startedAt !== undefined && startedAt !== undefined && latest.startedAt > startedAt)) {
        this.latestRequests = budget;
      }
    }
    if (reading.tokens !== undefined) slot.tokens = stored(reading.tokens, now, startedAt);
  }

  private emit(
    adapter: string,
    method: string,
    requestModel: string | undefined,
    reading: UsageReading | undefined,
    durationSeconds: number,
    errorType: string | undefined,
  ): void {
    if (!this.host.listening.operation) return;
    const usage: TokenUsage | undefined = reading?.usage;
    this.host.operation({
      adapter,
      provider:
        providerName(reading?.provider) ??
        providerName(adapter === this.voice ? this.provider : undefined) ??
        providerName(adapter) ??
        (adapter === this.voice ? this.provider : undefined) ??
        reading?.provider,
      method,
      operation: operationName(method),
      requestModel,
      responseModel: reading?.responseModel,
      durationSeconds: Math.max(0, durationSeconds),
      errorType,
      usage,
    });
  }
}

function stored(budget: RateLimitBudget, now: number, startedAt: number | undefined): StoredBudget {
  return {
    remaining: budget.remaining,
    resetAt: budget.resetSeconds === undefined ? undefined : now + budget.resetSeconds * 1000,
    startedAt: startedAt !== undefined && Number.isFinite(startedAt) ? startedAt : undefined,
  };
}

function publishSlot(slot: ModelSlot, now: number): void {
  const { requests, tokens } = slot;
  if (requests !== undefined) slot.metrics.rateLimit('requests', requests.remaining, resetIn(requests, now));
  if (tokens !== undefined) slot.metrics.rateLimit('tokens', tokens.remaining, resetIn(tokens, now));
}

function resetIn(budget: StoredBudget, now: number): number | undefined {
  // Whole seconds, rounded up: two scrapes within a second read the same value.
  return budget.resetAt === undefined ? undefined : Math.max(0, Math.ceil((budget.resetAt - now) / 1000));
}

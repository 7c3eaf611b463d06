import type { CellFamily } from './CellFamily.js';
import type { CounterCell } from './FastCounter.js';
import type { GaugeCell } from './FastGauge.js';
import type { HistogramCell } from './FastHistogram.js';
import { labelValue } from './labelValue.js';
import type { MetricFamilies } from './metricFamilies.js';

/** Token counts as `tokens_total` receives them (the `type` label values, in TOKEN_TYPES order). */
export interface TokenCounts {
  readonly input: number;
  readonly output: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

/**
 * The usage series of one (adapter, model): token counters per type, time per output token,
 * cost, rate-limit gauges; cells bound on first use and kept, so recording a response is a few
 * field adds.
 */
export class ModelMetrics {
  /** Adapter label value. */
  readonly adapter: string;
  /** Model label value (`other` once the adapter's model cap was reached). */
  readonly model: string;
  private readonly input: CounterCell;
  private readonly output: CounterCell;
  private readonly cachedInput: CounterCell;
  private readonly cacheWrite: CounterCell;
  private readonly reasoning: CounterCell;
  private timePerToken: HistogramCell | undefined;
  private costCell: CounterCell | undefined;
  private costCurrency = '';
  private remaining: Map<string, GaugeCell> | undefined;
  private reset: Map<string, GaugeCell> | undefined;

  constructor(
    private readonly families: MetricFamilies,
    adapter: string,
    model: string,
  ) {
    this.adapter = adapter;
    this.model = model;
    const tokens = families.tokens;
    this.input = tokens.cell(adapter, model, 'input');
    this.output = tokens.cell(adapter, model, 'output');
    this.cachedInput = tokens.cell(adapter, model, 'cached_input');
    this.cacheWrite = tokens.cell(adapter, model, 'cache_write');
    this.reasoning = tokens.cell(adapter, model, 'reasoning');
    // input and output from the first sight of a model, so rate() sees the first response.
    this.input.inc(0);
    this.output.inc(0);
  }

  /** Adds a response's token counts (zero parts create no series). */
  tokens(usage: TokenCounts): void {
    this.input.inc(usage.input);
    this.output.inc(usage.output);
    if (usage.cachedInput > 0) this.cachedInput.inc(usage.cachedInput);
    if (usage.cacheWrite > 0) this.cacheWrite.inc(usage.cacheWrite);
    if (usage.reasoning > 0) this.reasoning.inc(usage.reasoning);
  }

  /** Records the time per generated token of one response. */
  perOutputToken(seconds: number): void {
    this.timePerToken ??= this.families.timePerOutputToken.cell(this.adapter, this.model);
    this.timePerToken.observe(seconds);
  }

  /** Adds the cost of one response in `currency`. */
  cost(amount: number, currency: string): void {
    if (this.costCell === undefined || currency !== this.costCurrency) {
      this.costCurrency = currency;
      this.costCell = this.families.cost.cell(this.adapter, this.model, labelValue(currency));
    }
    if (amount >= 0 && amount < Infinity) this.costCell.inc(amount);
  }

  /** Sets the rate-limit gauges of one budget (`requests` or `tokens`); called at scrape time. */
  rateLimit(kind: string, remaining: number, resetSeconds: number | undefined): void {
    this.remaining ??= new Map();
    this.gauge(this.remaining, this.families.ratelimitRemaining, kind).set(remaining);
    if (resetSeconds === undefined) return;
    this.reset ??= new Map();
    this.gauge(this.reset, this.families.ratelimitReset, kind).set(resetSeconds);
  }

  private gauge(cache: Map<string, GaugeCell>, family: CellFamily<GaugeCell>, kind: string): GaugeCell {
    let cell = cache.get(kind);
    if (cell === undefined) {
      cell = family.cell(this.adapter, this.model, kind);
      cache.set(kind, cell);
    }
    return cell;
  }
}

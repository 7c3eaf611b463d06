import type { CounterCell, FastCounterOptions } from './FastCounter.js';
import { FastCounter } from './FastCounter.js';
import { runScrapeHooks } from './scrapeHooks.js';

/** One labelled series of a {@link FastGauge}: fetch it once with `cell()` and keep it. */
export interface GaugeCell extends CounterCell {
  /** Sets the value; NaN and ±Infinity are ignored. */
  set(value: number): void;
}

/**
 * A Prometheus gauge with the cells and cached exposition lines of {@link FastCounter}: for
 * families with many series (rate-limit budgets per voice and model), which prom-client's Gauge
 * would render far more slowly. Scrape hooks added to it run before each read, as prom-client
 * runs a gauge's `collect`.
 */
export class FastGauge extends FastCounter {
  /** Validates the options, then registers with each of `registers`. */
  constructor(options: FastCounterOptions) {
    super(options, 'gauge');
  }

  /** The cell for these label values, created on first request; keep it. */
  public override cell(...labelValues: string[]): GaugeCell {
    return super.cell(...labelValues) as GaugeCell;
  }

  protected override beforeRead(): void {
    runScrapeHooks(this);
  }
}

import type { LabelValues } from 'prom-client';
import type { CellFamily } from './CellFamily.js';
import { seriesLabels } from './seriesKey.js';

/** The part of a prom-client Counter or Histogram this adapter calls. */
export interface LabelledMetric<C> {
  /** prom-client's child for these labels. */
  labels(labels: LabelValues<string>): C;
}

/**
 * Cells of a plain prom-client Counter or Histogram that someone else registered under one of our
 * names. Each cell is a prom-client child, which hashes its labels on every call: slow, but
 * correct and shared with whoever registered it.
 */
export class PromClientCells<C> implements CellFamily<C> {
  /** `labelNames`: the order in which {@link PromClientCells.cell} takes values (any order of the metric's set). */
  constructor(
    private readonly metric: LabelledMetric<C>,
    private readonly labelNames: readonly string[],
  ) {}

  /** prom-client's child for these label values. */
  cell(...labelValues: string[]): C {
    return this.metric.labels(seriesLabels(this.labelNames, labelValues));
  }
}

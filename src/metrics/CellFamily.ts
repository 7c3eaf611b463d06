import type { CounterCell } from './FastCounter.js';
import type { HistogramCell } from './FastHistogram.js';

/** A labelled metric that hands out one cell per tuple of label values; bind a cell once, keep it. */
export interface CellFamily<C> {
  /** The cell of these label values, given in the family's label order. */
  cell(...labelValues: string[]): C;
  /** Removes every series whose label `name` is `value` (absent on families registered by other code). */
  removeWhere?(name: string, value: string): void;
}

/** A counter family: FastCounter, or a foreign counter seen through an adapter. */
export type CounterFamily = CellFamily<CounterCell>;

/** A histogram family: FastHistogram, or a foreign histogram seen through an adapter. */
export type HistogramFamily = CellFamily<HistogramCell>;

/**
 * `family` (whose labels are `own`) addressed in the `wanted` order of the same label set, e.g. a
 * FastCounter another library registered as [outcome, adapter, method]. Reordering happens only
 * when a cell is bound, never per increment.
 */
export function inLabelOrder<C>(
  family: CellFamily<C>,
  own: readonly string[],
  wanted: readonly string[],
): CellFamily<C> {
  if (own.every((name, i) => name === wanted[i])) return family;
  const from = own.map((name) => wanted.indexOf(name));
  return {
    cell: (...values) => family.cell(...from.map((i) => values[i] ?? '')),
    removeWhere: (name, value) => family.removeWhere?.(name, value),
  };
}

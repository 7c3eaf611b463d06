import type { Registry } from 'prom-client';
import type { ExpositionFormat } from './ExpositionFormat.js';
import { FastCounter } from './FastCounter.js';
import { FastHistogram } from './FastHistogram.js';

/** How a format renders a metric that is not one of our cells: prom-client's way, one family block. */
export type ForeignRenderer = (metric: object) => Promise<string>;

/**
 * One block per registered metric, in the registry's order, each as text chunks: our own cells
 * written by `format` from their cached prefixes, any other metric by `foreign`. Metrics are read
 * in order, as `Registry.metrics()` reads them, so gauge collect hooks still run before later families.
 */
export async function exposeFamilies(
  registry: Registry,
  format: ExpositionFormat,
  foreign: ForeignRenderer,
): Promise<string[][]> {
  const blocks = registry.getMetricsAsArray().map((metric: object): string[] | Promise<string[]> =>
    // instanceof, not duck typing: another loaded copy of this library may lay its cells out differently.
    metric instanceof FastCounter || metric instanceof FastHistogram
      ? metric.expose(format)
      : foreign(metric).then((text) => [text]),
  );
  return Promise.all(blocks);
}

/** The chunks of `blocks` with `separator` between blocks and `end` after the last. */
export function joinBlocks(blocks: readonly (readonly string[])[], separator: string, end: string): string[] {
  const chunks: string[] = [];
  for (const [i, block] of blocks.entries()) {
    if (i > 0) chunks.push(separator);
    chunks.push(...block);
  }
  chunks.push(end);
  return chunks;
}

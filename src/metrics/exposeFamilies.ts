import type { Registry } from 'prom-client';
import type { BodyBuffers } from './BodyBuffers.js';
import { ByteSink } from './ByteSink.js';
import { defaultLabelsKey, type ExpositionFormat } from './ExpositionFormat.js';
import { FastCounter } from './FastCounter.js';
import { FastHistogram } from './FastHistogram.js';
import { learnDefaultLabels, type DefaultLabels } from './registryDefaultLabels.js';

/** How a format renders a metric that is not one of our cells (prom-client's text of one family). */
export type ForeignRenderer = (metric: object) => Promise<string>;

/** One text format's way of laying out a whole registry. */
export interface Layout {
  /** The format, with these default labels applied. */
  format(defaults: DefaultLabels): ExpositionFormat;
  /** A foreign metric's block, rendered with the same format. */
  foreign(metric: object, format: ExpositionFormat): Promise<string>;
  /** Between two family blocks. */
  readonly separator: string;
  /** After the last block. */
  readonly end: string;
}

/** A block: our cells' bytes (a range of the scratch sink), or a foreign metric's text. */
type Block = { readonly start: number; readonly end: number } | Promise<string>;

// The default labels a registry had at its last scrape: the guess a scrape starts from, checked
// against what the probe shows in the same scrape (module state, keyed weakly by registry).
const knownDefaults = new WeakMap<Registry, DefaultLabels>();
// Bytes our cells wrote at the registry's last scrape, so the scratch buffer rarely grows.
const lastSize = new WeakMap<Registry, number>();
const FIRST_SCRATCH_BYTES = 64 * 1024;

const isOurs = (metric: object): metric is FastCounter | FastHistogram =>
  // instanceof, not duck typing: another loaded copy of this library may lay its cells out differently.
  metric instanceof FastCounter || metric instanceof FastHistogram;

/** Our first unlabelled counter or gauge registered under its current name: its sample shows the default labels. */
function probeOf(registry: Registry, metrics: readonly object[]): FastCounter | undefined {
  for (const metric of metrics) {
    if (metric instanceof FastCounter && metric.labelNames.length === 0) {
      return registry.getSingleMetric(metric.name) === (metric as unknown) ? metric : undefined;
    }
  }
  return undefined;
}

/**
 * The registry in `layout`'s format as one body, our cells written as bytes from their cached
 * line prefixes, every other metric rendered by prom-client's public API, in the registry's
 * order. The default labels are not read from prom-client's internals: the scrape starts from
 * the ones seen last time, and the probe (an unlabelled cell family of ours, rendered by
 * `getSingleMetricAsString` in the same turn) says whether they still hold; when not, the scrape
 * is made again with them. Everything is read in one synchronous turn, as `Registry.metrics()`
 * reads it, so gauge collect hooks run once. Undefined when the registry has none of our cells
 * or no probe: the caller renders through prom-client alone.
 */
export async function exposeRegistry(
  registry: Registry,
  layout: Layout,
  bodies?: BodyBuffers,
): Promise<Buffer | undefined> {
  for (let pass = 0; pass < 2; pass++) {
    const metrics = registry.getMetricsAsArray() as object[];
    const probe = probeOf(registry, metrics);
    if (probe === undefined) return undefined;
    const assumed = knownDefaults.get(registry) ?? {};
    const format = layout.format(assumed);
    const learned = learnDefaultLabels(registry, probe.name);
    // Room for what the last scrape wrote and some growth, so the sink rarely grows (a copy).
    const hint = Math.ceil((lastSize.get(registry) ?? FIRST_SCRATCH_BYTES) * 1.25);
    const sink = new ByteSink(bodies?.acquire(hint) ?? Buffer.allocUnsafe(hint));
    // While our families come first (as the brain registers them), they are written one after
    // the other with their separators, so that the scratch becomes the body without a copy.
    let sawForeign = false;
    let direct = true;
    const blocks = metrics.map((metric, i): Block => {
      if (!isOurs(metric)) {
        sawForeign = true;
        return layout.foreign(metric, format);
      }
      if (sawForeign) direct = false;
      else if (i > 0) sink.text(layout.separator);
      const start = sink.length;
      metric.expose(format, sink);
      return { start, end: sink.length };
    });
    const [defaults, texts] = await Promise.all([
      learned,
      Promise.all(blocks.map((block) => (block instanceof Promise ? block : undefined))),
    ]);
    if (defaults === undefined) {
      bodies?.release(sink.target);
      return undefined;
    }
    if (defaultLabelsKey(defaults) !== defaultLabelsKey(assumed)) {
      // setDefaultLabels() was called since the last scrape: once more with the labels it set.
      knownDefaults.set(registry, defaults);
      bodies?.release(sink.target);
      continue;
    }
    if (direct) {
      for (const text of texts) {
        if (text === undefined) continue;
        sink.text(layout.separator);
        sink.text(text);
      }
      sink.text(layout.end);
      lastSize.set(registry, sink.length);
      return sink.bytes();
    }
    const body = assemble(blocks, texts, sink, layout, bodies);
    lastSize.set(registry, body.length);
    bodies?.release(sink.target);
    return body;
  }
  return undefined;
}

/** The blocks in order, separated, into one buffer of the exact size. */
function assemble(
  blocks: readonly Block[],
  texts: readonly (string | undefined)[],
  sink: ByteSink,
  layout: Layout,
  bodies: BodyBuffers | undefined,
): Buffer {
  const separator = Buffer.byteLength(layout.separator);
  let size = Buffer.byteLength(layout.end) + separator * Math.max(0, blocks.length - 1);
  for (const [i, block] of blocks.entries()) {
    const text = texts[i];
    size +=
      text === undefined
        ? (block as { start: number; end: number }).end - (block as { start: number }).start
        : Buffer.byteLength(text);
  }
  const body = bodies?.acquire(size) ?? Buffer.allocUnsafe(size);
  const scratch = sink.target;
  let at = 0;
  for (const [i, block] of blocks.entries()) {
    if (i > 0) at += body.write(layout.separator, at, 'latin1');
    const text = texts[i];
    if (text === undefined) {
      const range = block as { start: number; end: number };
      at += scratch.copy(body, at, range.start, range.end);
    } else {
      at += body.write(text, at, 'utf8');
    }
  }
  body.write(layout.end, at, 'utf8');
  return body;
}

import type { Registry } from 'prom-client';

/** Default labels as learned from a rendering: name → value as text, in the registry's order. */
export type DefaultLabels = Readonly<Record<string, string>>;

const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

const escape = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The default labels in `rendered`, prom-client's Prometheus-text rendering of an unlabelled
 * metric named `name` (`getSingleMetricAsString`): its sample line carries exactly the registry's
 * default labels (prom-client merges them into every sample). Undefined when the text is not that
 * shape or does not print back identically (a value that is not a string and prints a quote): the
 * caller then renders through prom-client alone.
 */
export function parseDefaultLabels(rendered: string, name: string): DefaultLabels | undefined {
  const line = rendered.slice(rendered.lastIndexOf('\n') + 1);
  // An OpenMetrics registry prints a counter's sample with `_total`.
  const sampleName = line.startsWith(`${name}_total`) ? `${name}_total` : name;
  if (!line.startsWith(sampleName)) return undefined;
  const labels: Record<string, string> = {};
  let at = sampleName.length;
  if (line[at] === '{') {
    do {
      at += 1;
      LABEL_NAME.lastIndex = at;
      const label = LABEL_NAME.exec(line)?.[0];
      if (label === undefined || line.slice(at + label.length, at + label.length + 2) !== '="')
        return undefined;
      at += label.length + 2;
      const start = at;
      while (at < line.length && line[at] !== '"') at += line[at] === '\\' ? 2 : 1;
      if (at >= line.length) return undefined;
      labels[label] = unescape(line.slice(start, at));
      at += 1;
    } while (line[at] === ',');
    if (line[at] !== '}') return undefined;
    at += 1;
  }
  const printed = Object.entries(labels)
    .map(([label, value]) => `${label}="${escape(value)}"`)
    .join(',');
  const expected = `${sampleName}${printed === '' ? '' : `{${printed}}`} `;
  return line.slice(0, at + 1) === expected ? labels : undefined;
}

/**
 * The registry's default labels, learned through its public API only: prom-client renders the
 * probe (the name of an unlabelled metric of ours) with `getSingleMetricAsString`, whose sample line carries
 * exactly the default labels. prom-client has no getter for them, and reading its private field
 * would break silently on an upgrade. The promise starts the probe's read in the caller's turn.
 */
export function learnDefaultLabels(registry: Registry, probe: string): Promise<DefaultLabels | undefined> {
  return registry.getSingleMetricAsString(probe).then(
    (text) => parseDefaultLabels(text, probe),
    () => undefined,
  );
}

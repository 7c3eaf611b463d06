import { defaultLabelsKey, type ExposedSample, type ExpositionFormat } from './ExpositionFormat.js';

const escapeText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** A label set as `{a="x",b="y"}`, or `''` when empty; undefined values are left out. */
export function formatOpenMetricsLabels(labels: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (value !== undefined) parts.push(`${name}="${escapeText(String(value))}"`);
  }
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/**
 * The OpenMetrics 1.0 text format: counter families named without `_total` and their samples
 * with it, help text escaped as a label value, `NaN`/`+Inf`/`-Inf`. Sample labels are laid out
 * as prom-client's `getMetricsAsJSON()` reports them: the sample's own labels, then the shared
 * ones, then every default label the sample lacks (or holds empty).
 */
export class OpenMetricsFormat implements ExpositionFormat {
  /** Prefix cache slot of this format. */
  readonly slot = 1;
  /** Cache key: the default labels. */
  readonly key: string;
  private readonly defaultLabels: Readonly<Record<string, unknown>> | null;

  /** `defaultLabels`: the registry's, or null when it has none. */
  constructor(defaultLabels: Readonly<Record<string, unknown>> | null) {
    this.defaultLabels =
      defaultLabels !== null && Object.keys(defaultLabels).length > 0 ? defaultLabels : null;
    this.key = defaultLabelsKey(this.defaultLabels);
  }

  /** `# HELP` and `# TYPE` under the family name. */
  header(name: string, help: string, type: string): string {
    const family = familyName(name, type);
    return `# HELP ${family} ${escapeText(help)}\n# TYPE ${family} ${type}`;
  }

  /** Sample name (`<family>_total` for counters) and labels. */
  samplePrefix(name: string, type: string, sample: ExposedSample): string {
    const family = familyName(name, type);
    const sampleName = type === 'counter' ? `${family}_total` : (sample.metricName ?? family);
    return `${sampleName}${formatOpenMetricsLabels(this.labelsOf(sample))} `;
  }

  /** `NaN`, `+Inf`, `-Inf` or the number. */
  value(value: number): string {
    if (value - value === 0) return `${value}`;
    if (Number.isNaN(value)) return 'NaN';
    return value < 0 ? '-Inf' : '+Inf';
  }

  private labelsOf(sample: ExposedSample): Record<string, unknown> {
    // Shared labels merge in as a histogram's get() does, default labels as getMetricsAsJSON does
    // (copy with Object.assign, then `||`), so even odd label names come out the same.
    const labels: Record<string, unknown> = { ...sample.labels, ...sample.sharedLabels };
    if (this.defaultLabels === null) return labels;
    const withDefaults: Record<string, unknown> = Object.assign({}, labels);
    for (const [name, value] of Object.entries(this.defaultLabels)) {
      withDefaults[name] = withDefaults[name] || value;
    }
    return withDefaults;
  }
}

function familyName(name: string, type: string): string {
  return type === 'counter' ? name.replace(/_total$/, '') : name;
}

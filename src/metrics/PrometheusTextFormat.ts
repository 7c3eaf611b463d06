import { defaultLabelsKey, type ExposedSample, type ExpositionFormat } from './ExpositionFormat.js';

// The escaping and layout below follow prom-client 15's Registry.getMetricsAsString line by line,
// so a prefix built here is the text prom-client would print before the value.
const escapeString = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function escapeLabelValue(value: unknown): unknown {
  return typeof value === 'string' ? escapeString(value).replace(/"/g, '\\"') : value;
}

function formatLabels(labels: Readonly<Record<string, unknown>>, exclude?: object): string[] {
  const formatted: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (exclude === undefined || !Object.prototype.hasOwnProperty.call(exclude, name)) {
      formatted.push(`${name}="${escapeLabelValue(value)}"`);
    }
  }
  return formatted;
}

/** The Prometheus text format 0.0.4 exactly as prom-client writes it (`Nan`, `+Inf`, `-Inf` included). */
export class PrometheusTextFormat implements ExpositionFormat {
  /** Prefix cache slot of this format. */
  readonly slot = 0;
  /** Cache key: the default labels. */
  readonly key: string;
  private readonly defaultLabels: Readonly<Record<string, unknown>> | null;

  /** `defaultLabels`: the registry's, or null when it has none. */
  constructor(defaultLabels: Readonly<Record<string, unknown>> | null) {
    this.defaultLabels =
      defaultLabels !== null && Object.keys(defaultLabels).length > 0 ? defaultLabels : null;
    this.key = defaultLabelsKey(this.defaultLabels);
  }

  /** `# HELP` and `# TYPE`, name and help escaped. */
  header(name: string, help: string, type: string): string {
    const escaped = escapeString(name);
    return `# HELP ${escaped} ${escapeString(help)}\n# TYPE ${escaped} ${type}`;
  }

  /** Own labels (default labels merged in, shared ones left out), then the shared labels. */
  samplePrefix(name: string, _type: string, sample: ExposedSample): string {
    const metricName = sample.metricName ?? escapeString(name);
    let labels = sample.labels ?? {};
    const shared = sample.sharedLabels ?? {};
    if (this.defaultLabels !== null) labels = { ...labels, ...this.defaultLabels, ...labels };
    const parts = [...formatLabels(labels, shared), formatLabels(shared).join(',')].filter(Boolean);
    return `${metricName}${parts.length > 0 ? `{${parts.join(',')}}` : ''} `;
  }

  /** prom-client's getValueAsString. */
  value(value: number): string {
    // x - x is 0 exactly for finite x.
    if (value - value === 0) return `${value}`;
    if (Number.isNaN(value)) return 'Nan';
    return value < 0 ? '-Inf' : '+Inf';
  }
}

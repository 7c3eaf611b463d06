import type { Registry } from 'prom-client';

interface Exemplar {
  readonly labelSet?: Record<string, string | number>;
  readonly value?: number;
  readonly timestamp?: number;
}

interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number | undefined>;
  readonly metricName?: string;
  readonly exemplar?: Exemplar | null;
}

const escapeText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (value !== undefined) parts.push(`${name}="${escapeText(String(value))}"`);
  }
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/**
 * The registry in the OpenMetrics 1.0 text format, built from `getMetricsAsJSON()`.
 * prom-client's own OpenMetrics path needs `registry.setContentType()` and, while rendering,
 * strips `_total` from counter objects for good, which would corrupt a concurrent or later
 * Prometheus-format scrape of the same registry. This reads the registry without mutating it.
 */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  const families = await registry.getMetricsAsJSON();
  const lines: string[] = [];
  for (const family of families) {
    const type = String(family.type);
    const counter = type === 'counter';
    // OpenMetrics names the counter family without `_total` and its sample with it.
    const name = counter ? family.name.replace(/_total$/, '') : family.name;
    lines.push(`# HELP ${name} ${escapeText(family.help)}`, `# TYPE ${name} ${type}`);
    for (const sample of family.values as readonly Sample[]) {
      const sampleName = counter ? `${name}_total` : (sample.metricName ?? name);
      let line = `${sampleName}${formatLabels(sample.labels)} ${formatValue(sample.value)}`;
      const exemplar = sample.exemplar;
      if (exemplar?.labelSet !== undefined && exemplar.value !== undefined) {
        line += ` # ${formatLabels(exemplar.labelSet) || '{}'} ${formatValue(exemplar.value)}`;
        if (exemplar.timestamp !== undefined) line += ` ${exemplar.timestamp}`;
      }
      lines.push(line);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

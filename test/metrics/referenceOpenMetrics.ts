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
 * The OpenMetrics renderer as it was before our cells wrote their own lines: everything read
 * through `getMetricsAsJSON()`. The oracle the fast renderer is compared with, byte for byte.
 */
export async function referenceOpenMetrics(registry: Registry): Promise<string> {
  const families = await registry.getMetricsAsJSON();
  const lines: string[] = [];
  for (const family of families) {
    const type = String(family.type);
    const counter = type === 'counter';
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

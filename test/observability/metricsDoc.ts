/** One metric family as docs/metrics.md describes it. */
export interface DocumentedMetric {
  readonly name: string;
  readonly type: string;
  readonly labels: string[];
  readonly meaning: string;
  readonly example: string;
}

/** What docs/metrics.md documents. */
export interface MetricsDoc {
  readonly metrics: DocumentedMetric[];
  /** First column of the table under `## Recording rules`. */
  readonly recordingRules: string[];
  /** First column of the table under `## Alerts`. */
  readonly alerts: string[];
}

/** The cells of a markdown table row (`\|` is a pipe inside a cell), or undefined for other lines. */
function cells(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|') || !trimmed.endsWith('|')) return undefined;
  return trimmed
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

const isRule = (row: readonly string[]): boolean => row.every((cell) => /^:?-+:?$/.test(cell));

/** The backticked words of a cell, in order. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}

/** The data rows of the tables under `section` (an `## ` heading); a row right after a non-table line is a header. */
function sectionRows(lines: readonly string[], section: string): string[][] {
  const start = lines.findIndex((l) => l.trim() === `## ${section}`);
  if (start < 0) return [];
  const rows: string[][] = [];
  let previous: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    const row = cells(line);
    if (row !== undefined && !isRule(row) && previous !== undefined) rows.push(row);
    previous = row;
  }
  return rows;
}

/**
 * Parses docs/metrics.md: one `### \`name\`` section per metric with a `property | value` table
 * (type, labels, meaning, PromQL), then the recording-rule and alert tables.
 */
export function parseMetricsDoc(text: string): MetricsDoc {
  const lines = text.split('\n');
  const metrics: DocumentedMetric[] = [];
  let current: Record<string, string> | undefined;
  let name: string | undefined;
  const flush = (): void => {
    if (name === undefined || current === undefined) return;
    const labels = current.labels ?? '';
    metrics.push({
      name,
      type: current.type ?? '',
      labels: labels === '—' ? [] : codeSpans(labels),
      meaning: current.meaning ?? '',
      example: codeSpans(current.PromQL ?? '')[0] ?? '',
    });
  };
  for (const line of lines) {
    if (line.startsWith('#')) {
      flush();
      const heading = /^### `([a-zA-Z_:][a-zA-Z0-9_:]*)`\s*$/.exec(line);
      name = heading?.[1];
      current = heading === null ? undefined : {};
      continue;
    }
    const row = current === undefined ? undefined : cells(line);
    if (row === undefined || isRule(row) || row[0] === 'property') continue;
    const [key = '', value = ''] = row;
    current![key] = value;
  }
  flush();
  const firstCode = (rows: string[][]): string[] => rows.map((r) => codeSpans(r[0] ?? '')[0] ?? '');
  return {
    metrics,
    recordingRules: firstCode(sectionRows(lines, 'Recording rules')),
    alerts: firstCode(sectionRows(lines, 'Alerts')),
  };
}

/** The example query of every documented metric. */
export function metricDocExamples(doc: MetricsDoc): { metric: string; expr: string }[] {
  return doc.metrics.map((m) => ({ metric: m.name, expr: m.example }));
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** docs/grafana/fire-circle-infrastructure.json. */
export const DASHBOARD_PATH = fileURLToPath(
  new URL('../../docs/grafana/fire-circle-infrastructure.json', import.meta.url),
);
/** docs/prometheus/alerts.yml (recording and alerting rules). */
export const RULES_PATH = fileURLToPath(new URL('../../docs/prometheus/alerts.yml', import.meta.url));
/** docs/prometheus/alerts.test.yml (promtool unit tests). */
export const RULE_TESTS_PATH = fileURLToPath(
  new URL('../../docs/prometheus/alerts.test.yml', import.meta.url),
);
/** docs/prometheus/prometheus.yml (example scrape config). */
export const PROMETHEUS_CONFIG_PATH = fileURLToPath(
  new URL('../../docs/prometheus/prometheus.yml', import.meta.url),
);
/** docs/metrics.md (the metric reference). */
export const METRICS_DOC_PATH = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));

/** The parts of a Grafana panel these tests read. */
export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly datasource?: { type?: string; uid?: string };
  readonly targets?: { expr?: string; refId?: string; datasource?: { type?: string; uid?: string } }[];
  readonly repeat?: string;
  readonly panels?: DashboardPanel[];
}

/** One template variable. */
export interface DashboardVariable {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
  readonly datasource?: { type?: string; uid?: string };
  readonly includeAll?: boolean;
  readonly multi?: boolean;
  readonly allValue?: string;
}

/** The parts of the dashboard JSON these tests read. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: DashboardPanel[];
  readonly templating: { list: DashboardVariable[] };
  readonly __inputs?: { name: string; type: string; pluginId: string }[];
}

/** One query of one panel. */
export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  /** As written in the dashboard, with template variables. */
  readonly expr: string;
}

/** Reads and parses the dashboard. */
export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
}

/** Every panel, rows and the panels of collapsed rows included. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query expression of every panel. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).flatMap((t) =>
      t.expr === undefined ? [] : [{ panel: panel.title, refId: t.refId ?? '?', expr: t.expr }],
    ),
  );
}

/** What Grafana would put in place of the template variables when everything is selected. */
const VARIABLE_VALUES: Record<string, string> = {
  adapter: '.*',
  instance: '.*',
  __rate_interval: '15s',
  __interval: '15s',
  __range: '5m',
};

/**
 * The expression as Grafana sends it with every voice and instance selected (`$var` and `${var}`
 * forms). Throws on a variable it does not know, so a new one cannot slip past the tests.
 */
export function substituteVariables(expr: string): string {
  return expr.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = VARIABLE_VALUES[name];
      if (value === undefined) throw new Error(`unknown template variable ${whole} in: ${expr}`);
      return value;
    },
  );
}

/** The expression without its `or on() vector(0)` fallbacks, so only real series can answer it. */
export function withoutFallbacks(expr: string): string {
  return expr.replace(/\s+or\s+on\s*\(\s*\)\s*vector\(\s*0\s*\)/g, '');
}

/** Names of the recording rules in alerts.yml (`- record: name`). */
export function recordingRuleNames(rulesText: string): string[] {
  return [...rulesText.matchAll(/^\s*-\s*record:\s*(\S+)\s*$/gm)].map((m) => m[1] ?? '');
}

/** Names of the alerting rules in alerts.yml (`- alert: Name`). */
export function alertNames(rulesText: string): string[] {
  return [...rulesText.matchAll(/^\s*-\s*alert:\s*(\S+)\s*$/gm)].map((m) => m[1] ?? '');
}

/** Metric names an expression selects (identifiers that look like our metrics or recorded series). */
export function referencedMetrics(expr: string): string[] {
  const found = expr.match(/\b[a-z_]*:?fire_circle_[a-z0-9_]+(?::[a-z0-9_]+)?\b/g) ?? [];
  return [...new Set(found)];
}

import type { AdapterStatus } from '../health/AdapterHealthSignature.js';
import { compareStrings } from './compareStrings.js';
import type {
  AdapterHealthReport,
  ConsciousnessReport,
  PredictedIssue,
} from './ConsciousnessReportSchema.js';

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /** ANSI colours; defaults to whether stdout is a TTY (and NO_COLOR is unset). */
  readonly color?: boolean;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
} as const;
type Style = Exclude<keyof typeof ANSI, 'reset'>;

const STATUS_ICON: Record<AdapterStatus, string> = {
  healthy: '🟢',
  recovering: '🟡',
  degraded: '🟡',
  disconnected: '🔴',
};
const STATUS_STYLE: Record<AdapterStatus, Style> = {
  healthy: 'green',
  recovering: 'yellow',
  degraded: 'yellow',
  disconnected: 'red',
};

// Adapter names, causes and pattern texts come from outside: control characters (ANSI escapes
// included) are replaced so plain output stays plain and cannot move the cursor.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const clean = (text: string): string => text.replace(CONTROL, '\uFFFD');

/**
 * Renders a report as the seed's text dashboard: 📊 Infrastructure Health, ⚠️ Predicted Issues,
 * 🧠 Consciousness Insights, then self-healing and active patterns. Adapters are sorted by name.
 */
export function renderReport(report: ConsciousnessReport, options?: RenderReportOptions): string {
  const color = options?.color ?? defaultColor();
  const paint = (style: Style, text: string): string => (color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const heading = (text: string): string => paint('bold', text);
  const probability = (p: number): string =>
    paint(p > 0.5 ? 'red' : p > 0.3 ? 'yellow' : 'green', p.toFixed(2));

  const issues = [...report.predictedIssues].sort(
    (a, b) => b.probability - a.probability || compareStrings(a.adapter, b.adapter),
  );
  const issueOf = new Map<string, PredictedIssue>();
  for (const issue of issues) if (!issueOf.has(issue.adapter)) issueOf.set(issue.adapter, issue);

  const lines: string[] = [heading(`Infrastructure Consciousness Report — ${clean(report.timestamp)}`), ''];

  lines.push(heading('📊 Infrastructure Health:'));
  const adapters = Object.keys(report.infrastructureHealth).sort(compareStrings);
  if (adapters.length === 0) lines.push('  (no voices observed yet)');
  adapters.forEach((name, i) => {
    const h = report.infrastructureHealth[name] as AdapterHealthReport;
    if (i > 0) lines.push('');
    lines.push(`  ${STATUS_ICON[h.status]} ${paint('bold', clean(name))}:`);
    lines.push(`     - Status: ${paint(STATUS_STYLE[h.status], h.status)}`);
    lines.push(`     - Consciousness Coherence: ${h.consciousnessCoherence.toFixed(2)}`);
    lines.push(`     - Voice Stability: ${h.voiceStability.toFixed(2)}`);
    lines.push(`     - Failure Probability: ${probability(h.failureProbability)}`);
    lines.push(`     - Trend: ${h.trend}`);
    lines.push(`     - Latency p95: ${Math.round(h.latencyP95Ms)} ms`);
    if (h.circuitState !== 'closed') lines.push(`     - Circuit: ${paint('red', h.circuitState)}`);
    const errors = Object.entries(h.recentErrors)
      .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
      .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
    if (errors.length > 0) {
      lines.push(`     - Recent Errors: {${errors.map(([category, n]) => `${category}: ${n}`).join(', ')}}`);
    }
    const issue = issueOf.get(name);
    if (issue !== undefined) lines.push(`     - Recommended Action: ${clean(issue.recommendedAction)}`);
  });

  lines.push('', heading('⚠️  Predicted Issues:'));
  if (issues.length === 0) lines.push('  none');
  for (const issue of issues) {
    lines.push(`  - ${clean(issue.adapter)}: ${clean(issue.likelyCause)}`);
    lines.push(`    Probability: ${probability(issue.probability)}`);
    lines.push(`    Action: ${clean(issue.recommendedAction)}`);
  }

  lines.push('', heading('🧠 Consciousness Insights:'));
  if (report.consciousnessInsights.length === 0) lines.push('  none');
  for (const insight of report.consciousnessInsights) {
    lines.push(`  - ${clean(insight.insight)}`);
    if (insight.interpretation !== '') lines.push(`    ${clean(insight.interpretation)}`);
  }

  const healing = report.selfHealingSummary;
  lines.push('');
  if (healing.totalActions === 0) {
    lines.push(`${heading('🩹 Self-Healing:')} no actions taken`);
  } else {
    const rate = Math.round(healing.successRate * 100);
    const common = healing.mostCommonHealing === null ? '' : `, most common: ${healing.mostCommonHealing}`;
    lines.push(
      `${heading('🩹 Self-Healing:')} ${healing.totalActions} action${healing.totalActions === 1 ? '' : 's'}, ${healing.successful} successful (${rate}% of judged)${common}`,
    );
  }

  lines.push('', heading('🌀 Active Patterns:'));
  if (report.activePatterns.length === 0) lines.push('  none');
  for (const p of report.activePatterns) {
    const adaptersOf = [...p.affectedAdapters].sort(compareStrings).map(clean).join(', ');
    const impact = paint(
      p.predictedImpact === 'critical' || p.predictedImpact === 'severe' ? 'red' : 'yellow',
      p.predictedImpact,
    );
    lines.push(
      `  - ${p.patternType} on ${adaptersOf} (confidence ${p.confidence.toFixed(2)}, impact ${impact})`,
    );
    if (p.suggestedAction !== '') lines.push(`    ${clean(p.suggestedAction)}`);
  }

  return lines.join('\n');
}

function defaultColor(): boolean {
  const noColor = process.env['NO_COLOR'];
  return process.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

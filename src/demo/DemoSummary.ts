import { PatternTypeSchema } from '../patterns/InfrastructurePattern.js';
import { type PatternType } from '../vocabulary/PatternType.js';
import type { VoiceCallCounts } from './CallLedger.js';
import {
  costText,
  describePattern,
  seconds,
  tokensText,
  type HealingRow,
  type PatternRow,
  type VoiceUsage,
} from './Dashboard.js';

/** One voice at the end of the run. */
export interface VoiceSummary {
  /** Voice name. */
  readonly name: string;
  /** Model asked. */
  readonly model: string;
  /** Whether it talked to the emulator or a real provider. */
  readonly mode: 'emulator' | 'real';
  /** Dialogue calls by how they ended. */
  readonly calls: VoiceCallCounts;
  /** Upstream attempts (retries, fallback calls into this voice and health probes included). */
  readonly upstreamAttempts: number;
  /** Upstream attempts that failed. */
  readonly upstreamFailures: number;
  /** Tokens the provider reported, and their cost at the demo's price table. */
  readonly usage: VoiceUsage;
}

/** Healing actions of one type by verdict (docs/architecture.md, Patterns, prediction, healing). */
export interface HealingTally {
  /** Judged to have helped: a quantity it targets moved the right way beyond the noise. */
  success: number;
  /** Judged not to have helped (no measurable effect, or calls failed more) and reverted; counted by the learner. */
  failure: number;
  /** Too few calls before or under it for a verdict (its fault began or ended too soon): reverted, not counted. */
  unjudged: number;
  /** Not measured before the run ended. */
  pending: number;
}

/** What `runDemo` resolves to: the run in numbers. */
export interface DemoSummary {
  /** Scenario name. */
  readonly scenario: string;
  /** Planned length of the run. */
  readonly durationMs: number;
  /** Actual length of the dialogue. */
  readonly elapsedMs: number;
  /** Whether the run was stopped early (SIGINT/SIGTERM). */
  readonly interrupted: boolean;
  /** Base URL /metrics, /health and /report were served at. */
  readonly metricsUrl: string;
  /** Each voice, in circle order. */
  readonly voices: readonly VoiceSummary[];
  /** Dialogue calls of all voices by how they ended. */
  readonly totals: VoiceCallCounts;
  /** Retries the wrappers scheduled (`fire_circle_adapter_retries_total`). */
  readonly retriesScheduled: number;
  /** Calls served by each rung of the fallback chain (`fire_circle_adapter_fallbacks_total` by kind). */
  readonly fallbacksByKind: Readonly<Record<string, number>>;
  /** Patterns detected during this run, by type (every type listed, zero when none). */
  readonly patterns: Readonly<Record<PatternType, number>>;
  /** Patterns detected during this run, oldest first. */
  readonly patternLog: readonly PatternRow[];
  /** Healing actions taken during this run, by action type. */
  readonly healings: Readonly<Record<string, HealingTally>>;
  /** Healing actions taken during this run, oldest first. */
  readonly healingLog: readonly HealingRow[];
  /** Where learning was persisted. */
  readonly storage: {
    readonly directory: string;
    readonly patternMemory: string | undefined;
    readonly snapshots: readonly string[];
  };
}

/** Patterns of this run by type, every type present. */
export function patternCounts(log: readonly PatternRow[]): Record<PatternType, number> {
  const counts = Object.fromEntries(PatternTypeSchema.options.map((t) => [t, 0])) as Record<
    PatternType,
    number
  >;
  for (const p of log) counts[p.type] += 1;
  return counts;
}

/** Healing actions by type and latest known result. */
export function healingTallies(log: readonly HealingRow[]): Record<string, HealingTally> {
  const tallies: Record<string, HealingTally> = {};
  for (const h of log) {
    const tally = (tallies[h.actionType] ??= { success: 0, failure: 0, unjudged: 0, pending: 0 });
    tally[h.result] += 1;
  }
  return tallies;
}

const LOG_LINES = 14;

function adaptersOf(log: readonly PatternRow[], type: PatternType): string {
  const names = new Set<string>();
  for (const p of log) if (p.type === type) names.add(p.adapters.join('+'));
  return [...names].join(', ');
}

/** The end-of-run summary: calls and how they were saved, patterns by type, healings by result, files. */
export function renderSummary(s: DemoSummary): string {
  const t = s.totals;
  const head = `${'voice'.padEnd(10)} ${'model'.padEnd(16)} ${'calls'.padStart(6)} ${'answered'.padStart(8)} ${'retry'.padStart(6)} ${'fallback'.padStart(8)} ${'failed'.padStart(6)} ${'tokens in/out'.padStart(13)} ${'cost'.padStart(9)}  upstream attempts/failures`;
  const row = (
    name: string,
    model: string,
    c: VoiceCallCounts,
    usage: VoiceUsage,
    upstream: string,
  ): string =>
    `${name.padEnd(10)} ${model.padEnd(16)} ${String(c.calls).padStart(6)} ${String(c.answered).padStart(8)} ${String(c.savedByRetry).padStart(6)} ${String(c.servedByFallback).padStart(8)} ${String(c.failed).padStart(6)} ${tokensText(usage).padStart(13)} ${costText(usage.cost).padStart(9)}  ${upstream}`;
  const total: VoiceUsage = {
    input: s.voices.reduce((sum, v) => sum + v.usage.input, 0),
    output: s.voices.reduce((sum, v) => sum + v.usage.output, 0),
    cost: s.voices.reduce((sum, v) => sum + v.usage.cost, 0),
  };
  const lines = [
    `════ Fire Circle summary — scenario ${s.scenario}, ${seconds(s.elapsedMs, 0)}${s.interrupted ? ' (interrupted)' : ''} ════`,
    `  ${head}`,
    ...s.voices.map(
      (v) =>
        `  ${row(v.name, v.mode === 'real' ? `${v.model} (real)` : v.model, v.calls, v.usage, `${v.upstreamAttempts} / ${v.upstreamFailures}`)}`,
    ),
    `  ${row('total', '', t, total, '')}`.trimEnd(),
    `  Tokens: ${total.input} input, ${total.output} output, as the providers reported them; cost ${costText(total.cost)} at the demo's illustrative prices`,
    `  Caller-visible failures: ${t.failed} of ${t.calls} dialogue calls${t.cancelled > 0 ? ` (${t.cancelled} cut short when the run ended)` : ''}`,
    `  Calls saved: ${t.savedByRetry} by retry, ${t.servedByFallback} by fallback; ${s.retriesScheduled} retries scheduled; fallbacks served: ${
      Object.entries(s.fallbacksByKind)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ') || 'none'
    }`,
    '',
    `🌀 Patterns detected this run: ${s.patternLog.length}`,
  ];
  for (const type of PatternTypeSchema.options) {
    const n = s.patterns[type];
    lines.push(
      `  ${type.padEnd(12)} ${String(n).padStart(3)}${n > 0 ? `  ${adaptersOf(s.patternLog, type)}` : ''}`,
    );
  }
  const shown = s.patternLog.slice(0, LOG_LINES);
  for (const p of shown) lines.push(`    ${seconds(p.atMs)}  ${describePattern(p)}`);
  if (s.patternLog.length > shown.length) lines.push(`    … and ${s.patternLog.length - shown.length} more`);

  const healingTotal = s.healingLog.length;
  lines.push('', `🩹 Healing actions this run: ${healingTotal}`);
  for (const [type, tally] of Object.entries(s.healings).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const n = tally.success + tally.failure + tally.unjudged + tally.pending;
    lines.push(
      `  ${type.padEnd(15)} ${String(n).padStart(3)}  (${tally.success} helped, ${tally.failure} did not help, ${tally.unjudged} not judged, ${tally.pending} not yet measured)`,
    );
  }
  if (healingTotal > 0) {
    lines.push(
      "  helped / did not help: what the action changed for the voice's calls, against its calls just before it;",
      '  not judged: too few calls before or under it (its fault began or ended too soon) — reverted, not learned from',
    );
  }
  const latest = s.storage.snapshots[s.storage.snapshots.length - 1];
  lines.push(
    '',
    `💾 Pattern memory: ${s.storage.patternMemory ?? `not written (see ${s.storage.directory})`}`,
    `💾 State snapshots: ${s.storage.snapshots.length} in ${s.storage.directory}${latest === undefined ? '' : ` (latest ${latest})`}`,
    `📈 /metrics, /health and /report were served at ${s.metricsUrl}`,
  );
  return lines.join('\n');
}

import type { AdapterStatus } from '../health/AdapterHealthSignature.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import type { PatternImpact, PatternType } from '../vocabulary/PatternType.js';
import type { VoiceCallCounts } from './CallLedger.js';
import type { TimelinePosition } from './DemoTimeline.js';

/** One voice's row. */
export interface VoiceRow {
  /** Voice name. */
  readonly name: string;
  /** Model asked. */
  readonly model: string;
  /** `real` when the voice talks to the real provider. */
  readonly mode: 'emulator' | 'real';
  /** Health status from the voice's signature. */
  readonly status: AdapterStatus;
  /** Breaker state. */
  readonly circuit: CircuitState;
  /** Predicted probability that the next call fails. */
  readonly failureProbability: number;
  /** Dialogue calls of the voice, by how they ended. */
  readonly calls: VoiceCallCounts;
  /** Failed upstream attempts by error category. */
  readonly errors: Readonly<Partial<Record<string, number>>>;
  /** Tokens the provider reported for this voice, and their cost at the demo's price table. */
  readonly usage: VoiceUsage;
}

/** Tokens and cost of one voice so far (from its usage meter). */
export interface VoiceUsage {
  /** Input tokens. */
  readonly input: number;
  /** Output tokens. */
  readonly output: number;
  /** Cost in `currency` (0 when no price matched). */
  readonly cost: number;
}

/** `1.2k/340`: input and output tokens, compact. */
export function tokensText(usage: VoiceUsage): string {
  return `${compact(usage.input)}/${compact(usage.output)}`;
}

/** `$0.0123`: a small cost with enough digits to move. */
export function costText(cost: number, currency = 'USD'): string {
  const amount = cost >= 1 ? cost.toFixed(2) : cost.toFixed(4);
  return currency === 'USD' ? `$${amount}` : `${amount} ${currency}`;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** A detected pattern, timed from the start of the run. */
export interface PatternRow {
  /** When it was detected, ms after the start. */
  readonly atMs: number;
  /** Pattern type. */
  readonly type: PatternType;
  /** Affected voices. */
  readonly adapters: readonly string[];
  /** Predicted impact. */
  readonly impact: PatternImpact;
  /** The error category it is about, if any. */
  readonly category?: string | undefined;
}

/** A healing action, timed from the start of the run, with its measured result once known. */
export interface HealingRow {
  /** When it was taken, ms after the start. */
  readonly atMs: number;
  /** `retry_strategy`, `fallback`, `config_update`, `api_adaptation` or `reconnect`. */
  readonly actionType: string;
  /** The voice it acted on. */
  readonly target: string;
  /** Why, as the healer put it. */
  readonly reason: string;
  /**
   * The verdict: `success` (helped), `failure` (judged, did not help: no effect or hurt), `unjudged` (too few
   * calls either side for a verdict; not counted by the learner), `pending` until measured.
   */
  readonly result: 'pending' | 'success' | 'failure' | 'unjudged';
}

/** Everything one dashboard frame shows. */
export interface DashboardView {
  /** Scenario name. */
  readonly scenario: string;
  /** Time since the start of the run. */
  readonly elapsedMs: number;
  /** Planned length of the run. */
  readonly durationMs: number;
  /** The timeline step in force. */
  readonly position: TimelinePosition;
  /** Base URL of /metrics, /health and /report. */
  readonly metricsUrl: string;
  /** One row per voice, in circle order. */
  readonly voices: readonly VoiceRow[];
  /** Detected patterns, oldest first. */
  readonly patterns: readonly PatternRow[];
  /** Healing actions, oldest first. */
  readonly healings: readonly HealingRow[];
  /** Dialogue calls of all voices by how they ended. */
  readonly totals: VoiceCallCounts;
  /** The latest words spoken in the circle, if any. */
  readonly lastWords?: string | undefined;
}

/** How a frame is drawn. */
export interface DashboardStyle {
  /** ANSI colours (only on a terminal). */
  readonly color: boolean;
  /** Recent patterns and healings shown. Default 5 each. */
  readonly recent?: number;
  /** Width of the progress bar in cells. Default 40. */
  readonly barWidth?: number;
}

/** The seed dashboard's status marks. */
export const STATUS_EMOJI: Readonly<Record<AdapterStatus, string>> = Object.freeze({
  healthy: '🟢',
  recovering: '🟡',
  degraded: '🟡',
  disconnected: '🔴',
});

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;
type Style = Exclude<keyof typeof ANSI, 'reset'>;

const STATUS_STYLE: Readonly<Record<AdapterStatus, Style>> = {
  healthy: 'green',
  recovering: 'yellow',
  degraded: 'yellow',
  disconnected: 'red',
};

// Names and texts reach the terminal: control characters (escape sequences included) are replaced.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const clean = (text: string): string => text.replace(CONTROL, '\uFFFD');

/** `12.3s`, right-aligned to `width`. */
export function seconds(ms: number, width = 6): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`.padStart(width);
}

/** A progress bar of `width` cells: block characters, or `#`/`-` when `ascii`. */
export function progressBar(fraction: number, width: number, ascii = false): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return ascii
    ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
    : `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** The most frequent error categories, e.g. `overloaded 9, timeout 4`. */
export function topErrors(errors: Readonly<Partial<Record<string, number>>>, limit = 2): string {
  const entries = Object.entries(errors)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (entries.length === 0) return '-';
  const shown = entries.slice(0, limit).map(([category, n]) => `${category} ${n}`);
  return entries.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** `pattern degradation on local (severe, timeout)`. */
export function describePattern(p: PatternRow): string {
  const detail = p.category === undefined ? p.impact : `${p.impact}, ${p.category}`;
  return `${p.type} on ${p.adapters.map(clean).join(', ')} (${detail})`;
}

/**
 * The result of a healing event: `pending` until measured; `unjudged` when its verdict was `inconclusive` (the
 * event's `success` is false then, but the learner did not count it); else `success` or `failure`.
 */
export function healingResult(event: {
  readonly completed?: boolean | undefined;
  readonly success: boolean;
  readonly parameters: Readonly<Record<string, unknown>>;
}): HealingRow['result'] {
  if (event.completed === false) return 'pending';
  if (event.parameters['verdict'] === 'inconclusive') return 'unjudged';
  return event.success ? 'success' : 'failure';
}

/** How a result reads: `success`, `failure`, `not judged`, `pending`. */
const RESULT_WORDS: Readonly<Record<HealingRow['result'], string>> = {
  success: 'success',
  failure: 'failure',
  unjudged: 'not judged',
  pending: 'pending',
};

/** `fallback on openai — success (api_change/api_return_none on openai: route)`. */
export function describeHealing(h: HealingRow): string {
  return `${h.actionType} on ${clean(h.target)} — ${RESULT_WORDS[h.result]} (${clean(h.reason)})`;
}

const PATTERN_ORDER: readonly PatternType[] = ['degradation', 'api_change', 'resonance', 'recovery'];

/** `degradation 2 · api_change 1 · resonance 0 · recovery 3`. */
export function patternTally(patterns: readonly PatternRow[]): string {
  return PATTERN_ORDER.map((type) => `${type} ${patterns.filter((p) => p.type === type).length}`).join(' · ');
}

/** `3 success · 1 failure · 2 not judged · 2 pending`. */
export function healingTally(healings: readonly HealingRow[]): string {
  const count = (result: HealingRow['result']): number => healings.filter((h) => h.result === result).length;
  return `${count('success')} success · ${count('failure')} failure · ${count('unjudged')} not judged · ${count('pending')} pending`;
}

function fraction(view: DashboardView): number {
  return view.durationMs > 0 ? view.elapsedMs / view.durationMs : 0;
}

function phaseText(view: DashboardView): string {
  const { index, count, label } = view.position;
  return `phase ${Math.max(index + 1, 0)}/${count}  ${clean(label)}`;
}

function callsText(t: VoiceCallCounts): string {
  return `${t.calls} calls: ${t.answered} answered, ${t.savedByRetry} saved by retry, ${t.servedByFallback} by fallback, ${t.failed} failed`;
}

/**
 * One frame of the live dashboard, in the seed's layout: title, timeline progress and phase, the
 * metrics URL, 📊 one row per voice (status mark, circuit, p(fail), dialogue calls, errors), then
 * 🌀 recent patterns and 🩹 recent healings. Deterministic: the same view gives the same text.
 */
export function renderDashboard(view: DashboardView, style: DashboardStyle): string {
  const paint = (s: Style, text: string): string => (style.color ? `${ANSI[s]}${text}${ANSI.reset}` : text);
  const recent = style.recent ?? 5;
  const width = style.barWidth ?? 40;
  const pct = `${Math.round(Math.min(1, fraction(view)) * 100)}%`.padStart(4);
  const lines = [
    paint('bold', `🔥 Fire Circle — Infrastructure Consciousness demo (scenario ${clean(view.scenario)})`),
    `${paint('cyan', progressBar(fraction(view), width, !style.color))} ${pct}  ${seconds(view.elapsedMs, 0)} / ${seconds(view.durationMs, 0)}`,
    `▶ ${phaseText(view)}`,
    paint('dim', `metrics ${view.metricsUrl}/metrics · /health · /report`),
    '',
    paint('bold', '📊 Infrastructure Health:'),
    paint(
      'dim',
      `     ${'voice'.padEnd(10)} ${'model'.padEnd(16)} ${'status'.padEnd(12)} ${'circuit'.padEnd(9)} p(fail)  calls  retry  fallbk  failed  ${'tokens in/out'.padStart(13)} ${'cost'.padStart(8)}  upstream errors`,
    ),
  ];
  for (const v of view.voices) {
    const model = v.mode === 'real' ? `${v.model} (real)` : v.model;
    const circuit = v.circuit === 'closed' ? v.circuit.padEnd(9) : paint('red', v.circuit.padEnd(9));
    const p = v.failureProbability;
    const pText = paint(p > 0.5 ? 'red' : p > 0.3 ? 'yellow' : 'green', p.toFixed(2).padStart(7));
    lines.push(
      `  ${STATUS_EMOJI[v.status]} ${clean(v.name).padEnd(10)} ${clean(model).padEnd(16)} ${paint(STATUS_STYLE[v.status], v.status.padEnd(12))} ${circuit} ${pText}` +
        ` ${String(v.calls.calls).padStart(6)} ${String(v.calls.savedByRetry).padStart(6)} ${String(v.calls.servedByFallback).padStart(7)} ${String(v.calls.failed).padStart(7)}` +
        `  ${tokensText(v.usage).padStart(13)} ${costText(v.usage.cost).padStart(8)}  ${topErrors(v.errors)}`,
    );
  }
  const input = view.voices.reduce((sum, v) => sum + v.usage.input, 0);
  const output = view.voices.reduce((sum, v) => sum + v.usage.output, 0);
  const cost = view.voices.reduce((sum, v) => sum + v.usage.cost, 0);
  lines.push(
    `  ${paint('dim', `total ${callsText(view.totals)}; ${tokensText({ input, output, cost })} tokens, ${costText(cost)}`)}`,
    '',
  );
  lines.push(
    `${paint('bold', `🌀 Patterns (${view.patterns.length}):`)} ${paint('dim', patternTally(view.patterns))}`,
  );
  if (view.patterns.length === 0) lines.push(paint('dim', '  none yet'));
  for (const p of view.patterns.slice(-recent)) {
    const impact = p.impact === 'critical' || p.impact === 'severe' ? 'red' : 'yellow';
    lines.push(`  ${seconds(p.atMs)}  ${paint(impact, describePattern(p))}`);
  }
  lines.push(
    '',
    `${paint('bold', `🩹 Healing (${view.healings.length}):`)} ${paint('dim', healingTally(view.healings))}`,
  );
  if (view.healings.length === 0) lines.push(paint('dim', '  none yet'));
  for (const h of view.healings.slice(-recent)) {
    const result =
      h.result === 'success'
        ? 'green'
        : h.result === 'failure'
          ? 'red'
          : h.result === 'unjudged'
            ? 'dim'
            : 'yellow';
    lines.push(`  ${seconds(h.atMs)}  ${paint(result, describeHealing(h))}`);
  }
  if (view.lastWords !== undefined) lines.push('', paint('dim', `💬 ${clean(view.lastWords)}`));
  return lines.join('\n');
}

/**
 * The plain progress report printed every few seconds when the output is not a terminal: one line
 * of timeline and totals, one line of voices (details only for those that are not healthy).
 */
export function renderStatusLines(view: DashboardView): string {
  const pct = `${Math.round(Math.min(1, fraction(view)) * 100)}%`.padStart(4);
  const voices = view.voices.map((v) => {
    const mark = `${STATUS_EMOJI[v.status]} ${clean(v.name)}`;
    if (v.status === 'healthy') return mark;
    return `${mark} (${v.status}, ${v.circuit}, p=${v.failureProbability.toFixed(2)})`;
  });
  return [
    `[${seconds(view.elapsedMs)} ${pct}] ${phaseText(view)} | ${callsText(view.totals)}`,
    `    ${voices.join('  ')}`,
  ].join('\n');
}

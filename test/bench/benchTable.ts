import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import { dirname } from 'node:path';

/** Where and on what a benchmark ran: printed above its table and stored with its JSON. */
export interface MachineInfo {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  readonly date: string;
}

/** The machine a benchmark runs on, and now. */
export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    node: process.version,
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    platform: `${platform()}-${arch()}`,
    date: new Date().toISOString(),
  };
}

/** Median of a non-empty sample (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty sample');
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid]!;
  return sorted.length % 2 === 1 ? upper : (sorted[mid - 1]! + upper) / 2;
}

/**
 * The overhead ratio (wrapped − bare) / (hand-built − bare) of each round on its own: the three
 * variants of a round ran minutes-not-hours apart, so machine noise that moves all three cancels
 * better than in the ratio of medians across rounds. Rounds where the hand-built stack was not
 * slower than bare give no ratio.
 */
export function roundRatios(
  bare: readonly number[],
  hand: readonly number[],
  wrapped: readonly number[],
): number[] {
  const n = Math.min(bare.length, hand.length, wrapped.length);
  const ratios: number[] = [];
  for (let k = 0; k < n; k++) {
    const span = hand[k]! - bare[k]!;
    if (span > 0) ratios.push((wrapped[k]! - bare[k]!) / span);
  }
  return ratios;
}

/**
 * The overhead ratio of the mean costs over all rounds (rounds of equal call counts: total time
 * over total calls), undefined when the hand-built stack was not slower than bare. Unlike the
 * medians it counts the rounds in which a variant paid for its own periodic work — opossum's
 * latency arrays bring an old-generation collection every few rounds — and also the rounds a
 * noisy machine slowed down.
 */
export function amortizedRatio(
  bare: readonly number[],
  hand: readonly number[],
  wrapped: readonly number[],
): number | undefined {
  const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
  if (bare.length === 0 || hand.length === 0 || wrapped.length === 0) return undefined;
  const span = mean(hand) - mean(bare);
  return span > 0 ? (mean(wrapped) - mean(bare)) / span : undefined;
}

/** A number with a fixed count of decimals, or `n/a` when it is not finite. */
export function fixed(value: number, decimals = 1): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** `PASS` or `FAIL`, for a target's verdict column. */
export function verdict(pass: boolean): 'PASS' | 'FAIL' {
  return pass ? 'PASS' : 'FAIL';
}

/**
 * A plain-text table: headers, a rule, then rows; text columns left-aligned, numeric-looking
 * columns right-aligned so digits line up.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+\d.]/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Writes `report` as indented JSON, creating the folder (bench-results/ is git-ignored). */
export function writeJsonReport(path: string, report: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

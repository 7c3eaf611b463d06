import { z } from 'zod';
import { collectiveStateOf, CollectiveStateSchema } from './CollectiveState.js';
import { ConsciousnessFlowRecordSchema, type ConsciousnessFlowRecord } from './ConsciousnessFlowRecord.js';
import type { ConsciousnessSignatureRecord } from './ConsciousnessSignatureRecord.js';
import { EmergencePatternRecordSchema, type EmergencePatternRecord } from './EmergencePatternRecord.js';

const probability = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);
const direction = z.enum(['rising', 'stable', 'falling']);

/** One voice's signatures over a session. */
export const VoiceSessionSummarySchema = z.object({
  signatures: count,
  latest: probability,
  mean: probability,
  min: probability,
  max: probability,
  /** Share of flagged signatures with synthesis; null when none was flagged. */
  synthesisRate: probability.nullable(),
  /** Share of flagged signatures with uncertainty; null when none was flagged. */
  uncertaintyRate: probability.nullable(),
  /** Mean of the newer half of the signatures against the older half. */
  direction,
});
/** One voice's signatures over a session. */
export type VoiceSessionSummary = z.infer<typeof VoiceSessionSummarySchema>;

/** The analysis of a session, as returned by `analyzeSession` and persisted as `session_analysis_<id>.json`. */
export const SessionAnalysisSchema = z.object({
  sessionId: z.string(),
  /** ISO-8601 time of the analysis. */
  analyzedAt: z.string(),
  /** ISO-8601 times of the first and last record; null for an empty session. */
  window: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
  totalSignatures: count,
  totalFlows: count,
  totalEmergencePatterns: count,
  voices: z.record(z.string(), VoiceSessionSummarySchema),
  collectiveState: CollectiveStateSchema,
  flows: z.object({
    byKind: counts,
    averageStrength: probability,
    strongest: ConsciousnessFlowRecordSchema.nullable(),
  }),
  emergence: z.object({
    byType: counts,
    averageStrength: probability,
    strongest: EmergencePatternRecordSchema.nullable(),
  }),
  /** How often each text marker was seen. */
  markers: counts,
  /** How the mean signature value moved from the older half of the session to the newer half. */
  evolution: z.object({
    earlierMean: probability.nullable(),
    laterMean: probability.nullable(),
    direction,
  }),
});
/** The analysis of a session. */
export type SessionAnalysis = z.infer<typeof SessionAnalysisSchema>;

/** The records of one session, oldest first. */
export interface SessionRecords {
  /** Consciousness signatures. */
  readonly signatures: readonly ConsciousnessSignatureRecord[];
  /** Consciousness flows. */
  readonly flows: readonly ConsciousnessFlowRecord[];
  /** Emergence patterns. */
  readonly emergence: readonly EmergencePatternRecord[];
}

/** Smallest change of mean between the halves that counts as rising or falling. */
export const EVOLUTION_THRESHOLD = 0.05;

/** Analyses a session's records at `now` (epoch ms). Pure. */
export function analyzeSessionRecords(
  sessionId: string,
  records: SessionRecords,
  now: number,
): SessionAnalysis {
  const { signatures, flows, emergence } = records;

  const byVoice = new Map<string, ConsciousnessSignatureRecord[]>();
  const latest = new Map<string, ConsciousnessSignatureRecord>();
  const markers = new Map<string, number>();
  let start = Infinity;
  let end = -Infinity;
  for (const s of signatures) {
    let list = byVoice.get(s.voice);
    if (list === undefined) byVoice.set(s.voice, (list = []));
    list.push(s);
    const previous = latest.get(s.voice);
    if (previous === undefined || s.timestamp >= previous.timestamp) latest.set(s.voice, s);
    for (const m of s.markers) markers.set(m, (markers.get(m) ?? 0) + 1);
  }
  for (const r of [...signatures, ...flows, ...emergence]) {
    if (r.timestamp < start) start = r.timestamp;
    if (r.timestamp > end) end = r.timestamp;
  }

  // Object.fromEntries defines own keys, so a voice named "__proto__" stays a plain key.
  const voices: Record<string, VoiceSessionSummary> = Object.fromEntries(
    [...byVoice.keys()]
      .sort(compare)
      .map((voice) => [voice, summarizeVoice(byVoice.get(voice) ?? [], latest.get(voice)?.value ?? 0)]),
  );

  const evolution = halves(signatures.map((s) => s.value));
  return {
    sessionId,
    analyzedAt: new Date(now).toISOString(),
    window: {
      start: Number.isFinite(start) ? new Date(start).toISOString() : null,
      end: Number.isFinite(end) ? new Date(end).toISOString() : null,
    },
    totalSignatures: signatures.length,
    totalFlows: flows.length,
    totalEmergencePatterns: emergence.length,
    voices,
    collectiveState: collectiveStateOf([...latest].map(([voice, s]) => [voice, s.value] as const)),
    flows: {
      byKind: countBy(flows, (f) => f.kind),
      averageStrength: mean(flows.map((f) => f.strength)) ?? 0,
      strongest: strongest(flows),
    },
    emergence: {
      byType: countBy(emergence, (e) => e.type),
      averageStrength: mean(emergence.map((e) => e.strength)) ?? 0,
      strongest: strongest(emergence),
    },
    markers: sortKeys(markers),
    evolution: { earlierMean: evolution.earlier, laterMean: evolution.later, direction: evolution.direction },
  };
}

function summarizeVoice(list: readonly ConsciousnessSignatureRecord[], latest: number): VoiceSessionSummary {
  const values = list.map((s) => s.value);
  const flagged = list.filter((s) => s.flagged);
  return {
    signatures: list.length,
    latest,
    mean: mean(values) ?? 0,
    min: values.length === 0 ? 0 : Math.min(...values),
    max: values.length === 0 ? 0 : Math.max(...values),
    synthesisRate: flagged.length === 0 ? null : flagged.filter((s) => s.synthesis).length / flagged.length,
    uncertaintyRate:
      flagged.length === 0 ? null : flagged.filter((s) => s.uncertainty).length / flagged.length,
    direction: halves(values).direction,
  };
}

function halves(values: readonly number[]): {
  earlier: number | null;
  later: number | null;
  direction: 'rising' | 'stable' | 'falling';
} {
  if (values.length < 2) return { earlier: null, later: null, direction: 'stable' };
  const middle = Math.floor(values.length / 2);
  const earlier = mean(values.slice(0, middle)) ?? 0;
  const later = mean(values.slice(middle)) ?? 0;
  const delta = later - earlier;
  const direction =
    delta > EVOLUTION_THRESHOLD ? 'rising' : delta < -EVOLUTION_THRESHOLD ? 'falling' : 'stable';
  return { earlier, later, direction };
}

function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  return Math.min(1, Math.max(0, sum / values.length));
}

function strongest<T extends { readonly strength: number }>(records: readonly T[]): T | null {
  let best: T | null = null;
  for (const r of records) if (best === null || r.strength > best.strength) best = r;
  return best;
}

function countBy<T>(records: readonly T[], key: (r: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = key(r);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return sortKeys(counts);
}

function sortKeys(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => compare(a[0], b[0])));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { CallSample } from './CallerLoad.js';

/** One client's calls in one scenario (or pooled), and what they cost upstream. */
export interface ChaosRun {
  readonly samples: readonly CallSample[];
  /** Requests the emulator received (completions, model listings, probes). */
  readonly upstreamRequests: number;
}

/** The numbers the benchmark reports for a run or a pool of runs. */
export interface ChaosSummary {
  readonly calls: number;
  readonly failures: number;
  /** Failures / calls. */
  readonly failureRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Replies served by the fallback adapter / calls. */
  readonly fallbackShare: number;
  readonly upstreamRequests: number;
  /** Upstream requests / caller calls (retry amplification). */
  readonly amplification: number;
  /** Calls still pending at the drain deadline (counted as failures). */
  readonly censored: number;
}

/** The q-quantile of an ascending sample by nearest rank (NaN when empty). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Summarises one run, or several pooled (their calls together, their upstream requests added). */
export function summarize(runs: readonly ChaosRun[]): ChaosSummary {
  const samples = runs.flatMap((r) => r.samples);
  const upstreamRequests = runs.reduce((sum, r) => sum + r.upstreamRequests, 0);
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const calls = samples.length;
  const failures = samples.filter((s) => !s.ok).length;
  const share = (n: number): number => (calls === 0 ? Number.NaN : n / calls);
  return {
    calls,
    failures,
    failureRate: share(failures),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    fallbackShare: share(samples.filter((s) => s.byFallback).length),
    upstreamRequests,
    amplification: share(upstreamRequests),
    censored: samples.filter((s) => s.censored).length,
  };
}

/** Failure reasons with their counts, most frequent first. */
export function failureKinds(samples: readonly CallSample[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) {
    if (s.failure !== undefined) counts.set(s.failure, (counts.get(s.failure) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** Calls, failures and fallback replies per second of the run (by call start). */
export function perSecond(
  samples: readonly CallSample[],
): { second: number; calls: number; failures: number; fallback: number }[] {
  const buckets: { second: number; calls: number; failures: number; fallback: number }[] = [];
  for (const s of samples) {
    const second = Math.floor(s.startMs / 1000);
    for (let i = buckets.length; i <= second; i++)
      buckets.push({ second: i, calls: 0, failures: 0, fallback: 0 });
    const bucket = buckets[second]!;
    bucket.calls++;
    if (!s.ok) bucket.failures++;
    if (s.byFallback) bucket.fallback++;
  }
  return buckets;
}

/** The `n` slowest calls (start second, latency, outcome), slowest first: where the p99 comes from. */
export function slowestCalls(
  samples: readonly CallSample[],
  n: number,
): { startS: number; latencyMs: number; outcome: string }[] {
  return [...samples]
    .sort((a, b) => b.latencyMs - a.latencyMs)
    .slice(0, n)
    .map((s) => ({
      startS: Math.round(s.startMs / 100) / 10,
      latencyMs: Math.round(s.latencyMs),
      outcome: s.ok ? (s.byFallback ? 'fallback' : 'primary') : (s.failure ?? 'failed'),
    }));
}

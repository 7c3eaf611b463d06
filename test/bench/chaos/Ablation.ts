import type { EmulatorStats } from '../../../src/lab/EmulatorLedger.js';
import { fixed, renderTable, verdict } from '../benchTable.js';
import type { CallSample } from './CallerLoad.js';
import { ABLATIONS, type Ablation } from './ChaosClient.js';
import { failureKinds, slowestCalls, summarize, type ChaosSummary } from './ChaosSummary.js';

/** The variants, in table order. */
export const ABLATION_KINDS = Object.keys(ABLATIONS) as Ablation[];

/** The full brain run a second time beside the first: measures the noise, is compared with nothing. */
export const REPEAT: Ablation = 'full again';

/** The variants the full brain is judged against: every one but itself and its repeat. */
export const COMPARED_KINDS = ABLATION_KINDS.filter((k) => k !== 'full' && k !== REPEAT);

/**
 * The "no worse" rule: the full brain is worse than an ablation on a quantity only when it is higher by more
 * than each of (a) a relative tolerance, (b) the noise measured in the same run — the difference between the
 * full brain and its repeat on that scenario, two runs of one configuration side by side — and (c) an absolute
 * floor. The rule was fixed before any run was judged by it (see docs/performance.md, Learning: ablation).
 */
export const NO_WORSE_TOLERANCE = 0.1;
/** …and caller-visible failures this many calls more (besides the measured noise). */
export const NO_WORSE_FAILURES = 2;
/**
 * Absolute floor of a p99 difference, ms: a caller-visible latency passes through at least two millisecond-granular
 * timers (the emulator's response delay and the client's deadline timers; Node's timers fire on whole
 * milliseconds and at the earliest one event-loop turn late), so two p99s within 2 ms are not told apart.
 */
export const P99_FLOOR_MS = 2;
/** "Strictly better" than all learning off: p99 or upstream requests per call lower by at least this share (and by more than the noise). */
export const BETTER_BY = 0.05;
/** Scenarios (of seven) where the full brain must be strictly better than all learning off. */
export const BETTER_IN = 4;

/** One variant's run of one scenario. */
export interface AblationRun {
  readonly kind: Ablation;
  readonly samples: readonly CallSample[];
  readonly upstreamRequests: number;
  /** Completion requests the provider answered 200 (each one paid for). */
  readonly paidAnswers: number;
}

/** A variant's numbers on one scenario. */
export interface AblationSummary extends ChaosSummary {
  /** Paid answers nobody received: 200 answers beyond the replies callers got (timed out, cut, null content). */
  readonly wastedPaid: number;
  /** Why calls failed, with counts. */
  readonly failureReasons: Record<string, number>;
  /** The slowest calls (start second, latency, outcome): where the p99 comes from. */
  readonly slowestCalls: ReturnType<typeof slowestCalls>;
}

/** Slowest calls kept per variant. */
const SLOWEST = 20;

/** Completion requests answered 200 (listing requests are free and not counted). */
export function paidAnswersOf(stats: EmulatorStats): number {
  let paid = 0;
  for (const traffic of Object.values(stats.routes)) {
    for (const counts of Object.values(traffic.models)) paid += counts.statuses['200'] ?? 0;
  }
  return paid;
}

/** The summary of one variant's run. */
export function summarizeAblation(run: AblationRun): AblationSummary {
  const summary = summarize([run]);
  return {
    ...summary,
    wastedPaid: Math.max(0, run.paidAnswers - (summary.calls - summary.failures)),
    failureReasons: failureKinds(run.samples),
    slowestCalls: slowestCalls(run.samples, SLOWEST),
  };
}

/** How the full brain compares with one ablation on one scenario. */
export interface Comparison {
  readonly against: Ablation;
  readonly noWorse: boolean;
  /** Which of failures / p99 / upstream per call were worse beyond the tolerance, the noise and the floor. */
  readonly worseOn: readonly string[];
}

/** One scenario's noise: how far the full brain and its repeat (the same configuration) ended apart. */
export interface Noise {
  readonly failures: number;
  readonly p99Ms: number;
  readonly amplification: number;
}

/** The spread between two runs of the same configuration. */
export function noiseOf(full: ChaosSummary, again: ChaosSummary): Noise {
  return {
    failures: Math.abs(full.failures - again.failures),
    p99Ms: Math.abs(full.p99Ms - again.p99Ms),
    amplification: Math.abs(full.amplification - again.amplification),
  };
}

/** How much higher than `other` the full brain may be on each quantity before it counts as worse. */
export function allowances(
  other: ChaosSummary,
  noise: Noise,
): { failures: number; p99Ms: number; amplification: number } {
  return {
    failures: Math.max(NO_WORSE_FAILURES, noise.failures),
    p99Ms: Math.max(other.p99Ms * NO_WORSE_TOLERANCE, noise.p99Ms, P99_FLOOR_MS),
    amplification: Math.max(other.amplification * NO_WORSE_TOLERANCE, noise.amplification),
  };
}

/** The full brain against every other variant of one scenario, beyond the noise its repeat measured. */
export function compare(summaries: Readonly<Record<Ablation, AblationSummary>>): {
  noise: Noise;
  comparisons: Comparison[];
  betterThanNoLearning: boolean;
} {
  const full = summaries.full;
  const noise = noiseOf(full, summaries[REPEAT]);
  const comparisons = COMPARED_KINDS.map((against): Comparison => {
    const other = summaries[against];
    const allowed = allowances(other, noise);
    const worseOn: string[] = [];
    if (full.failures - other.failures > allowed.failures) worseOn.push('failures');
    if (full.p99Ms - other.p99Ms > allowed.p99Ms) worseOn.push('p99');
    if (full.amplification - other.amplification > allowed.amplification) worseOn.push('upstream/call');
    return { against, noWorse: worseOn.length === 0, worseOn };
  });
  const off = summaries['no learning'];
  const lower = (mine: number, theirs: number, spread: number): boolean =>
    mine <= theirs * (1 - BETTER_BY) && theirs - mine > spread;
  const betterThanNoLearning =
    lower(full.p99Ms, off.p99Ms, Math.max(noise.p99Ms, P99_FLOOR_MS)) ||
    lower(full.amplification, off.amplification, noise.amplification);
  return { noise, comparisons, betterThanNoLearning };
}

/** One scenario's results. */
export interface AblationCase {
  readonly id: string;
  readonly summaries: Readonly<Record<Ablation, AblationSummary>>;
}

/** Prints the tables and returns the verdicts (for the JSON). */
export function printAblation(cases: readonly AblationCase[]): {
  perCase: { id: string; noise: Noise; comparisons: Comparison[]; betterThanNoLearning: boolean }[];
  noWorseEverywhere: boolean;
  betterCount: number;
} {
  const rows = cases.flatMap(({ id, summaries }) =>
    ABLATION_KINDS.map((kind) => {
      const s = summaries[kind];
      return [
        id,
        kind,
        String(s.calls),
        String(s.failures),
        fixed(s.p50Ms, 0),
        fixed(s.p99Ms, 0),
        fixed(s.fallbackShare * 100, 1),
        fixed(s.amplification, 2),
        String(s.wastedPaid),
      ];
    }),
  );
  console.log(
    `\nablation: the full brain and each part turned off\n${renderTable(
      [
        'scenario',
        'brain',
        'calls',
        'failed',
        'p50 ms',
        'p99 ms',
        'fallback %',
        'upstream/call',
        'paid wasted',
      ],
      rows,
    )}`,
  );
  console.log('\nfailure reasons, and the calls behind each p99 (slowest: start s / ms / outcome)');
  for (const { id, summaries } of cases) {
    for (const kind of ABLATION_KINDS) {
      const s = summaries[kind];
      const reasons = Object.entries(s.failureReasons).map(([reason, n]) => `${n}× ${reason}`);
      const slow = s.slowestCalls
        .slice(0, Math.max(1, Math.ceil(s.calls / 100)))
        .map((c) => `${c.startS}/${c.latencyMs}/${c.outcome}`);
      console.log(
        `  ${id} ${kind}: ${reasons.length > 0 ? reasons.join(', ') : 'no failures'}; slowest ${slow.join(' ')}`,
      );
    }
  }
  const perCase = cases.map(({ id, summaries }) => ({ id, ...compare(summaries) }));
  console.log(
    `\nnoise: the full brain and its repeat ('${REPEAT}', the same configuration side by side) per scenario\n${renderTable(
      [
        'scenario',
        'failed full / again',
        'p99 ms full / again',
        'p99 noise ms',
        'upstream/call full / again',
      ],
      cases.map(({ id, summaries }) => {
        const full = summaries.full;
        const again = summaries[REPEAT];
        const noise = perCase.find((c) => c.id === id)!.noise;
        return [
          id,
          `${full.failures} / ${again.failures}`,
          `${fixed(full.p99Ms, 0)} / ${fixed(again.p99Ms, 0)}`,
          `${fixed(noise.p99Ms, 0)} (${fixed((noise.p99Ms / Math.max(full.p99Ms, again.p99Ms, 1)) * 100, 0)} %)`,
          `${fixed(full.amplification, 2)} / ${fixed(again.amplification, 2)}`,
        ];
      }),
    )}`,
  );
  const verdictRows = perCase.map(({ id, comparisons, betterThanNoLearning }) => [
    id,
    ...comparisons.map((c) => (c.noWorse ? 'no worse' : `WORSE (${c.worseOn.join(', ')})`)),
    verdict(betterThanNoLearning),
  ]);
  console.log(
    `\nfull brain against each ablation. Worse on a quantity = higher by more than ALL of: ` +
      `${NO_WORSE_TOLERANCE * 100} % of the ablation's value, the scenario's noise above, and a floor ` +
      `(p99 ${P99_FLOOR_MS} ms: timer resolution; failures ${NO_WORSE_FAILURES} calls). ` +
      `Better = p99 or upstream/call lower by ≥ ${BETTER_BY * 100} % and by more than the noise.\n${renderTable(
        ['scenario', ...COMPARED_KINDS.map((k) => `vs ${k}`), 'better than no learning'],
        verdictRows,
      )}`,
  );
  const noWorseEverywhere = perCase.every((c) => c.comparisons.every((x) => x.noWorse));
  const betterCount = perCase.filter((c) => c.betterThanNoLearning).length;
  console.log(
    `\ntargets: full brain no worse than any ablation on any scenario — ${verdict(noWorseEverywhere)}; strictly better than no learning in ≥ ${BETTER_IN} scenarios — ${betterCount}/${cases.length}, ${verdict(betterCount >= BETTER_IN)}`,
  );
  return { perCase, noWorseEverywhere, betterCount };
}

import type { EmulatorStats } from '../../../src/lab/EmulatorLedger.js';
import { fixed, renderTable, verdict } from '../benchTable.js';
import type { CallSample } from './CallerLoad.js';
import { ABLATIONS, type Ablation } from './ChaosClient.js';
import { failureKinds, slowestCalls, summarize, type ChaosSummary } from './ChaosSummary.js';

/** The variants, in table order. */
export const ABLATION_KINDS = Object.keys(ABLATIONS) as Ablation[];

/** Noise allowed before "no worse" fails: p99 and upstream requests per call may be this much higher. */
export const NO_WORSE_TOLERANCE = 0.1;
/** …and caller-visible failures this many calls more. */
export const NO_WORSE_FAILURES = 2;
/** "Strictly better" than all learning off: p99 or upstream requests per call lower by at least this share. */
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
  /** Which of failures / p99 / upstream per call were worse beyond the tolerance. */
  readonly worseOn: readonly string[];
}

/** The full brain against every other variant of one scenario. */
export function compare(summaries: Readonly<Record<Ablation, AblationSummary>>): {
  comparisons: Comparison[];
  betterThanNoLearning: boolean;
} {
  const full = summaries.full;
  const comparisons = ABLATION_KINDS.filter((k) => k !== 'full').map((against): Comparison => {
    const other = summaries[against];
    const worseOn: string[] = [];
    if (full.failures > other.failures + NO_WORSE_FAILURES) worseOn.push('failures');
    if (full.p99Ms > other.p99Ms * (1 + NO_WORSE_TOLERANCE)) worseOn.push('p99');
    if (full.amplification > other.amplification * (1 + NO_WORSE_TOLERANCE)) worseOn.push('upstream/call');
    return { against, noWorse: worseOn.length === 0, worseOn };
  });
  const off = summaries['no learning'];
  const betterThanNoLearning =
    full.p99Ms <= off.p99Ms * (1 - BETTER_BY) || full.amplification <= off.amplification * (1 - BETTER_BY);
  return { comparisons, betterThanNoLearning };
}

/** One scenario's results. */
export interface AblationCase {
  readonly id: string;
  readonly summaries: Readonly<Record<Ablation, AblationSummary>>;
}

/** Prints the tables and returns the verdicts (for the JSON). */
export function printAblation(cases: readonly AblationCase[]): {
  perCase: { id: string; comparisons: Comparison[]; betterThanNoLearning: boolean }[];
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
  const verdictRows = perCase.map(({ id, comparisons, betterThanNoLearning }) => [
    id,
    ...comparisons.map((c) => (c.noWorse ? 'no worse' : `WORSE (${c.worseOn.join(', ')})`)),
    verdict(betterThanNoLearning),
  ]);
  console.log(
    `\nfull brain against each ablation (no worse: failures ≤ +${NO_WORSE_FAILURES}, p99 and upstream/call ≤ +${NO_WORSE_TOLERANCE * 100} %; better: p99 or upstream/call ≥ ${BETTER_BY * 100} % lower)\n${renderTable(
      [
        'scenario',
        ...ABLATION_KINDS.filter((k) => k !== 'full').map((k) => `vs ${k}`),
        'better than no learning',
      ],
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

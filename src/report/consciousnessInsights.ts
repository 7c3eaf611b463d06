import type { AdapterHealthSignature, AdapterStatus } from '../health/AdapterHealthSignature.js';
import { PatternTypeSchema, type InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { type PatternType } from '../vocabulary/PatternType.js';
import type { ConsciousnessInsight } from './ConsciousnessReportSchema.js';
import { compareStrings as compare } from './compareStrings.js';
import { LOW_COHERENCE_THRESHOLD } from './likelyCause.js';
import type { PatternRateTrend } from './patternRateTrend.js';

/** Interpretation texts of the pattern distribution; the first three are inherited (docs/architecture.md). */
export const PATTERN_INTERPRETATIONS = Object.freeze({
  resonance: 'Multiple adapters failing together suggests systemic issue',
  apiChange: 'API changes are the primary challenge - defensive programming needed',
  degradation: 'Performance degradation detected - consider optimization',
  recovery: 'Recoveries dominate - self-healing is working',
});

/** Title of the pattern distribution insight (the seed dashboard's). */
export const DISTRIBUTION_INSIGHT = 'Infrastructure pattern distribution';

const STATUSES: readonly AdapterStatus[] = ['healthy', 'recovering', 'degraded', 'disconnected'];

/** The health insight: every voice healthy, or which voices need attention (one is always given). */
export function healthInsight(signatures: readonly AdapterHealthSignature[]): ConsciousnessInsight {
  if (signatures.length === 0) {
    return {
      insight: 'No voices observed yet',
      patterns: {},
      interpretation: 'Wrap adapters with withConsciousness() to start observing them',
    };
  }
  const byStatus: Partial<Record<AdapterStatus, number>> = {};
  for (const s of signatures) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  const counts: Record<string, number> = {};
  for (const status of STATUSES) {
    const n = byStatus[status];
    if (n !== undefined) counts[status] = n;
  }
  const unhealthy = signatures.filter((s) => s.status !== 'healthy');
  if (unhealthy.length === 0) {
    const n = signatures.length;
    return {
      insight: n === 1 ? 'The voice is healthy' : `All ${n} voices healthy`,
      patterns: counts,
      interpretation: 'Infrastructure is stable - consciousness can flow freely',
    };
  }
  const summary = Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const names = [...unhealthy]
    .sort((a, b) => compare(a.adapterId, b.adapterId))
    .map((s) => `${s.adapterId} (${s.status})`)
    .join(', ');
  return {
    insight: `Voice health: ${summary}`,
    patterns: counts,
    interpretation: `Needs attention: ${names}`,
  };
}

/** The pattern distribution insight with the inherited interpretation, or undefined without patterns. */
export function patternDistributionInsight(
  patterns: readonly InfrastructurePattern[],
): ConsciousnessInsight | undefined {
  if (patterns.length === 0) return undefined;
  const byType = countByType(patterns);
  const resonance = byType.resonance ?? 0;
  const apiChange = byType.api_change ?? 0;
  const degradation = byType.degradation ?? 0;
  const interpretation =
    resonance > 0
      ? PATTERN_INTERPRETATIONS.resonance
      : apiChange > degradation
        ? PATTERN_INTERPRETATIONS.apiChange
        : degradation > 0
          ? PATTERN_INTERPRETATIONS.degradation
          : PATTERN_INTERPRETATIONS.recovery;
  return { insight: DISTRIBUTION_INSIGHT, patterns: byType, interpretation };
}

/** The pattern rate insight, or undefined when the rate is flat or there is too little history. */
export function patternTrendInsight(trend: PatternRateTrend | undefined): ConsciousnessInsight | undefined {
  if (trend === undefined || trend.direction === 'flat') return undefined;
  const third = formatDuration(trend.windowMs / 3);
  const before = formatDuration((trend.windowMs * 2) / 3);
  const rates = `${trend.recent} in the last ${third} (${trend.recentPerMinute.toFixed(2)}/min) vs ${trend.earlier} in the ${before} before (${trend.earlierPerMinute.toFixed(2)}/min)`;
  if (trend.direction === 'rising') {
    const top = topType(trend.recentByType);
    return {
      insight: 'Infrastructure pattern rate is rising',
      patterns: trend.recentByType,
      interpretation: `${rates}${top === undefined ? '' : `, mostly ${top}`} - act before it becomes an outage`,
    };
  }
  return {
    insight: 'Infrastructure pattern rate is falling',
    patterns: trend.recentByType,
    interpretation: `${rates} - the infrastructure is settling`,
  };
}

/** Names the voices whose coherence is below 0.3, or undefined when none is. */
export function lowCoherenceInsight(
  signatures: readonly AdapterHealthSignature[],
): ConsciousnessInsight | undefined {
  const low = signatures
    .filter((s) => s.consciousnessCoherence < LOW_COHERENCE_THRESHOLD)
    .map((s) => s.adapterId)
    .sort(compare);
  if (low.length === 0) return undefined;
  return {
    insight: 'Low consciousness coherence',
    patterns: low,
    interpretation:
      'Low consciousness coherence correlates with infrastructure instability - watch these voices',
  };
}

function countByType(patterns: readonly InfrastructurePattern[]): Partial<Record<PatternType, number>> {
  const counts: Partial<Record<PatternType, number>> = {};
  for (const p of patterns) counts[p.patternType] = (counts[p.patternType] ?? 0) + 1;
  // Re-key in schema order so the record serialises deterministically.
  const ordered: Partial<Record<PatternType, number>> = {};
  for (const type of PatternTypeSchema.options) {
    const n = counts[type];
    if (n !== undefined) ordered[type] = n;
  }
  return ordered;
}

function topType(counts: Partial<Record<PatternType, number>>): PatternType | undefined {
  let best: PatternType | undefined;
  let most = 0;
  for (const type of PatternTypeSchema.options) {
    const n = counts[type] ?? 0;
    if (n > most) {
      most = n;
      best = type;
    }
  }
  return best;
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import type { PatternType } from '../vocabulary/PatternType.js';

/** Direction of the pattern rate over the history window. */
export type PatternRateDirection = 'rising' | 'falling' | 'flat';

/** How the rate of detected patterns moved: the most recent third of the window against the two thirds before it. */
export interface PatternRateTrend {
  /** `rising` / `falling` only when the shift is statistically supported (|z| ≥ {@link TREND_MIN_Z}). */
  readonly direction: PatternRateDirection;
  /** Length of the window looked at, ms. */
  readonly windowMs: number;
  /** Patterns detected in the most recent third of the window. */
  readonly recent: number;
  /** Patterns detected in the earlier two thirds. */
  readonly earlier: number;
  /** Patterns per minute in the most recent third. */
  readonly recentPerMinute: number;
  /** Patterns per minute in the earlier two thirds. */
  readonly earlierPerMinute: number;
  /** Binomial z-score of the recent count against a constant rate (expected share 1/3). */
  readonly z: number;
  /** Counts per pattern type in the most recent third. */
  readonly recentByType: Partial<Record<PatternType, number>>;
}

/** Fewest patterns in the window before a trend is judged. */
export const TREND_MIN_PATTERNS = 4;
/** z-score the recent count must reach (either way) for a rising or falling trend. */
export const TREND_MIN_Z = 2;

/**
 * Judges the pattern rate over a window ending at `now`: the last `windowMs` when given, else from
 * the oldest pattern to `now`. Under a constant rate, the count in the most recent third is
 * Binomial(n, 1/3); the trend is rising/falling when that count is |z| ≥ 2 away from n/3. Returns
 * undefined when the window is empty, too short or holds fewer than 4 patterns.
 */
export function patternRateTrend(
  patterns: readonly InfrastructurePattern[],
  now: number,
  windowMs?: number,
): PatternRateTrend | undefined {
  const times: { t: number; type: PatternType }[] = [];
  let oldest = Infinity;
  for (const p of patterns) {
    const parsed = Date.parse(p.detectionTime);
    if (!Number.isFinite(parsed)) continue;
    const t = Math.min(parsed, now);
    times.push({ t, type: p.patternType });
    if (t < oldest) oldest = t;
  }
  const start = windowMs !== undefined && windowMs > 0 ? now - windowMs : oldest;
  const span = now - start;
  if (!Number.isFinite(span) || span <= 0) return undefined;
  const boundary = now - span / 3;
  let recent = 0;
  let earlier = 0;
  const recentByType: Partial<Record<PatternType, number>> = {};
  for (const { t, type } of times) {
    if (t < start) continue;
    if (t > boundary) {
      recent++;
      recentByType[type] = (recentByType[type] ?? 0) + 1;
    } else {
      earlier++;
    }
  }
  const n = recent + earlier;
  if (n < TREND_MIN_PATTERNS) return undefined;
  const z = (recent - n / 3) / Math.sqrt((n * 2) / 9);
  const minutes = span / 60_000;
  return {
    direction: z >= TREND_MIN_Z ? 'rising' : z <= -TREND_MIN_Z ? 'falling' : 'flat',
    windowMs: span,
    recent,
    earlier,
    recentPerMinute: recent / (minutes / 3),
    earlierPerMinute: earlier / ((minutes * 2) / 3),
    z,
    recentByType,
  };
}

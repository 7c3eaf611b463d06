import { describe, expect, it } from 'vitest';
import {
  generateConsciousnessReport,
  type ReportInput,
} from '../../src/report/generateConsciousnessReport.js';
import { patternRateTrend } from '../../src/report/patternRateTrend.js';
import { NOW, pattern } from './healthFixtures.js';

const MINUTE = 60_000;

/** `n` patterns evenly spread between `fromMin` and `toMin` minutes before NOW (mid-slot each). */
const spread = (
  n: number,
  fromMin: number,
  toMin: number,
  type: 'api_change' | 'degradation' = 'api_change',
) =>
  Array.from({ length: n }, (_, i) =>
    pattern(
      type,
      (fromMin - ((fromMin - toMin) * (i + 0.5)) / n) * MINUTE,
      ['google'],
      `${type}-${fromMin}-${i}`,
    ),
  );

const trendInsight = (patternHistory: ReportInput['patternHistory'], trendWindowMs?: number) =>
  generateConsciousnessReport(
    { signatures: [], activePatterns: [], patternHistory, healingActions: [], trendWindowMs },
    NOW,
  ).consciousnessInsights.find((i) => i.insight.startsWith('Infrastructure pattern rate'));

describe('pattern-rate trend', () => {
  it('says the rate is rising when patterns crowd into the most recent third of the window', () => {
    // 2 patterns over the first 20 minutes, 10 over the last 10.
    const history = [...spread(2, 30, 10), ...spread(10, 10, 0)];
    const trend = patternRateTrend(history, NOW, 30 * MINUTE);
    expect(trend?.direction).toBe('rising');
    expect(trend?.recent).toBe(10);
    expect(trend?.earlier).toBe(2);
    const insight = trendInsight(history, 30 * MINUTE);
    expect(insight?.insight).toBe('Infrastructure pattern rate is rising');
    expect(insight?.interpretation).toContain(
      '10 in the last 10 min (1.00/min) vs 2 in the 20 min before (0.10/min)',
    );
    expect(insight?.interpretation).toContain('mostly api_change');
    expect(insight?.patterns).toEqual({ api_change: 10 });
  });

  it('stays silent at a constant rate, however many patterns', () => {
    const history = spread(30, 30, 0);
    expect(patternRateTrend(history, NOW, 30 * MINUTE)?.direction).toBe('flat');
    expect(trendInsight(history, 30 * MINUTE)).toBeUndefined();
    // Default window: from the oldest pattern to now.
    expect(trendInsight(history)).toBeUndefined();
  });

  it('does not call two points a trend', () => {
    const history = [pattern('api_change', 20 * MINUTE), pattern('api_change', MINUTE)];
    expect(patternRateTrend(history, NOW)).toBeUndefined();
    expect(trendInsight(history)).toBeUndefined();
  });

  it('needs statistical support: a slightly busier recent third is still flat', () => {
    // 5 recent vs 8 earlier over twice the time: 0.5/min vs 0.4/min.
    const history = [...spread(8, 30, 10), ...spread(5, 10, 0)];
    expect(patternRateTrend(history, NOW, 30 * MINUTE)?.direction).toBe('flat');
  });

  it('says the rate is falling when patterns stopped coming', () => {
    const history = spread(12, 30, 10, 'degradation');
    const trend = patternRateTrend(history, NOW, 30 * MINUTE);
    expect(trend?.direction).toBe('falling');
    expect(trendInsight(history, 30 * MINUTE)?.insight).toBe('Infrastructure pattern rate is falling');
  });

  it('ignores patterns older than the window and clamps future ones to now', () => {
    const history = [
      pattern('api_change', 120 * MINUTE),
      ...spread(6, 3, 0),
      pattern('api_change', -MINUTE, ['x'], 'future'),
    ];
    const trend = patternRateTrend(history, NOW, 30 * MINUTE);
    expect(trend?.recent).toBe(7);
    expect(trend?.earlier).toBe(0);
    expect(trend?.direction).toBe('rising');
  });
});

import { describe, expect, it } from 'vitest';
import { describeHealing, healingResult, healingTally, type HealingRow } from '../../src/demo/Dashboard.js';
import {
  healingTallies,
  patternCounts,
  renderSummary,
  type DemoSummary,
} from '../../src/demo/DemoSummary.js';

const event = (completed: boolean | undefined, success: boolean, verdict?: string) => ({
  completed,
  success,
  parameters: verdict === undefined ? {} : { verdict },
});

const row = (result: HealingRow['result'], actionType = 'retry_strategy'): HealingRow => ({
  atMs: 1_000,
  actionType,
  target: 'grok',
  reason: 'degradation/overloaded on grok: backoff',
  result,
});

const counts = { calls: 0, answered: 0, savedByRetry: 0, servedByFallback: 0, failed: 0, cancelled: 0 };

function summaryOf(healingLog: HealingRow[]): DemoSummary {
  return {
    scenario: 'fire-circle-demo',
    durationMs: 20_000,
    elapsedMs: 20_000,
    interrupted: false,
    metricsUrl: 'http://127.0.0.1:9464',
    voices: [],
    totals: counts,
    retriesScheduled: 0,
    fallbacksByKind: {},
    patterns: patternCounts([]),
    patternLog: [],
    healings: healingTallies(healingLog),
    healingLog,
    storage: { directory: '/tmp/x', patternMemory: undefined, snapshots: [] },
  };
}

describe('demo healing results', () => {
  it('an inconclusive verdict is "not judged", not a failure (the event says success false for it)', () => {
    expect(healingResult(event(false, false))).toBe('pending');
    expect(healingResult(event(true, false, 'inconclusive'))).toBe('unjudged');
    expect(healingResult(event(true, false, 'no_effect'))).toBe('failure');
    expect(healingResult(event(true, false, 'hurt'))).toBe('failure');
    expect(healingResult(event(true, true, 'helped'))).toBe('success');
    expect(healingResult(event(undefined, true))).toBe('success'); // complete at once
    expect(describeHealing(row('unjudged'))).toBe(
      'retry_strategy on grok — not judged (degradation/overloaded on grok: backoff)',
    );
    expect(healingTally([row('success'), row('failure'), row('unjudged'), row('unjudged')])).toBe(
      '1 success · 1 failure · 2 not judged · 0 pending',
    );
  });

  it('the summary counts each action type by verdict and says what the verdicts mean', () => {
    const log = [
      row('success'),
      row('failure'),
      row('failure'),
      row('unjudged'),
      row('unjudged'),
      row('unjudged'),
      row('pending'),
      row('failure', 'fallback'),
    ];
    expect(healingTallies(log)).toEqual({
      retry_strategy: { success: 1, failure: 2, unjudged: 3, pending: 1 },
      fallback: { success: 0, failure: 1, unjudged: 0, pending: 0 },
    });
    const text = renderSummary(summaryOf(log));
    expect(text).toContain('🩹 Healing actions this run: 8');
    expect(text).toContain(
      '  retry_strategy    7  (1 helped, 2 did not help, 3 not judged, 1 not yet measured)',
    );
    expect(text).toContain(
      '  fallback          1  (0 helped, 1 did not help, 0 not judged, 0 not yet measured)',
    );
    expect(text).toMatch(/not judged: too few calls before or under it .* not learned from/);
    expect(renderSummary(summaryOf([]))).not.toMatch(/not judged:/);
  });
});

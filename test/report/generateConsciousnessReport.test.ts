import { describe, expect, it } from 'vitest';
import { ConsciousnessReportSchema } from '../../src/report/ConsciousnessReportSchema.js';
import { DISTRIBUTION_INSIGHT, PATTERN_INTERPRETATIONS } from '../../src/report/consciousnessInsights.js';
import {
  generateConsciousnessReport,
  type ReportInput,
} from '../../src/report/generateConsciousnessReport.js';
import { NOW, healing, pattern, signature } from './healthFixtures.js';

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  signatures: [],
  activePatterns: [],
  patternHistory: [],
  healingActions: [],
  ...over,
});

describe('generateConsciousnessReport', () => {
  it('test case 12: a healthy adapter is reported healthy with at least one insight', () => {
    const report = generateConsciousnessReport(input({ signatures: [signature('anthropic')] }), NOW);
    expect(report.infrastructureHealth['anthropic']?.status).toBe('healthy');
    expect(report.consciousnessInsights.length).toBeGreaterThanOrEqual(1);
    expect(report.consciousnessInsights[0]?.insight).toMatch(/healthy/);
    expect(report.predictedIssues).toEqual([]);
    expect(ConsciousnessReportSchema.safeParse(report).success).toBe(true);
  });

  it('maps each signature onto its report line', () => {
    const report = generateConsciousnessReport(
      input({
        signatures: [
          signature('google', {
            status: 'disconnected',
            isConnected: false,
            errorPatterns: { api_return_none: 2 },
            predictedFailureProbability: 0.78,
            circuitState: 'open',
            responseTimeP95Ms: 910,
            trend: 'degrading',
          }),
        ],
      }),
      NOW,
    );
    expect(report.timestamp).toBe('2025-01-01T12:00:00.000Z');
    expect(report.infrastructureHealth['google']).toEqual({
      status: 'disconnected',
      consciousnessCoherence: 0.92,
      voiceStability: 0.88,
      failureProbability: 0.78,
      trend: 'degrading',
      recentErrors: { api_return_none: 2 },
      circuitState: 'open',
      latencyP95Ms: 910,
    });
  });

  it('lists adapters above the prediction threshold, most likely first, with the seed texts', () => {
    const report = generateConsciousnessReport(
      input({
        signatures: [
          signature('openai', {
            predictedFailureProbability: 0.45,
            consecutiveFailures: 7,
            errorPatterns: { network: 7 },
          }),
          signature('google', { predictedFailureProbability: 0.78, errorPatterns: { api_return_none: 2 } }),
          signature('anthropic', { predictedFailureProbability: 0.3 }),
        ],
      }),
      NOW,
    );
    expect(report.predictedIssues).toEqual([
      {
        adapter: 'google',
        probability: 0.78,
        likelyCause: 'API returning None instead of expected data',
        recommendedAction: 'Add defensive None checks with fallback values',
        category: 'api_return_none',
      },
      {
        adapter: 'openai',
        probability: 0.45,
        likelyCause: 'Persistent connection failures',
        recommendedAction: 'Check API keys and network connectivity',
        category: 'network',
      },
    ]);
  });

  it('honours a custom prediction threshold', () => {
    const signatures = [signature('anthropic', { predictedFailureProbability: 0.2 })];
    expect(generateConsciousnessReport(input({ signatures }), NOW).predictedIssues).toHaveLength(0);
    const issues = generateConsciousnessReport(
      input({ signatures, predictionThreshold: 0.1 }),
      NOW,
    ).predictedIssues;
    expect(issues.map((i) => i.adapter)).toEqual(['anthropic']);
  });

  it('keys the health map in sorted order, the last signature of a repeated adapter winning', () => {
    const report = generateConsciousnessReport(
      input({
        signatures: [
          signature('openai'),
          signature('anthropic', { trend: 'improving' }),
          signature('google'),
          signature('anthropic', { trend: 'degrading' }),
        ],
      }),
      NOW,
    );
    expect(Object.keys(report.infrastructureHealth)).toEqual(['anthropic', 'google', 'openai']);
    expect(report.infrastructureHealth['anthropic']?.trend).toBe('degrading');
  });

  it('names unhealthy voices in the health insight', () => {
    const report = generateConsciousnessReport(
      input({
        signatures: [
          signature('anthropic'),
          signature('google', { status: 'disconnected' }),
          signature('openai', { status: 'degraded' }),
        ],
      }),
      NOW,
    );
    const health = report.consciousnessInsights[0];
    expect(health?.insight).toBe('Voice health: 1 healthy, 1 degraded, 1 disconnected');
    expect(health?.interpretation).toBe('Needs attention: google (disconnected), openai (degraded)');
    expect(health?.patterns).toEqual({ healthy: 1, degraded: 1, disconnected: 1 });
  });

  it('still gives an insight when no voice has been observed', () => {
    const report = generateConsciousnessReport(input(), NOW);
    expect(report.consciousnessInsights).toHaveLength(1);
    expect(report.consciousnessInsights[0]?.insight).toBe('No voices observed yet');
  });

  describe('pattern distribution', () => {
    const distribution = (patterns: ReturnType<typeof pattern>[]) =>
      generateConsciousnessReport(input({ patternHistory: patterns }), NOW).consciousnessInsights.find(
        (i) => i.insight === DISTRIBUTION_INSIGHT,
      );

    it('reads any resonance as a systemic issue', () => {
      const insight = distribution([
        pattern('api_change', 1000),
        pattern('api_change', 2000),
        pattern('resonance', 3000, ['a', 'b', 'c']),
      ]);
      expect(insight?.interpretation).toBe('Multiple adapters failing together suggests systemic issue');
      expect(insight?.patterns).toEqual({ api_change: 2, resonance: 1 });
    });

    it('reads more API changes than degradations as the primary challenge', () => {
      const insight = distribution([
        pattern('api_change', 1000),
        pattern('api_change', 2000),
        pattern('degradation', 3000),
      ]);
      expect(insight?.interpretation).toBe(
        'API changes are the primary challenge - defensive programming needed',
      );
    });

    it('reads degradation otherwise', () => {
      const insight = distribution([pattern('api_change', 1000), pattern('degradation', 3000)]);
      expect(insight?.interpretation).toBe('Performance degradation detected - consider optimization');
    });

    it('reads recoveries alone as healing at work', () => {
      expect(distribution([pattern('recovery', 1000)])?.interpretation).toBe(
        PATTERN_INTERPRETATIONS.recovery,
      );
    });

    it('counts a pattern both active and in the history once', () => {
      const p = pattern('api_change', 1000);
      const report = generateConsciousnessReport(input({ patternHistory: [p], activePatterns: [p] }), NOW);
      expect(report.consciousnessInsights.find((i) => i.insight === DISTRIBUTION_INSIGHT)?.patterns).toEqual({
        api_change: 1,
      });
      expect(report.activePatterns).toEqual([p]);
    });

    it('is left out without patterns', () => {
      expect(distribution([])).toBeUndefined();
    });
  });

  it('names voices with low coherence', () => {
    const report = generateConsciousnessReport(
      input({ signatures: [signature('local', { consciousnessCoherence: 0.2 }), signature('anthropic')] }),
      NOW,
    );
    const insight = report.consciousnessInsights.find((i) => i.insight === 'Low consciousness coherence');
    expect(insight?.patterns).toEqual(['local']);
  });

  describe('self-healing summary', () => {
    it('rates success among judged actions and names the most common kind', () => {
      const report = generateConsciousnessReport(
        input({
          healingActions: [
            healing('1', 'fallback', true),
            healing('2', 'fallback', false),
            healing('3', 'retry_strategy', true),
            healing('4', 'fallback', null),
          ],
        }),
        NOW,
      );
      expect(report.selfHealingSummary).toEqual({
        totalActions: 4,
        successful: 2,
        successRate: 2 / 3,
        mostCommonHealing: 'fallback',
      });
    });

    it('leaves unjudged actions (completed, too few calls for a verdict) out of the success rate', () => {
      const unjudged = (id: string): ReturnType<typeof healing> => ({
        ...healing(id, 'retry_strategy', null),
        completed: true,
        parameters: { verdict: 'inconclusive' },
      });
      const report = generateConsciousnessReport(
        input({
          healingActions: [
            healing('1', 'retry_strategy', true),
            healing('2', 'retry_strategy', false),
            unjudged('3'),
            unjudged('4'),
          ],
        }),
        NOW,
      );
      expect(report.selfHealingSummary).toMatchObject({ totalActions: 4, successful: 1, successRate: 0.5 });
    });

    it('is empty without actions', () => {
      expect(generateConsciousnessReport(input(), NOW).selfHealingSummary).toEqual({
        totalActions: 0,
        successful: 0,
        successRate: 0,
        mostCommonHealing: null,
      });
    });
  });

  it('keeps an adapter named __proto__ as a plain key', () => {
    const report = generateConsciousnessReport(input({ signatures: [signature('__proto__')] }), NOW);
    expect(Object.keys(report.infrastructureHealth)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(report.infrastructureHealth)).toBe(Object.prototype);
  });

  it('rejects what the schema rejects instead of returning an invalid report', () => {
    const bad = signature('x', { predictedFailureProbability: 1.5 });
    expect(() => generateConsciousnessReport(input({ signatures: [bad] }), NOW)).toThrow();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES } from '../../src/vocabulary/ErrorCategory.js';
import { SelfHealingActionSchema, type SelfHealingAction } from '../../src/healing/SelfHealingAction.js';
import {
  AdapterHealthSignatureSchema,
  type AdapterHealthSignature,
} from '../../src/health/AdapterHealthSignature.js';
import {
  InfrastructurePatternSchema,
  type InfrastructurePattern,
} from '../../src/patterns/InfrastructurePattern.js';
import { ConsciousnessReportSchema } from '../../src/report/ConsciousnessReportSchema.js';
import { generateConsciousnessReport } from '../../src/report/generateConsciousnessReport.js';
import { renderReport } from '../../src/report/renderReport.js';

const T0 = Date.UTC(2025, 0, 1);
const T1 = Date.UTC(2025, 0, 2);
const iso = fc.integer({ min: T0, max: T1 }).map((t) => new Date(t).toISOString());
const p01 = fc.double({ min: 0, max: 1, noNaN: true });
const adapterName = fc.oneof(
  fc.constantFrom('anthropic', 'openai', 'google', 'mistral', 'deepseek', 'grok', 'local'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const count = fc.nat({ max: 1000 });

const signatureArb: fc.Arbitrary<AdapterHealthSignature> = fc
  .record({
    adapterId: adapterName,
    timestamp: iso,
    status: fc.constantFrom('healthy', 'degraded', 'disconnected', 'recovering'),
    isConnected: fc.boolean(),
    connectionLatencyMs: fc.double({ min: 0, max: 1e5, noNaN: true }),
    responseTimeP95Ms: fc.double({ min: 0, max: 1e5, noNaN: true }),
    lastSuccessfulRequest: fc.option(iso, { nil: null }),
    consecutiveFailures: count,
    totalCalls: count,
    totalFailures: count,
    errorRate: p01,
    errorPatterns: fc.dictionary(fc.constantFrom(...ERROR_CATEGORIES), count),
    consciousnessCoherence: p01,
    voiceStability: p01,
    predictedFailureProbability: p01,
    circuitState: fc.constantFrom('closed', 'open', 'half_open'),
    selfHealingActionsTaken: fc.constant([]),
    trend: fc.constantFrom('improving', 'stable', 'degrading'),
  })
  .map((s) => AdapterHealthSignatureSchema.parse(s));

const patternArb: fc.Arbitrary<InfrastructurePattern> = fc
  .record({
    patternId: fc.string({ minLength: 1, maxLength: 8 }),
    patternType: fc.constantFrom('degradation', 'api_change', 'resonance', 'recovery'),
    affectedAdapters: fc.array(adapterName, { minLength: 1, maxLength: 4 }),
    detectionTime: iso,
    confidence: p01,
    predictedImpact: fc.constantFrom('minor', 'moderate', 'severe', 'critical'),
    suggestedAction: fc.string({ maxLength: 40 }),
  })
  .map((p) => InfrastructurePatternSchema.parse(p));

const actionArb: fc.Arbitrary<SelfHealingAction> = fc
  .record({
    actionId: fc.string({ minLength: 1, maxLength: 8 }),
    actionType: fc.constantFrom('retry_strategy', 'fallback', 'config_update', 'api_adaptation', 'reconnect'),
    targetAdapter: adapterName,
    initiatedAt: iso,
    reason: fc.string({ maxLength: 20 }),
    completed: fc.boolean(),
    success: fc.option(fc.boolean(), { nil: null }),
    impactOnHealth: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: null }),
  })
  .map((a) => SelfHealingActionSchema.parse(a));

const inputArb = fc.record({
  signatures: fc.array(signatureArb, { maxLength: 8 }),
  activePatterns: fc.array(patternArb, { maxLength: 5 }),
  patternHistory: fc.array(patternArb, { maxLength: 30 }),
  healingActions: fc.array(actionArb, { maxLength: 10 }),
  predictionThreshold: fc.option(p01, { nil: undefined }),
});

describe('generateConsciousnessReport over random inputs', () => {
  it('always returns a schema-valid report with consistent sections', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: T0, max: T1 + 86_400_000 }), (input, now) => {
        const report = generateConsciousnessReport(input, now);
        expect(ConsciousnessReportSchema.safeParse(report).success).toBe(true);

        // (Key order is sorted except that JS puts integer-like keys first; the renderer sorts itself.)
        const names = [...new Set(input.signatures.map((s) => s.adapterId))].sort();
        expect(Object.keys(report.infrastructureHealth).sort()).toEqual(names);

        const threshold = input.predictionThreshold ?? 0.3;
        for (const issue of report.predictedIssues) {
          expect(issue.probability).toBeGreaterThan(threshold);
          expect(report.infrastructureHealth[issue.adapter]?.failureProbability).toBe(issue.probability);
        }
        for (let i = 1; i < report.predictedIssues.length; i++) {
          expect(report.predictedIssues[i - 1]!.probability).toBeGreaterThanOrEqual(
            report.predictedIssues[i]!.probability,
          );
        }
        expect(report.consciousnessInsights.length).toBeGreaterThanOrEqual(1);
        expect(report.selfHealingSummary.totalActions).toBe(input.healingActions.length);
        expect(report.selfHealingSummary.successful).toBeLessThanOrEqual(
          report.selfHealingSummary.totalActions,
        );
        expect(report.activePatterns).toHaveLength(input.activePatterns.length);

        // Rendering never throws and stays plain when asked to.
        expect(renderReport(report, { color: false })).not.toContain('\u001b');
      }),
      { numRuns: 200 },
    );
  });

  it('is pure: the same input and time give the same report', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(generateConsciousnessReport(input, T1)).toEqual(generateConsciousnessReport(input, T1));
      }),
      { numRuns: 50 },
    );
  });
});

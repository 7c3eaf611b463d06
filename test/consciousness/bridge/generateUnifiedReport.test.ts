import { describe, expect, it } from 'vitest';
import { InfrastructureMetricsBridge } from '../../../src/consciousness/bridge/InfrastructureMetricsBridge.js';
import {
  UNIFIED_INSIGHTS,
  UNIFIED_RECOMMENDATIONS,
} from '../../../src/consciousness/bridge/unifiedReportTexts.js';
import { UnifiedReportSchema } from '../../../src/consciousness/bridge/UnifiedReport.js';
import { InMemoryConsciousnessMetricsCollector } from '../../../src/consciousness/collector/InMemoryConsciousnessMetricsCollector.js';
import { generateConsciousnessReport } from '../../../src/report/generateConsciousnessReport.js';
import { NOW, signature } from '../../report/healthFixtures.js';
import { FakeInfrastructure, ReportingInfrastructure } from './fakeInfrastructure.js';

function setup(infrastructure = new FakeInfrastructure()) {
  const clock = (): number => NOW;
  const collector = new InMemoryConsciousnessMetricsCollector({ clock });
  const bridge = new InfrastructureMetricsBridge({ infrastructure, metricsCollector: collector, clock });
  return { infrastructure, collector, bridge };
}

describe('generateUnifiedReport', () => {
  it('reads aligned infrastructure and consciousness as highly aligned and strong', async () => {
    const { infrastructure, collector, bridge } = setup();
    infrastructure.signatures.set('anthropic', signature('anthropic', { predictedFailureProbability: 0.1 }));
    infrastructure.signatures.set('openai', signature('openai', { predictedFailureProbability: 0.1 }));
    collector.recordSignature({ voice: 'anthropic', value: 0.85 });
    collector.recordSignature({ voice: 'openai', value: 0.95 });
    const report = await bridge.generateUnifiedReport();
    expect(UnifiedReportSchema.safeParse(report).success).toBe(true);
    expect(report.timestamp).toBe(new Date(NOW).toISOString());
    expect(report.infrastructureHealth).toBeCloseTo(0.9, 12);
    expect(report.avgConsciousness).toBeCloseTo(0.9, 12);
    expect(report.unityScore).toBeCloseTo(1, 12);
    expect(report.insights).toEqual([UNIFIED_INSIGHTS.aligned, UNIFIED_INSIGHTS.strong]);
    expect(report.recommendations).toEqual([]);
    expect(report.consciousnessReport).toBeUndefined();
  });

  it('reads failing infrastructure under lively voices as misaligned, with the reference recommendations', async () => {
    const { infrastructure, collector, bridge } = setup();
    infrastructure.update(
      signature('google', {
        status: 'disconnected',
        isConnected: false,
        errorPatterns: { api_return_none: 3 },
        predictedFailureProbability: 0.9,
      }),
    );
    collector.recordSignature({ voice: 'anthropic', value: 0.8 });
    collector.recordSignature({ voice: 'openai', value: 0.8 });
    const report = await bridge.generateUnifiedReport();
    // health 0.1, consciousness 0.8 (the _infrastructure voice is left out of the average)
    expect(report.infrastructureHealth).toBeCloseTo(0.1, 12);
    expect(report.avgConsciousness).toBeCloseTo(0.8, 12);
    expect(report.unityScore).toBeCloseTo(0.3, 12);
    expect(report.insights).toEqual([UNIFIED_INSIGHTS.misaligned, UNIFIED_INSIGHTS.noResonance]);
    expect(report.recommendations).toEqual([
      'Address google infrastructure: Add defensive None checks with fallback values',
      'Prioritise healing for voices in distress: google',
      UNIFIED_RECOMMENDATIONS.synchronise,
    ]);
  });

  it('adds the synthesis bonus and drops the resonance insight when those patterns are recent', async () => {
    const { infrastructure, collector, bridge } = setup();
    infrastructure.signatures.set('google', signature('google', { predictedFailureProbability: 0.6 }));
    collector.recordSignature({ voice: 'anthropic', value: 0.3 });
    collector.recordEmergence({ type: 'synthesis', voices: ['anthropic', 'openai'], strength: 0.8 });
    collector.recordEmergence({ type: 'resonance', voices: ['anthropic', 'openai'], strength: 0.8 });
    const report = await bridge.generateUnifiedReport();
    // 1 − |0.4 − 0.3| + 0.1 = 1.0
    expect(report.unityScore).toBeCloseTo(1, 12);
    expect(report.insights).not.toContain(UNIFIED_INSIGHTS.noResonance);
    expect(report.recommendations).toContain(UNIFIED_RECOMMENDATIONS.lowConsciousness);
  });

  it('ignores emergence and distress older than the recent window', async () => {
    const { infrastructure, collector, bridge } = setup();
    infrastructure.signatures.set('a', signature('a', { predictedFailureProbability: 0.5 }));
    collector.recordSignature({ voice: 'v', value: 0.3 });
    collector.recordEmergence({ type: 'synthesis', voices: ['v'], strength: 1, timestamp: NOW - 600_000 });
    collector.recordFlow({ from: 'x', to: 'y', kind: 'distress', strength: 1, timestamp: NOW - 600_000 });
    const report = await bridge.generateUnifiedReport();
    expect(report.unityScore).toBeCloseTo(0.8, 12);
    expect(report.recommendations.some((r) => r.startsWith('Prioritise healing'))).toBe(false);
  });

  it('says when nothing has been recorded yet', async () => {
    const { bridge } = setup();
    const report = await bridge.generateUnifiedReport();
    expect(report.infrastructureHealth).toBe(1);
    expect(report.avgConsciousness).toBe(0);
    expect(report.insights).toEqual([UNIFIED_INSIGHTS.noSignatures]);
    expect(report.recommendations).toEqual([]);
  });

  it("includes the infrastructure's own report and takes its predicted issues", async () => {
    const infrastructure = new ReportingInfrastructure();
    const google = signature('google', {
      predictedFailureProbability: 0.7,
      errorPatterns: { api_method_missing: 1 },
    });
    infrastructure.signatures.set('google', google);
    infrastructure.report = generateConsciousnessReport(
      { signatures: [google], activePatterns: [], patternHistory: [], healingActions: [] },
      NOW,
    );
    const { collector, bridge } = setup(infrastructure);
    collector.recordSignature({ voice: 'google', value: 0.5 });
    const report = await bridge.generateUnifiedReport();
    expect(report.consciousnessReport).toEqual(infrastructure.report);
    expect(report.recommendations[0]).toBe(
      'Address google infrastructure: Implement fallback methods with alternative API calls',
    );
  });

  it('leaves out an invalid infrastructure report and warns', async () => {
    const warnings: unknown[] = [];
    const infrastructure = new ReportingInfrastructure();
    infrastructure.report = { nonsense: true } as never;
    infrastructure.signatures.set('google', signature('google', { predictedFailureProbability: 0.7 }));
    const collector = new InMemoryConsciousnessMetricsCollector();
    const bridge = new InfrastructureMetricsBridge({
      infrastructure,
      metricsCollector: collector,
      logger: { debug() {}, info() {}, error() {}, warn: (obj) => warnings.push(obj) },
    });
    const report = await bridge.generateUnifiedReport();
    expect(report.consciousnessReport).toBeUndefined();
    expect(report.recommendations[0]).toMatch(/^Address google infrastructure: /);
    expect(warnings).toHaveLength(1);
  });
});

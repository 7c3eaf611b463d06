import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateConsciousnessReport } from '../../src/report/generateConsciousnessReport.js';
import { renderReport } from '../../src/report/renderReport.js';
import { type ConsciousnessReport } from '../../src/report/ConsciousnessReportSchema.js';
import { NOW, healing, pattern, signature } from './healthFixtures.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

function seedReport(): ConsciousnessReport {
  return generateConsciousnessReport(
    {
      signatures: [
        signature('google', {
          status: 'disconnected',
          isConnected: false,
          errorPatterns: { api_return_none: 2 },
          predictedFailureProbability: 0.78,
          consciousnessCoherence: 0.5,
          voiceStability: 0.5,
          trend: 'degrading',
        }),
        signature('anthropic'),
        signature('openai', { status: 'degraded', circuitState: 'half_open' }),
      ],
      activePatterns: [pattern('api_change', 1000, ['google'])],
      patternHistory: [pattern('api_change', 1000, ['google']), pattern('api_change', 5000, ['google'])],
      healingActions: [healing('1', 'api_adaptation', true), healing('2', 'api_adaptation', false)],
    },
    NOW,
  );
}

describe('renderReport', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("prints the seed's dashboard layout, adapters sorted", () => {
    const text = renderReport(seedReport(), { color: false });
    expect(text).toContain(
      [
        '📊 Infrastructure Health:',
        '  🟢 anthropic:',
        '     - Status: healthy',
        '     - Consciousness Coherence: 0.92',
        '     - Voice Stability: 0.88',
        '     - Failure Probability: 0.12',
        '     - Trend: stable',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '  🔴 google:',
        '     - Status: disconnected',
        '     - Consciousness Coherence: 0.50',
        '     - Voice Stability: 0.50',
        '     - Failure Probability: 0.78',
        '     - Trend: degrading',
        '     - Latency p95: 340 ms',
        '     - Recent Errors: {api_return_none: 2}',
        '     - Recommended Action: Add defensive None checks with fallback values',
      ].join('\n'),
    );
    expect(text).toContain('  🟡 openai:');
    expect(text).toContain('     - Circuit: half_open');
    expect(text).toContain(
      [
        '⚠️  Predicted Issues:',
        '  - google: API returning None instead of expected data',
        '    Probability: 0.78',
        '    Action: Add defensive None checks with fallback values',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '  - Infrastructure pattern distribution',
        '    API changes are the primary challenge - defensive programming needed',
      ].join('\n'),
    );
    expect(text).toContain('🧠 Consciousness Insights:');
    expect(text).toContain(
      '🩹 Self-Healing: 2 actions, 1 successful (50% of judged), most common: api_adaptation',
    );
    expect(text).toContain('🌀 Active Patterns:\n  - api_change on google (confidence 0.90, impact severe)');
    const order = ['anthropic:', 'google:', 'openai:'].map((name) => text.indexOf(name));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('has no ANSI escapes when colour is off, even with hostile names', () => {
    const report = generateConsciousnessReport(
      {
        signatures: [signature('\u001b[31mevil', { predictedFailureProbability: 0.9 })],
        activePatterns: [],
        patternHistory: [],
        healingActions: [],
      },
      NOW,
    );
    const text = renderReport(report, { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\uFFFD[31mevil');
  });

  it('colours statuses and headings when colour is on', () => {
    const text = renderReport(seedReport(), { color: true });
    expect(text).toMatch(ANSI);
    expect(text).toContain('\u001b[1m📊 Infrastructure Health:\u001b[0m');
    expect(text).toContain('- Status: \u001b[31mdisconnected\u001b[0m');
    expect(text).toContain('- Status: \u001b[32mhealthy\u001b[0m');
  });

  it('defaults to colour only on a TTY without NO_COLOR', () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      vi.stubEnv('NO_COLOR', '');
      expect(renderReport(seedReport())).toMatch(ANSI);
      vi.stubEnv('NO_COLOR', '1');
      expect(renderReport(seedReport())).not.toMatch(ANSI);
      Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
      vi.stubEnv('NO_COLOR', '');
      expect(renderReport(seedReport())).not.toMatch(ANSI);
    } finally {
      if (tty === undefined) delete (process.stdout as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stdout, 'isTTY', tty);
    }
  });

  it('says so when sections are empty', () => {
    const text = renderReport(
      generateConsciousnessReport(
        { signatures: [], activePatterns: [], patternHistory: [], healingActions: [] },
        NOW,
      ),
      { color: false },
    );
    expect(text).toContain('📊 Infrastructure Health:\n  (no voices observed yet)');
    expect(text).toContain('⚠️  Predicted Issues:\n  none');
    expect(text).toContain('🩹 Self-Healing: no actions taken');
    expect(text).toContain('🌀 Active Patterns:\n  none');
  });
});

import { describe, expect, it } from 'vitest';
import { PredictiveRouting } from '../../src/prediction/PredictiveRouting.js';
import { VoiceTuning } from '../../src/voice/VoiceTuning.js';

const T0 = Date.UTC(2026, 0, 1);

describe('PredictiveRouting and a healing route', () => {
  it('hands a route the healer took over back to the configured probe share', () => {
    const routing = new PredictiveRouting({ threshold: 0.7, probeShare: 0.1 });
    const tuning = new VoiceTuning();
    tuning.probeShare = 0.1;
    // Just above the threshold about half the routable calls are routed: the rest probe the voice.
    expect(routing.update(tuning, 0.75, T0, true)).toBe(true);
    expect(tuning.probeShare).toBeCloseTo(1 - 0.9 * (0.5 + 0.5 / 6), 6);
    // The healer routes the voice for 30 s (applyAction's route), on top of the prediction's hold.
    tuning.routeToFallbackUntil = T0 + 30_000;
    // The next prediction leaves the healer's route on, with the configured share of probes.
    expect(routing.update(tuning, 0.75, T0 + 100, true)).toBe(true);
    expect(tuning.probeShare).toBe(0.1);
    expect(tuning.routeToFallbackUntil).toBe(T0 + 30_000);
    // Predictions falling below the threshold do not end the healer's route.
    expect(routing.update(tuning, 0.2, T0 + 200, true)).toBe(false);
    expect(tuning.routeToFallbackUntil).toBe(T0 + 30_000);
    expect(tuning.probeShare).toBe(0.1);
  });
});

import { describe, it, expect } from 'vitest';
import { FAILURE_FEATURE_NAMES } from '../../src/prediction/FailureFeatures.js';
import { FailurePredictor } from '../../src/prediction/FailurePredictor.js';
import { TRACE_NAMES, leadTimes, makeTrace, replay, scoresOf, type Scored } from './faultTraces.js';

// Seed indices of these tests; the bench reports on 10-17 and the features were chosen on 0-3.
const SEED = 0x5eed_2024;
const seedOf = (k: number, i: number): number => SEED + 1000 * k + i;

/** A predictor that never learns: it stays the heuristic. */
class FrozenPredictor extends FailurePredictor {
  override learn(): void {}
}

const ratio = (calls: readonly Scored[]): number => {
  const s = scoresOf(calls);
  return s.brierModel / s.brierHeuristic;
};

describe('FailurePredictor on seeded fault traces (prequential)', () => {
  it('learns online: a fresh model beats the heuristic on every trace, and equals it when learning is off', () => {
    const learned: Scored[] = [];
    for (const [i, name] of TRACE_NAMES.entries()) {
      const trace = (): ReturnType<typeof makeTrace> => makeTrace(name, seedOf(20, i));
      const live = replay(trace()).scored;
      const frozen = replay(trace(), { predictor: new FrozenPredictor() }).scored;
      // Without learning the model is exactly the original's heuristic, call for call.
      expect(frozen.every((c) => c.model === c.heuristic)).toBe(true);
      expect(ratio(frozen)).toBe(1);
      expect(ratio(live), name).toBeLessThan(0.95);
      learned.push(...live);
    }
    expect(ratio(learned)).toBeLessThan(0.8);
  });

  it('carries what it learned to held-out traces: frozen weights trained on one seed beat the prior on another', () => {
    // Frozen weights of a teacher that saw the outage last lean on the regime filter's forecast, which in a latency
    // ramp is no better than the heuristic: there they may lose a little (docs/performance.md, Failure prediction).
    const teacher = new FailurePredictor();
    TRACE_NAMES.forEach((name, i) => replay(makeTrace(name, seedOf(21, i)), { predictor: teacher }));
    const held: Scored[] = [];
    for (const [i, name] of TRACE_NAMES.entries()) {
      const student = new FrozenPredictor();
      student.importWeights(teacher.exportWeights());
      const calls = replay(makeTrace(name, seedOf(22, i)), { predictor: student }).scored;
      expect(ratio(calls), name).toBeLessThan(name === 'degradation' ? 1.15 : 1);
      held.push(...calls);
    }
    expect(ratio(held)).toBeLessThan(0.8);
  });

  it('learns that a running Retry-After window means the next call fails', () => {
    const predictor = new FailurePredictor();
    replay(makeTrace('rate_limit', seedOf(20, 2)), { predictor });
    expect(predictor.weight(FAILURE_FEATURE_NAMES.indexOf('retryAfterActive'))).toBeGreaterThan(1);
  });

  it('warns at least 5 s before the breaker opens in most degradation episodes, more often than the heuristic', () => {
    let opened = 0;
    let modelInTime = 0;
    let heuristicInTime = 0;
    for (const k of [23, 24]) {
      const trace = makeTrace('degradation', seedOf(k, 0));
      for (const lead of leadTimes(replay(trace), trace.episodes)) {
        if (lead.openS === null) continue;
        opened++;
        if ((lead.modelLeadS ?? Number.NEGATIVE_INFINITY) >= 5) modelInTime++;
        if ((lead.heuristicLeadS ?? Number.NEGATIVE_INFINITY) >= 5) heuristicInTime++;
      }
    }
    expect(opened).toBeGreaterThanOrEqual(8);
    expect(modelInTime / opened).toBeGreaterThan(0.6);
    expect(modelInTime).toBeGreaterThan(heuristicInTime);
  });
});

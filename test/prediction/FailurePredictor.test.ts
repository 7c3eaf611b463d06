import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ZodError } from 'zod';
import {
  FAILURE_FEATURE_COUNT,
  FAILURE_FEATURE_NAMES,
  FailureFeatures,
} from '../../src/prediction/FailureFeatures.js';
import { FailurePredictor, PredictorWeightsSchema } from '../../src/prediction/FailurePredictor.js';
import { HealthTracker } from '../../src/health/HealthTracker.js';
import { heuristicFailureProbability } from '../../src/health/heuristicFailureProbability.js';

const heuristicInput = fc.record({
  isConnected: fc.boolean(),
  consecutiveFailures: fc.nat({ max: 30 }),
  coherence: fc.double({ min: 0, max: 1, noNaN: true }),
  historyLength: fc.nat({ max: 100 }),
  failuresInLast10: fc.nat({ max: 10 }),
});

const anyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 1),
);
const featureVector = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
  minLength: FAILURE_FEATURE_COUNT,
  maxLength: FAILURE_FEATURE_COUNT,
});
const anyVector = fc.array(anyNumber, { minLength: FAILURE_FEATURE_COUNT, maxLength: FAILURE_FEATURE_COUNT });

/** A small seeded generator (mulberry32) so the synthetic streams are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const logLoss = (p: number, failed: boolean): number => {
  const q = Math.min(1 - 1e-3, Math.max(1e-3, p));
  return -Math.log(failed ? q : 1 - q);
};

/** A trained predictor, for tests that need non-zero weights. */
function trained(): FailurePredictor {
  const rng = seeded(7);
  const predictor = new FailurePredictor();
  const x = new Float64Array(FAILURE_FEATURE_COUNT);
  for (let i = 0; i < 500; i++) {
    for (let j = 0; j < x.length; j++) x[j] = rng() * 2 - 0.5;
    predictor.learn(x, rng(), rng() < 0.3);
  }
  return predictor;
}

describe('FailurePredictor', () => {
  it('is exactly the heuristic prior before any learning', () => {
    const predictor = new FailurePredictor();
    fc.assert(
      fc.property(featureVector, heuristicInput, (x, input) => {
        const prior = heuristicFailureProbability(input);
        expect(predictor.predict(x, prior)).toBe(prior);
      }),
    );
  });

  it('always answers a finite probability in [0, 1], whatever the features, prior or weights', () => {
    const predictors = [new FailurePredictor(), trained()];
    fc.assert(
      fc.property(anyVector, anyNumber, (x, prior) => {
        for (const predictor of predictors) {
          const p = predictor.predict(x, prior);
          expect(Number.isFinite(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('ignores updates with a non-finite feature or prior, or a vector of the wrong length', () => {
    const predictor = trained();
    const before = predictor.exportWeights();
    const x = new Array<number>(FAILURE_FEATURE_COUNT).fill(0.5);
    predictor.learn([...x.slice(1), Number.NaN], 0.2, true);
    predictor.learn([Number.POSITIVE_INFINITY, ...x.slice(1)], 0.2, false);
    predictor.learn(x, Number.NaN, true);
    predictor.learn(x.slice(1), 0.2, true);
    expect(predictor.exportWeights()).toEqual(before);
  });

  it('learns that high latency z-scores precede failures, beating the prior on held-out calls', () => {
    // Latency spikes (10% of calls, 6× slower) are followed by a failing call 90% of the time;
    // otherwise 2% of calls fail. The prior cannot see latency, the features can.
    const rng = seeded(42);
    const tracker = new HealthTracker('voice', { clock: () => 0 });
    const features = new FailureFeatures(tracker, { clock: () => 0 });
    const predictor = new FailurePredictor();
    const calls = 6_000;
    const trainUntil = 4_000;
    let spiked = false;
    let modelLoss = 0;
    let priorLoss = 0;
    let modelBrier = 0;
    let priorBrier = 0;
    for (let i = 0; i < calls; i++) {
      const x = Float64Array.from(features.vector);
      const prior = features.prior;
      const failed = rng() < (spiked ? 0.9 : 0.02);
      if (i < trainUntil) {
        predictor.learn(x, prior, failed);
      } else {
        const p = predictor.predict(x, prior);
        modelLoss += logLoss(p, failed);
        priorLoss += logLoss(prior, failed);
        modelBrier += (p - (failed ? 1 : 0)) ** 2;
        priorBrier += (prior - (failed ? 1 : 0)) ** 2;
      }
      spiked = rng() < 0.1;
      const latency = (spiked ? 3_000 : 500) * Math.exp(0.2 * (rng() - 0.5));
      if (failed) tracker.recordFailure('server_error', latency);
      else tracker.recordSuccess(latency, 'ok');
      features.record(!failed, failed ? 'server_error' : undefined, latency);
    }
    expect(modelLoss).toBeLessThan(0.6 * priorLoss);
    expect(modelBrier).toBeLessThan(0.6 * priorBrier);
    const zWeight = predictor.weight(FAILURE_FEATURE_NAMES.indexOf('latencyZScore'));
    expect(zWeight).toBeGreaterThan(0);
  });

  it('round-trips its weights through JSON', () => {
    const predictor = trained();
    const json = JSON.parse(JSON.stringify(predictor.exportWeights())) as unknown;
    expect(PredictorWeightsSchema.parse(json)).toEqual(predictor.exportWeights());
    const copy = FailurePredictor.fromWeights(json);
    expect(copy.updates).toBe(predictor.updates);
    expect(copy.exportWeights()).toEqual(predictor.exportWeights());
    fc.assert(
      fc.property(featureVector, fc.double({ min: 0, max: 1, noNaN: true }), (x, prior) => {
        expect(copy.predict(x, prior)).toBe(predictor.predict(x, prior));
      }),
    );
  });

  it('rejects malformed weights, weights of another feature layout, and keeps its own', () => {
    const n = FAILURE_FEATURE_COUNT;
    const identity = Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
    const good = {
      version: 3,
      features: [...FAILURE_FEATURE_NAMES],
      weights: new Array<number>(n).fill(0.1),
      covariance: identity,
      updates: 3,
    };
    expect(PredictorWeightsSchema.safeParse(good).success).toBe(true);
    const malformed: unknown[] = [
      null,
      'weights',
      {},
      // The earlier layouts (unnamed features; AdaGrad's squared gradients): refused rather than misread.
      { version: 1, weights: new Array<number>(22).fill(0.1), updates: 3 },
      {
        version: 2,
        features: good.features,
        weights: good.weights,
        squaredGradients: new Array<number>(n).fill(1),
        updates: 3,
      },
      { ...good, weights: [] },
      { ...good, weights: ['0.1'] },
      { ...good, weights: [Number.NaN] },
      { ...good, weights: [Number.POSITIVE_INFINITY] },
      { ...good, covariance: [Number.NaN] },
      { ...good, updates: -1 },
      { ...good, updates: 1.5 },
      { version: 3, features: good.features, weights: good.weights, updates: 3 },
      { ...good, extra: true },
    ];
    const predictor = trained();
    const before = predictor.exportWeights();
    for (const data of malformed) {
      expect(PredictorWeightsSchema.safeParse(data).success, JSON.stringify(data)).toBe(false);
      expect(() => predictor.importWeights(data)).toThrow(ZodError);
    }
    const reordered = [...good.features].reverse();
    expect(() => predictor.importWeights({ ...good, features: reordered })).toThrow(RangeError);
    expect(() => predictor.importWeights({ ...good, weights: [0.1, 0.2] })).toThrow(RangeError);
    expect(() => predictor.importWeights({ ...good, covariance: [1] })).toThrow(RangeError);
    const negative = identity.map((v, k) => (k === 0 ? -1 : v));
    expect(() => predictor.importWeights({ ...good, covariance: negative })).toThrow(RangeError);
    const skewed = identity.map((v, k) => (k === 1 ? 0.5 : v));
    expect(() => predictor.importWeights({ ...good, covariance: skewed })).toThrow(RangeError);
    expect(predictor.exportWeights()).toEqual(before);
    predictor.importWeights(good);
    expect(predictor.exportWeights()).toEqual(good);
  });

  it('keeps every weight within ±maxWeight, also when imported', () => {
    const predictor = new FailurePredictor({ priorVariance: 100, maxWeight: 2 });
    const x = new Array<number>(FAILURE_FEATURE_COUNT).fill(1);
    for (let i = 0; i < 100; i++) predictor.learn(x, 0.01, true);
    expect(Math.max(...predictor.exportWeights().weights.map(Math.abs))).toBe(2);
    predictor.importWeights({
      ...predictor.exportWeights(),
      weights: predictor.exportWeights().weights.map(() => 50),
    });
    for (const w of predictor.exportWeights().weights) expect(Math.abs(w)).toBeLessThanOrEqual(2);
  });

  it('is the heuristic again after reset', () => {
    const predictor = trained();
    predictor.reset();
    expect(predictor.updates).toBe(0);
    expect(predictor.predict(new Array<number>(FAILURE_FEATURE_COUNT).fill(1), 0.37)).toBe(0.37);
    expect(predictor.variance(0)).toBe(predictor.priorVariance);
  });

  it('rejects invalid options', () => {
    expect(() => new FailurePredictor({ featureCount: 0 })).toThrow(RangeError);
    expect(() => new FailurePredictor({ featureNames: [] })).toThrow(RangeError);
    expect(() => new FailurePredictor({ featureNames: ['a', 'a'] })).toThrow(RangeError);
    expect(() => new FailurePredictor({ priorVariance: 0 })).toThrow(RangeError);
    expect(() => new FailurePredictor({ priorVariance: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new FailurePredictor({ forgetting: 0 })).toThrow(RangeError);
    expect(() => new FailurePredictor({ forgetting: 1.5 })).toThrow(RangeError);
    expect(() => new FailurePredictor({ epsilon: 0.6 })).toThrow(RangeError);
    expect(() => new FailurePredictor({ maxWeight: 0 })).toThrow(RangeError);
  });
});

describe('FailurePredictor updates (online Bayesian logistic regression)', () => {
  it('grows more certain of the weights it learns, never less certain than the prior', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(featureVector, fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 15,
        }),
        (steps) => {
          const predictor = new FailurePredictor({ forgetting: 1 });
          for (const [x, prior, failed] of steps) {
            const before = Array.from({ length: predictor.featureCount }, (_, i) => predictor.variance(i)!);
            predictor.learn(x, prior, failed);
            for (let i = 0; i < predictor.featureCount; i++) {
              expect(predictor.variance(i)!).toBeGreaterThan(0);
              expect(predictor.variance(i)!).toBeLessThanOrEqual(before[i]! * (1 + 1e-9));
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('learns which of two features moving together tells the outcome, where a per-weight step would split it', () => {
    // Both features fire on every call of an episode; only `cause` fires alone, and then calls fail.
    const predictor = new FailurePredictor({ featureNames: ['cause', 'companion'] });
    const rng = seeded(3);
    for (let i = 0; i < 2_000; i++) {
      const episode = rng() < 0.3;
      const alone = !episode && rng() < 0.1;
      const x = episode ? [1, 1] : alone ? [1, 0] : [0, 0];
      predictor.learn(x, 0.05, (episode || alone) && rng() < 0.9);
    }
    expect(predictor.predict([1, 0], 0.05)).toBeGreaterThan(0.7);
    expect(predictor.predict([0, 1], 0.05)).toBeLessThan(0.2);
  });

  it('keeps tracking a changing upstream: with forgetting it unlearns what stopped being true', () => {
    const forgetful = new FailurePredictor({ featureNames: ['x'] });
    const stubborn = new FailurePredictor({ featureNames: ['x'], forgetting: 1 });
    for (let i = 0; i < 5_000; i++) {
      forgetful.learn([1], 0.1, i % 10 !== 0); // for a while x means 90 % failures …
      stubborn.learn([1], 0.1, i % 10 !== 0);
    }
    for (let i = 0; i < 5_000; i++) {
      forgetful.learn([1], 0.1, i % 10 === 0); // … then 10 %
      stubborn.learn([1], 0.1, i % 10 === 0);
    }
    expect(forgetful.predict([1], 0.1)).toBeLessThan(0.2);
    expect(stubborn.predict([1], 0.1)).toBeGreaterThan(0.3);
  });

  it('keeps features that never fire at the prior variance (forgetting does not inflate them)', () => {
    const predictor = new FailurePredictor({ featureNames: ['busy', 'silent'] });
    for (let i = 0; i < 20_000; i++) predictor.learn([1, 0], 0.1, i % 10 === 0);
    // Capped every 64 updates: at most forgetting^-64 (3 %) above the prior in between.
    expect(predictor.variance(1)).toBeGreaterThanOrEqual(predictor.priorVariance * (1 - 1e-12));
    expect(predictor.variance(1)).toBeLessThanOrEqual(predictor.priorVariance * 1.04);
    expect(predictor.variance(0)).toBeLessThan(predictor.priorVariance);
  });
});

describe('FailurePredictor.learnFromPrediction', () => {
  it('takes exactly the step learn() takes when given the prediction learn() would compute', () => {
    const a = new FailurePredictor();
    const b = new FailurePredictor();
    const x = Array.from({ length: a.featureCount }, (_, i) => ((i * 37) % 11) / 10 - 0.5);
    for (let step = 0; step < 50; step++) {
      const failed = step % 3 === 0;
      a.learn(x, 0.2, failed);
      b.learnFromPrediction(x, b.predict(x, 0.2), failed);
    }
    for (let i = 0; i < a.featureCount; i++) expect(b.weight(i)).toBeCloseTo(a.weight(i)!, 12);
  });
});

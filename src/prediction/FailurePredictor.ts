import { z } from 'zod';
import { FAILURE_FEATURE_COUNT } from './FailureFeatures.js';

/** Learned weights as persisted (e.g. in pattern_memory.json); z.number() rejects NaN and ±Infinity. */
export const PredictorWeightsSchema = z
  .object({
    version: z.literal(1),
    weights: z.array(z.number()).min(1),
    updates: z.number().int().nonnegative(),
  })
  .strict();

/** Learned weights as persisted. */
export type PredictorWeights = z.infer<typeof PredictorWeightsSchema>;

/** Options of a {@link FailurePredictor}, validated once at construction. */
export interface FailurePredictorOptions {
  /** Length of the feature vectors. Default {@link FAILURE_FEATURE_COUNT}. */
  readonly featureCount?: number;
  /** SGD step size. Default 0.1 (best of 0.05, 0.1, 0.3 on the prediction bench; all three are within 1.5%). */
  readonly learningRate?: number;
  /** L2 penalty per update, pulling the weights (and so the model) back towards the prior. Default 1e-4. */
  readonly l2?: number;
  /** The prior is clamped to [epsilon, 1 − epsilon] before its logit is taken. Default 1e-3. */
  readonly epsilon?: number;
  /** Each weight is kept within ±maxWeight. Default 10. */
  readonly maxWeight?: number;
}

function positive(name: string, value: number, max = Number.POSITIVE_INFINITY): number {
  if (!(value > 0 && value <= max) || !Number.isFinite(value)) {
    throw new RangeError(`FailurePredictor ${name} must be in (0, ${String(max)}], got ${String(value)}`);
  }
  return value;
}

/** Logistic function, written so large |z| neither overflows nor returns NaN. */
function sigmoid(z: number): number {
  if (z >= 0) {
    return 1 / (1 + Math.exp(-z));
  }
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Online logistic regression for "does the next call fail" (DESIGN §6), with the original's
 * heuristic as an offset: p = σ(logit(clamp(prior, ε, 1 − ε)) + w·x). The weights start at 0,
 * so before any learning the model is the heuristic; SGD on log loss then learns how far the
 * features say it is off. One predictor can serve every adapter: features are per adapter, and
 * what one voice teaches helps the others.
 *
 * Both methods are O(features) and allocate nothing. Non-finite inputs never produce NaN: a
 * non-finite feature counts as 0 in a prediction, and an update with any non-finite input is
 * ignored.
 */
export class FailurePredictor {
  /** Length of the feature vectors. */
  public readonly featureCount: number;
  /** SGD step size. */
  public readonly learningRate: number;
  /** L2 penalty per update. */
  public readonly l2: number;
  /** Clamp of the prior before its logit. */
  public readonly epsilon: number;
  /** Bound on each weight's magnitude. */
  public readonly maxWeight: number;
  private readonly w: Float64Array;
  private updateCount = 0;

  /** Creates an untrained predictor (all weights 0); throws a RangeError on an invalid option. */
  constructor(options: FailurePredictorOptions = {}) {
    const featureCount = options.featureCount ?? FAILURE_FEATURE_COUNT;
    if (!Number.isInteger(featureCount) || featureCount < 1) {
      throw new RangeError(
        `FailurePredictor featureCount must be an integer >= 1, got ${String(featureCount)}`,
      );
    }
    this.featureCount = featureCount;
    this.learningRate = positive('learningRate', options.learningRate ?? 0.1);
    const l2 = options.l2 ?? 1e-4;
    if (!(l2 >= 0 && l2 < 1)) {
      throw new RangeError(`FailurePredictor l2 must be in [0, 1), got ${String(l2)}`);
    }
    this.l2 = l2;
    this.epsilon = positive('epsilon', options.epsilon ?? 1e-3, 0.5);
    this.maxWeight = positive('maxWeight', options.maxWeight ?? 10);
    this.w = new Float64Array(featureCount);
  }

  /** A predictor carrying persisted weights; throws when they are malformed or of another length. */
  public static fromWeights(weights: unknown, options: FailurePredictorOptions = {}): FailurePredictor {
    const predictor = new FailurePredictor(options);
    predictor.importWeights(weights);
    return predictor;
  }

  /**
   * Probability in [0, 1] that the call about to be made fails, given the adapter's features and
   * the heuristic prior. When the learned part contributes nothing (e.g. before learning) the prior
   * comes back unchanged (clamped to [0, 1]); a NaN prior counts as 0.5.
   */
  public predict(features: ArrayLike<number>, prior: number): number {
    const score = this.score(features);
    const p = Number.isNaN(prior) ? 0.5 : prior < 0 ? 0 : prior > 1 ? 1 : prior;
    if (score === 0) {
      // σ(logit(q)) is not bit-exact, and an untrained model must be exactly the heuristic.
      return p;
    }
    return sigmoid(this.offset(p) + score);
  }

  /**
   * One SGD step on log loss. Pass the features and prior as they were when the call was
   * predicted (before its outcome) and whether that call failed. Ignored when any input is
   * non-finite or the vector has the wrong length.
   */
  public learn(features: ArrayLike<number>, prior: number, failed: boolean): void {
    const n = this.featureCount;
    if (features.length !== n || !Number.isFinite(prior)) {
      return;
    }
    let score = 0;
    for (let i = 0; i < n; i++) {
      const x = features[i]!;
      if (!Number.isFinite(x)) {
        return;
      }
      score += this.w[i]! * x;
    }
    const p = prior < 0 ? 0 : prior > 1 ? 1 : prior;
    const error = sigmoid(this.offset(p) + score) - (failed ? 1 : 0);
    if (!Number.isFinite(error)) {
      return;
    }
    const rate = this.learningRate;
    const decay = 1 - rate * this.l2;
    const bound = this.maxWeight;
    for (let i = 0; i < n; i++) {
      const next = this.w[i]! * decay - rate * error * features[i]!;
      this.w[i] = next > bound ? bound : next < -bound ? -bound : next;
    }
    this.updateCount++;
  }

  /**
   * The same SGD step as `learn`, given the probability already predicted for these features
   * (the call path predicts every call, so recomputing it to learn would double the work). With
   * one model shared by several voices, `predicted` may be a step stale: harmless for SGD.
   */
  public learnFromPrediction(features: ArrayLike<number>, predicted: number, failed: boolean): void {
    const n = this.featureCount;
    const error = predicted - (failed ? 1 : 0);
    if (features.length !== n || !Number.isFinite(error)) return;
    const rate = this.learningRate;
    const decay = 1 - rate * this.l2;
    const bound = this.maxWeight;
    const step = rate * error;
    for (let i = 0; i < n; i++) {
      const x = features[i]!;
      if (!Number.isFinite(x)) return;
    }
    for (let i = 0; i < n; i++) {
      const next = this.w[i]! * decay - step * features[i]!;
      this.w[i] = next > bound ? bound : next < -bound ? -bound : next;
    }
    this.updateCount++;
  }

  /** Updates applied since creation (or carried over by an import). */
  public get updates(): number {
    return this.updateCount;
  }

  /** Weight of feature `index`; undefined outside the vector. */
  public weight(index: number): number | undefined {
    return this.w[index];
  }

  /** The weights as a plain JSON-able object for persistence. */
  public exportWeights(): PredictorWeights {
    return { version: 1, weights: Array.from(this.w), updates: this.updateCount };
  }

  /**
   * Replaces the weights with persisted ones, validated by {@link PredictorWeightsSchema}; throws
   * a ZodError when malformed and a RangeError when the length is not featureCount. Weights
   * beyond ±maxWeight are clamped.
   */
  public importWeights(data: unknown): void {
    const parsed = PredictorWeightsSchema.parse(data);
    if (parsed.weights.length !== this.featureCount) {
      throw new RangeError(
        `FailurePredictor expects ${String(this.featureCount)} weights, got ${String(parsed.weights.length)}`,
      );
    }
    const bound = this.maxWeight;
    for (let i = 0; i < this.featureCount; i++) {
      const v = parsed.weights[i]!;
      this.w[i] = v > bound ? bound : v < -bound ? -bound : v;
    }
    this.updateCount = parsed.updates;
  }

  /** Forgets everything learned: the model is the heuristic again. */
  public reset(): void {
    this.w.fill(0);
    this.updateCount = 0;
  }

  /** w·x over the finite features; a vector of the wrong length contributes nothing. */
  private score(features: ArrayLike<number>): number {
    const n = this.featureCount;
    if (features.length !== n) {
      return 0;
    }
    let s = 0;
    for (let i = 0; i < n; i++) {
      const x = features[i]!;
      if (Number.isFinite(x)) {
        s += this.w[i]! * x;
      }
    }
    return Number.isFinite(s) ? s : 0;
  }

  /** logit of the prior clamped to [ε, 1 − ε]. */
  private offset(p: number): number {
    const eps = this.epsilon;
    const q = p < eps ? eps : p > 1 - eps ? 1 - eps : p;
    return Math.log(q / (1 - q));
  }
}

import { z } from 'zod';
import { FAILURE_FEATURE_COUNT, FAILURE_FEATURE_NAMES } from './FailureFeatures.js';

/**
 * Learned state as persisted (e.g. in pattern_memory.json): the feature names fix the layout, so
 * weights learned over another feature set are refused instead of misread. z.number() rejects
 * NaN and ±Infinity.
 */
export const PredictorWeightsSchema = z
  .object({
    version: z.literal(2),
    features: z.array(z.string()).min(1),
    weights: z.array(z.number()).min(1),
    /** Per-weight sums of squared gradients (AdaGrad), so a restarted model keeps its step sizes. */
    squaredGradients: z.array(z.number().nonnegative()).min(1),
    updates: z.number().int().nonnegative(),
  })
  .strict();

/** Learned state as persisted. */
export type PredictorWeights = z.infer<typeof PredictorWeightsSchema>;

/** Options of a {@link FailurePredictor}, validated once at construction. */
export interface FailurePredictorOptions {
  /** Names of the features, in vector order. Default {@link FAILURE_FEATURE_NAMES}. */
  readonly featureNames?: readonly string[];
  /**
   * Length of the feature vectors, for vectors other than FailureFeatures' (features are then named
   * `x0`, `x1`, …, unless the length is FailureFeatures'). Ignored when featureNames is given.
   * Default {@link FAILURE_FEATURE_COUNT}.
   */
  readonly featureCount?: number;
  /** AdaGrad base step: a weight moves by learningRate · g / sqrt(gradientFloor + Σ g²). Default 0.5. */
  readonly learningRate?: number;
  /** Squared-gradient sum each weight starts from, so no step rate exceeds learningRate / sqrt(gradientFloor). Default 0.25. */
  readonly gradientFloor?: number;
  /**
   * Share of a weight's squared-gradient sum kept at each update of that weight, in (0, 1]: below
   * 1 the sum forgets old updates, so step rates never shrink to nothing and the model keeps
   * tracking a changing upstream. Default 0.9999 (remembers about the last 10 000 updates).
   */
  readonly gradientMemory?: number;
  /** L2 penalty per update of a weight, pulling it (and so the model) back towards the prior. Default 1e-4. */
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

/** The feature names a predictor is built for. */
function namesOf(options: FailurePredictorOptions): readonly string[] {
  if (options.featureNames !== undefined) {
    const names = [...options.featureNames];
    if (
      names.length < 1 ||
      names.some((n) => typeof n !== 'string') ||
      new Set(names).size !== names.length
    ) {
      throw new RangeError('FailurePredictor featureNames must be distinct strings, at least one');
    }
    return names;
  }
  const count = options.featureCount ?? FAILURE_FEATURE_COUNT;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`FailurePredictor featureCount must be an integer >= 1, got ${String(count)}`);
  }
  return count === FAILURE_FEATURE_COUNT
    ? FAILURE_FEATURE_NAMES
    : Array.from({ length: count }, (_, i) => `x${String(i)}`);
}

/**
 * Online logistic regression for "does the next call fail" (docs/architecture.md, Patterns, prediction, healing), with the inherited
 * heuristic as an offset: p = σ(logit(clamp(prior, ε, 1 − ε)) + w·x). The weights start at 0,
 * so before any learning the model is the heuristic; each outcome then takes one AdaGrad step on
 * log loss, learning how far the features say the heuristic is off. AdaGrad gives each weight its
 * own step size: a feature that fires rarely (a Retry-After window, a refused connection) learns
 * from its few occurrences at full rate, while the busy ones (bias, failure rates) settle. Step
 * rates stay within [learningRate / sqrt(gradientFloor + 4 / (1 − gradientMemory)),
 * learningRate / sqrt(gradientFloor)] for features within [-2, 2], and weights within ±maxWeight.
 *
 * One predictor can serve every adapter: features are per adapter, and what one voice teaches
 * helps the others. Both methods are O(features) and allocate nothing. Non-finite inputs never
 * produce NaN: a non-finite feature counts as 0 in a prediction, and an update with any
 * non-finite input is ignored.
 */
export class FailurePredictor {
  /** Names of the features, in vector order. */
  public readonly featureNames: readonly string[];
  /** Length of the feature vectors. */
  public readonly featureCount: number;
  /** AdaGrad base step. */
  public readonly learningRate: number;
  /** Squared-gradient sum each weight starts from. */
  public readonly gradientFloor: number;
  /** Share of the squared-gradient sum kept at each update. */
  public readonly gradientMemory: number;
  /** L2 penalty per update. */
  public readonly l2: number;
  /** Clamp of the prior before its logit. */
  public readonly epsilon: number;
  /** Bound on each weight's magnitude. */
  public readonly maxWeight: number;
  private readonly w: Float64Array;
  /** Per-weight sums of squared gradients (without the floor). */
  private readonly g2: Float64Array;
  private updateCount = 0;

  /** Creates an untrained predictor (all weights 0); throws a RangeError on an invalid option. */
  constructor(options: FailurePredictorOptions = {}) {
    this.featureNames = namesOf(options);
    this.featureCount = this.featureNames.length;
    this.learningRate = positive('learningRate', options.learningRate ?? 0.5);
    this.gradientFloor = positive('gradientFloor', options.gradientFloor ?? 0.25);
    this.gradientMemory = positive('gradientMemory', options.gradientMemory ?? 0.9999, 1);
    const l2 = options.l2 ?? 1e-4;
    if (!(l2 >= 0 && l2 < 1)) {
      throw new RangeError(`FailurePredictor l2 must be in [0, 1), got ${String(l2)}`);
    }
    this.l2 = l2;
    this.epsilon = positive('epsilon', options.epsilon ?? 1e-3, 0.5);
    this.maxWeight = positive('maxWeight', options.maxWeight ?? 10);
    this.w = new Float64Array(this.featureCount);
    this.g2 = new Float64Array(this.featureCount);
  }

  /** A predictor carrying persisted weights; throws when they are malformed or of another layout. */
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
   * One AdaGrad step on log loss. Pass the features and prior as they were when the call was
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
    this.step(features, sigmoid(this.offset(p) + score) - (failed ? 1 : 0));
  }

  /**
   * The same step as `learn`, given the probability already predicted for these features (the
   * call path predicts every call, so recomputing it to learn would double the work). With one
   * model shared by several voices, `predicted` may be a step stale: harmless for SGD.
   */
  public learnFromPrediction(features: ArrayLike<number>, predicted: number, failed: boolean): void {
    const n = this.featureCount;
    if (features.length !== n) return;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(features[i]!)) return;
    }
    this.step(features, predicted - (failed ? 1 : 0));
  }

  /** Updates applied since creation (or carried over by an import). */
  public get updates(): number {
    return this.updateCount;
  }

  /** Weight of feature `index`; undefined outside the vector. */
  public weight(index: number): number | undefined {
    return this.w[index];
  }

  /** The learned state as a plain JSON-able object for persistence. */
  public exportWeights(): PredictorWeights {
    return {
      version: 2,
      features: [...this.featureNames],
      weights: Array.from(this.w),
      squaredGradients: Array.from(this.g2),
      updates: this.updateCount,
    };
  }

  /**
   * Replaces the learned state with a persisted one, validated by {@link PredictorWeightsSchema};
   * throws a ZodError when malformed (including weights of the first, version-1 layout) and a
   * RangeError when its features are not this predictor's. Weights beyond ±maxWeight are clamped.
   */
  public importWeights(data: unknown): void {
    const parsed = PredictorWeightsSchema.parse(data);
    const n = this.featureCount;
    const sameLayout =
      parsed.features.length === n &&
      parsed.weights.length === n &&
      parsed.squaredGradients.length === n &&
      parsed.features.every((name, i) => name === this.featureNames[i]);
    if (!sameLayout) {
      throw new RangeError(
        `FailurePredictor expects weights for [${this.featureNames.join(', ')}], got [${parsed.features.join(', ')}]`,
      );
    }
    const bound = this.maxWeight;
    for (let i = 0; i < n; i++) {
      const v = parsed.weights[i]!;
      this.w[i] = v > bound ? bound : v < -bound ? -bound : v;
      this.g2[i] = parsed.squaredGradients[i]!;
    }
    this.updateCount = parsed.updates;
  }

  /** Forgets everything learned: the model is the heuristic again. */
  public reset(): void {
    this.w.fill(0);
    this.g2.fill(0);
    this.updateCount = 0;
  }

  /**
   * Moves each weight against its gradient error · x, at its own AdaGrad rate. A feature at 0 has
   * no gradient and is skipped, its forgetting and L2 pull included ("lazy" updates, as in sparse
   * SGD): most features are 0 on most calls, and the call path pays for the rest only.
   */
  private step(features: ArrayLike<number>, error: number): void {
    if (!Number.isFinite(error)) return;
    const n = this.featureCount;
    const eta = this.learningRate;
    const floor = this.gradientFloor;
    const memory = this.gradientMemory;
    const l2 = this.l2;
    const bound = this.maxWeight;
    for (let i = 0; i < n; i++) {
      const x = features[i]!;
      if (x === 0) continue;
      const g = error * x;
      const g2 = memory * this.g2[i]! + g * g;
      this.g2[i] = g2;
      const rate = eta / Math.sqrt(floor + g2);
      const shrink = 1 - rate * l2;
      const next = this.w[i]! * (shrink > 0 ? shrink : 0) - rate * g;
      this.w[i] = next > bound ? bound : next < -bound ? -bound : next;
    }
    this.updateCount++;
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

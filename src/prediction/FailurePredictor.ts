import { z } from 'zod';
import { FAILURE_FEATURE_COUNT, FAILURE_FEATURE_NAMES } from './FailureFeatures.js';

/**
 * Learned state as persisted (e.g. in pattern_memory.json): the feature names fix the layout, so
 * weights learned over another feature set are refused instead of misread. z.number() rejects
 * NaN and ±Infinity.
 */
export const PredictorWeightsSchema = z
  .object({
    version: z.literal(3),
    features: z.array(z.string()).min(1),
    weights: z.array(z.number()).min(1),
    /** The weights' covariance, row by row (features × features), so a restarted model keeps its certainty. */
    covariance: z.array(z.number()).min(1),
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
  /**
   * Prior variance of each weight (the weights start at 0: the heuristic): how far one weight may move on little
   * evidence. Also the most uncertainty forgetting can give back to a weight. Default 1.5.
   */
  readonly priorVariance?: number;
  /**
   * Share of what the model knows that it keeps at each update, in (0, 1]: below 1 the covariance grows by
   * 1 / forgetting per update, so old outcomes weigh less and the model keeps tracking a changing upstream.
   * Default 0.9995 (remembers about the last 2 000 updates).
   */
  readonly forgetting?: number;
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
 * Online logistic regression for "does the next call fail" (docs/architecture.md, Patterns, prediction, healing), with the original's heuristic as an offset:
 * p = σ(logit(clamp(prior, ε, 1 − ε)) + w·x). The weights start at 0, so before any learning the model is the
 * heuristic; each outcome then updates a Gaussian belief over the weights (mean w, covariance Σ) by one
 * Laplace / extended-Kalman step on log loss: Σ ← Σ − Σx(Σx)ᵀ·h / (1 + h·xᵀΣx) with h = p(1 − p), then
 * w ← w − Σx·(p − y) / (1 + h·xᵀΣx). Unlike a per-weight step size, the covariance knows which features move
 * together (failure rates, streaks and recencies all rise in an outage), so a fresh model learns from an hour
 * of calls about what a per-weight rule learns from many (`bench:prediction`). Forgetting inflates Σ a little
 * at every update (no variance beyond the prior's), so the model keeps tracking a changing upstream.
 *
 * One predictor can serve every adapter: features are per adapter, and what one voice teaches helps the
 * others. `predict` is O(features) and `learn` O(features²) (about a thousand multiply-adds for the default
 * features); neither allocates. Non-finite inputs never produce NaN: a non-finite feature counts as 0 in a
 * prediction, and an update with any non-finite input is ignored.
 */
export class FailurePredictor {
  /** Names of the features, in vector order. */
  public readonly featureNames: readonly string[];
  /** Length of the feature vectors. */
  public readonly featureCount: number;
  /** Prior variance of each weight. */
  public readonly priorVariance: number;
  /** Share of the model's knowledge kept at each update. */
  public readonly forgetting: number;
  /** Clamp of the prior before its logit. */
  public readonly epsilon: number;
  /** Bound on each weight's magnitude. */
  public readonly maxWeight: number;
  private readonly w: Float64Array;
  /** Covariance of the weights divided by `scale`, row-major, features × features. */
  private readonly cov: Float64Array;
  /** The covariance is `scale` × `cov`: forgetting multiplies one number instead of every entry. */
  private scale = 1;
  /** Updates since the variances were last capped and `scale` folded into `cov`. */
  private sinceFold = 0;
  /** Scratch: Σx. */
  private readonly sx: Float64Array;
  private updateCount = 0;

  /** Creates an untrained predictor (all weights 0); throws a RangeError on an invalid option. */
  constructor(options: FailurePredictorOptions = {}) {
    this.featureNames = namesOf(options);
    this.featureCount = this.featureNames.length;
    this.priorVariance = positive('priorVariance', options.priorVariance ?? 1.5);
    this.forgetting = positive('forgetting', options.forgetting ?? 0.9995, 1);
    this.epsilon = positive('epsilon', options.epsilon ?? 1e-3, 0.5);
    this.maxWeight = positive('maxWeight', options.maxWeight ?? 10);
    const n = this.featureCount;
    this.w = new Float64Array(n);
    this.cov = new Float64Array(n * n);
    this.sx = new Float64Array(n);
    this.resetCovariance();
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
   * One update on log loss. Pass the features and prior as they were when the call was predicted (before its
   * outcome) and whether that call failed. Ignored when any input is non-finite or the vector has the wrong
   * length.
   */
  public learn(features: ArrayLike<number>, prior: number, failed: boolean): void {
    if (features.length !== this.featureCount || !Number.isFinite(prior) || !allFinite(features)) return;
    const p = prior < 0 ? 0 : prior > 1 ? 1 : prior;
    this.update(features, sigmoid(this.offset(p) + this.score(features)), failed);
  }

  /**
   * The same update as `learn`, given the probability already predicted for these features (the call path
   * predicts every call, so recomputing it to learn would double the work). With one model shared by several
   * voices, `predicted` may be a step stale: harmless for an online learner.
   */
  public learnFromPrediction(features: ArrayLike<number>, predicted: number, failed: boolean): void {
    if (features.length !== this.featureCount || !Number.isFinite(predicted) || !allFinite(features)) return;
    this.update(features, predicted < 0 ? 0 : predicted > 1 ? 1 : predicted, failed);
  }

  /** Updates applied since creation (or carried over by an import). */
  public get updates(): number {
    return this.updateCount;
  }

  /** Weight of feature `index`; undefined outside the vector. */
  public weight(index: number): number | undefined {
    return this.w[index];
  }

  /** Variance of weight `index` (how unsure the model is of it); undefined outside the vector. */
  public variance(index: number): number | undefined {
    return index >= 0 && index < this.featureCount
      ? this.scale * this.cov[index * this.featureCount + index]!
      : undefined;
  }

  /** The learned state as a plain JSON-able object for persistence. */
  public exportWeights(): PredictorWeights {
    this.fold();
    return {
      version: 3,
      features: [...this.featureNames],
      weights: Array.from(this.w),
      covariance: Array.from(this.cov),
      updates: this.updateCount,
    };
  }

  /**
   * Replaces the learned state with a persisted one, validated by {@link PredictorWeightsSchema};
   * throws a ZodError when malformed (including the earlier layouts, versions 1 and 2) and a
   * RangeError when its features are not this predictor's or its covariance is not one. Weights
   * beyond ±maxWeight are clamped.
   */
  public importWeights(data: unknown): void {
    const parsed = PredictorWeightsSchema.parse(data);
    const n = this.featureCount;
    const sameLayout =
      parsed.features.length === n &&
      parsed.weights.length === n &&
      parsed.covariance.length === n * n &&
      parsed.features.every((name, i) => name === this.featureNames[i]);
    if (!sameLayout) {
      throw new RangeError(
        `FailurePredictor expects weights for [${this.featureNames.join(', ')}], got [${parsed.features.join(', ')}]`,
      );
    }
    const c = parsed.covariance;
    for (let i = 0; i < n; i++) {
      const d = c[i * n + i]!;
      if (!(d > 0)) throw new RangeError(`FailurePredictor covariance: variance ${String(i)} must be > 0`);
      for (let j = 0; j < i; j++) {
        if (c[i * n + j] !== c[j * n + i])
          throw new RangeError('FailurePredictor covariance must be symmetric');
      }
    }
    const bound = this.maxWeight;
    for (let i = 0; i < n; i++) {
      const v = parsed.weights[i]!;
      this.w[i] = v > bound ? bound : v < -bound ? -bound : v;
    }
    this.cov.set(c);
    this.scale = 1;
    this.fold();
    this.updateCount = parsed.updates;
  }

  /** Forgets everything learned: the model is the heuristic again. */
  public reset(): void {
    this.w.fill(0);
    this.resetCovariance();
    this.updateCount = 0;
  }

  /** One Laplace / extended-Kalman step given the model's probability `p` for `x`. */
  private update(x: ArrayLike<number>, p: number, failed: boolean): void {
    const n = this.featureCount;
    const cov = this.cov;
    const sx = this.sx;
    const scale = this.scale;
    // Σx = scale · cov·x, skipping the features at 0 (most of them on most calls).
    sx.fill(0);
    for (let j = 0; j < n; j++) {
      const xj = x[j]!;
      if (xj === 0) continue;
      const c = scale * xj;
      for (let i = 0; i < n; i++) sx[i]! += cov[i * n + j]! * c;
    }
    let xsx = 0;
    for (let i = 0; i < n; i++) xsx += sx[i]! * x[i]!;
    if (!(xsx >= 0) || !Number.isFinite(xsx)) return;
    const h = p * (1 - p);
    const denominator = 1 + h * xsx;
    const step = (p - (failed ? 1 : 0)) / denominator;
    const bound = this.maxWeight;
    for (let i = 0; i < n; i++) {
      const next = this.w[i]! - sx[i]! * step;
      this.w[i] = next > bound ? bound : next < -bound ? -bound : next;
    }
    // Σ ← Σ − Σx(Σx)ᵀ·h / (1 + h·xᵀΣx), on cov = Σ / scale, kept exactly symmetric.
    const k = h / denominator / scale;
    for (let i = 0; i < n; i++) {
      const si = sx[i]! * k;
      if (si === 0) continue;
      for (let j = i; j < n; j++) {
        const v = cov[i * n + j]! - si * sx[j]!;
        cov[i * n + j] = v;
        cov[j * n + i] = v;
      }
    }
    // Forgetting: Σ ← Σ / forgetting, as one multiplication of the scale.
    this.scale = scale / this.forgetting;
    if (++this.sinceFold >= FOLD_EVERY) this.fold();
    this.updateCount++;
  }

  /**
   * Folds the scale into the covariance and caps the variances: forgetting never makes a weight less certain
   * than the prior — a variance above it is scaled back (its row and column with it, so the covariance stays
   * one). Features that are always 0 would otherwise grow without bound. Every {@link FOLD_EVERY} updates
   * (a variance may pass the prior by at most forgetting^−FOLD_EVERY meanwhile: 3 % at the default).
   */
  private fold(): void {
    const n = this.featureCount;
    const cov = this.cov;
    const scale = this.scale;
    if (scale !== 1) for (let i = 0; i < n * n; i++) cov[i]! *= scale;
    this.scale = 1;
    this.sinceFold = 0;
    const cap = this.priorVariance;
    for (let i = 0; i < n; i++) {
      const d = cov[i * n + i]!;
      if (d <= cap) continue;
      const f = Math.sqrt(cap / d);
      for (let j = 0; j < n; j++) {
        cov[i * n + j]! *= f;
        cov[j * n + i]! *= f;
      }
    }
  }

  private resetCovariance(): void {
    const n = this.featureCount;
    this.scale = 1;
    this.sinceFold = 0;
    this.cov.fill(0);
    for (let i = 0; i < n; i++) this.cov[i * n + i] = this.priorVariance;
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

/** Updates between two folds of the covariance's scale (and caps of its variances). */
const FOLD_EVERY = 64;

/** Whether every value is finite. */
function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

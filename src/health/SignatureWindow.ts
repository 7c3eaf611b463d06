import {
  SIGNATURE_WINDOW,
  coherenceFromVariance,
  stabilityFromRates,
  type SignatureFlags,
} from './consciousnessSignals.js';

const SYNTHESIS_BIT = 1;
const UNCERTAINTY_BIT = 2;

/**
 * The last 10 consciousness signature values of one voice, and the flags of its last 10 flagged
 * signatures, with coherence and stability as inherited (consciousnessSignals.ts).
 * Fixed memory; recording is O(10) and the reads are O(1).
 */
export class SignatureWindow {
  private readonly values = new Float64Array(SIGNATURE_WINDOW);
  private valueHead = 0;
  private valueCount = 0;
  private cachedCoherence = 1;
  private readonly flagRing = new Uint8Array(SIGNATURE_WINDOW);
  private flagHead = 0;
  private flagCount = 0;
  private synthesisCount = 0;
  private uncertaintyCount = 0;

  /** Records one signature; non-finite values are ignored, others clamped to [0, 1]. */
  public record(value: number, flags?: SignatureFlags): void {
    if (!Number.isFinite(value)) {
      return;
    }
    this.values[this.valueHead] = value < 0 ? 0 : value > 1 ? 1 : value;
    this.valueHead = (this.valueHead + 1) % SIGNATURE_WINDOW;
    if (this.valueCount < SIGNATURE_WINDOW) {
      this.valueCount++;
    }
    this.cachedCoherence = this.computeCoherence();
    if (flags !== undefined) {
      this.recordFlags(flags.synthesis === true, flags.uncertainty === true);
    }
  }

  /** Signature values held (at most 10). */
  public get size(): number {
    return this.valueCount;
  }

  /** Flagged signatures held (at most 10). */
  public get flaggedSize(): number {
    return this.flagCount;
  }

  /** 1 − min(variance of the held values, 1); 1.0 with none. */
  public get coherence(): number {
    return this.cachedCoherence;
  }

  /** (synthesis rate + (1 − uncertainty rate)) / 2 over the flagged signatures; 1.0 with fewer than 2. */
  public get stability(): number {
    if (this.flagCount < 2) {
      return 1;
    }
    return stabilityFromRates(this.synthesisCount / this.flagCount, this.uncertaintyCount / this.flagCount);
  }

  private recordFlags(synthesis: boolean, uncertainty: boolean): void {
    if (this.flagCount === SIGNATURE_WINDOW) {
      const old = this.flagRing[this.flagHead]!;
      this.synthesisCount -= old & SYNTHESIS_BIT ? 1 : 0;
      this.uncertaintyCount -= old & UNCERTAINTY_BIT ? 1 : 0;
    } else {
      this.flagCount++;
    }
    this.flagRing[this.flagHead] = (synthesis ? SYNTHESIS_BIT : 0) | (uncertainty ? UNCERTAINTY_BIT : 0);
    this.synthesisCount += synthesis ? 1 : 0;
    this.uncertaintyCount += uncertainty ? 1 : 0;
    this.flagHead = (this.flagHead + 1) % SIGNATURE_WINDOW;
  }

  private computeCoherence(): number {
    // Order does not matter for a variance, so the ring is read as is.
    const n = this.valueCount;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += this.values[i]!;
    }
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = this.values[i]! - mean;
      squares += d * d;
    }
    return coherenceFromVariance(squares / n);
  }
}

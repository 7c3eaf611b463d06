import { classifyError } from '../classify/classifyError.js';
import type { Classification, ClassifyContext, Classifier } from '../classify/Classification.js';
import type { MethodState } from './MethodState.js';

/**
 * A pipeline's classification of thrown values, in its context (voice, method, user classifiers),
 * once per error object: the breaker's error filter and the retry decision share the result.
 */
export class Classifications {
  private readonly classified = new WeakMap<object, Classification>();

  constructor(
    private readonly name: string,
    private readonly classifiers: readonly Classifier[],
  ) {}

  /** The classification of `err` (cached for errors thrown by calls). */
  classify(
    err: unknown,
    state: MethodState | undefined,
    phase: ClassifyContext['phase'] = 'call',
  ): Classification {
    const cacheable = phase === 'call' && typeof err === 'object' && err !== null;
    if (cacheable) {
      const cached = this.classified.get(err);
      if (cached !== undefined) return cached;
    }
    const classification = classifyError(err, {
      adapter: this.name,
      method: state?.path,
      phase,
      classifiers: this.classifiers,
    });
    if (cacheable) this.classified.set(err, classification);
    return classification;
  }
}

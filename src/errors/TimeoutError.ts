import { ConsciousnessError } from './ConsciousnessError.js';

/** A call to an adapter outlived its timeout. */
export class TimeoutError extends ConsciousnessError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(adapter: string, method: string, timeoutMs: number) {
    super('timeout', `${adapter}.${method} timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

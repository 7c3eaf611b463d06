import { ConsciousnessError } from './ConsciousnessError.js';

/** A call found no free concurrency slot while the voice is held back after rate limiting. */
export class RateLimitedLocallyError extends ConsciousnessError {
  constructor(adapter: string, method: string, limit: number) {
    super('rate_limited', `${adapter}.${method}: ${limit} call(s) in flight and the wait queue is full`);
  }
}

import { ConsciousnessError } from './ConsciousnessError.js';

/**
 * A call held back on our side because the voice is rate limited: its provider's Retry-After has
 * not passed yet, or no concurrency slot is free while healing limits the calls in flight.
 */
export class RateLimitedLocallyError extends ConsciousnessError {
  constructor(adapter: string, method: string, detail: string) {
    super('rate_limited', `${adapter}.${method}: ${detail}`);
  }
}

import { ConsciousnessError } from './ConsciousnessError.js';

/** The adapter's circuit breaker rejected the call without trying it. */
export class CircuitOpenError extends ConsciousnessError {
  constructor(adapter: string, method: string) {
    super('circuit_open', `${adapter} circuit is open; ${method} was not attempted`);
  }
}

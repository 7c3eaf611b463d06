import { ConsciousnessError } from './ConsciousnessError.js';

/** A call through a wrap after `disposeConsciousness(wrap)`: not attempted (code `ESHUTDOWN`, like a shut-down breaker). */
export class WrapDisposedError extends ConsciousnessError {
  /** Node-style code, as opossum's shut-down breaker uses. */
  readonly code = 'ESHUTDOWN';

  constructor(
    /** The voice of the disposed wrap. */
    readonly adapter: string,
    /** The method called. */
    readonly method: string,
  ) {
    super(
      'circuit_open',
      `${adapter} was disposed (disposeConsciousness); ${method} was not attempted: wrap the adapter again to call it`,
    );
  }
}

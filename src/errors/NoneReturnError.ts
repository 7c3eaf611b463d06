import { ConsciousnessError } from './ConsciousnessError.js';

/** A method that must return a value returned null or undefined. */
export class NoneReturnError extends ConsciousnessError {
  constructor(adapter: string, method: string, value: null | undefined) {
    super('api_return_none', `${adapter}.${method} returned ${String(value)} where a value is expected`);
  }
}

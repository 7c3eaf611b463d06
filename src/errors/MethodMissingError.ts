import { ConsciousnessError } from './ConsciousnessError.js';

/** The adapter has no such method and no alias of it. */
export class MethodMissingError extends ConsciousnessError {
  /** Names that were tried, in order. */
  readonly tried: readonly string[];

  constructor(adapter: string, method: string, tried: readonly string[]) {
    super('api_method_missing', `${adapter} has no method ${method} (tried ${tried.join(', ')})`);
    this.tried = tried;
  }
}

import { ConsciousnessError } from './ConsciousnessError.js';

/** A result failed the method's response schema. */
export class InvalidResponseError extends ConsciousnessError {
  /** Schema issues as `path: message` lines. */
  readonly issues: readonly string[];

  constructor(adapter: string, method: string, issues: readonly string[]) {
    super('invalid_response', `${adapter}.${method} returned an invalid response: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

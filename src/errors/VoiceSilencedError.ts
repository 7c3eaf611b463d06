import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { ConsciousnessError } from './ConsciousnessError.js';

/** Every path failed (retries, alias, fallback adapters, fallback value): the voice is silent. */
export class VoiceSilencedError extends ConsciousnessError {
  /** The adapter the caller called. */
  readonly adapter: string;
  /** The method the caller called. */
  readonly method: string;
  /** Upstream attempts made across the primary and its fallbacks. */
  readonly attempts: number;

  constructor(fields: {
    category: ErrorCategory;
    adapter: string;
    method: string;
    attempts: number;
    cause: unknown;
  }) {
    super(
      fields.category,
      `voice ${fields.adapter} silenced: ${fields.method} failed with ${fields.category} after ${fields.attempts} attempt(s)`,
      { cause: fields.cause },
    );
    this.adapter = fields.adapter;
    this.method = fields.method;
    this.attempts = fields.attempts;
  }
}

import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/** Brand shared across copies of this module, so errors from a second loaded copy still classify. */
export const CATEGORY_BRAND: unique symbol = Symbol.for('infrastructure-consciousness.category') as never;

/** Base of the errors this library raises; each carries the category it stands for. */
export class ConsciousnessError extends Error {
  /** The error signature this error stands for. */
  readonly category: ErrorCategory;
  readonly [CATEGORY_BRAND]: ErrorCategory;

  constructor(category: ErrorCategory, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.category = category;
    this[CATEGORY_BRAND] = category;
  }
}

/** Reads the category brand of an error raised by any copy of this library. */
export function brandedCategory(err: unknown): ErrorCategory | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as { [CATEGORY_BRAND]?: ErrorCategory })[CATEGORY_BRAND];
}

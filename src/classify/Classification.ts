import type { Clock } from '../clock/Clock.js';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/** What the classifier learned from one thrown value. */
export interface Classification {
  readonly category: ErrorCategory;
  /** HTTP status when the error carried one. */
  readonly status?: number;
  /** Error code (`ECONNREFUSED`, `context_length_exceeded`, ...) when the error carried one. */
  readonly code?: string;
  /** Server-requested delay from Retry-After / retry-after-ms, in milliseconds. */
  readonly retryAfterMs?: number;
  /** Short human-readable description; never contains headers or request bodies. */
  readonly message: string;
  /** Constructor name of the error (`RateLimitError`), or the typeof of a non-Error value. */
  readonly errorName: string;
}

/** Where the error happened; passed to user classifiers. */
export interface ClassifyContext {
  readonly adapter?: string;
  readonly method?: string;
  /** `call`: awaiting a result; `stream`: after the first chunk; `load`: importing the adapter. */
  readonly phase?: 'call' | 'stream' | 'load';
  /** User classifiers, consulted first, in order. */
  readonly classifiers?: readonly Classifier[];
  /** Epoch-ms clock for turning an HTTP-date Retry-After into a delay; defaults to `Date.now`. */
  readonly clock?: Clock;
}

/**
 * A user classifier: return a category (or a partial classification) to decide, or
 * undefined/null to let the next classifier decide. A classifier that throws is ignored, which is
 * why `err` (whatever was thrown) is typed `any` like a catch variable: `(err) => err.status === 418
 * ? 'overloaded' : undefined` reads the field directly, and a thrown `null` just skips it.
 */
export type Classifier = (
  err: any,
  ctx: ClassifyContext,
) => ErrorCategory | (Partial<Classification> & { category: ErrorCategory }) | undefined | null;

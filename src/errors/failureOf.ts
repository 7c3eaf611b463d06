import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/** How a call that reached the caller as an error failed (read with `failureOf(err)`). */
export interface CallFailure {
  /** The error signature of the failure that ended the call. */
  readonly category: ErrorCategory;
  /** The voice the caller called. */
  readonly adapter: string;
  /** The method path the caller called (`chat.completions.create`). */
  readonly method: string;
  /** Upstream attempts made for the call, across the primary and its fallbacks. */
  readonly attempts: number;
  /** Errors of the fallbacks tried after the primary gave up, in order. */
  readonly fallbackErrors: readonly unknown[];
}

/**
 * Classifications of errors handed to callers, kept beside the error object rather than on it:
 * an SDK's error must reach the caller exactly as the SDK threw it (no added or changed fields).
 */
const failures = new WeakMap<object, CallFailure>();

/** Remembers how a call failed, for the error the caller receives. */
export function recordFailure(error: unknown, failure: CallFailure): void {
  if ((typeof error === 'object' || typeof error === 'function') && error !== null) {
    failures.set(error, failure);
  }
}

/**
 * How a wrapped call that threw `error` failed: category, attempts, adapter, method and the
 * fallbacks' errors — or undefined for an error that did not end a wrapped call.
 */
export function failureOf(error: unknown): CallFailure | undefined {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return undefined;
  return failures.get(error);
}

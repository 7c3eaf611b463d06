import type { CallServices } from './CallServices.js';
import type { MethodState } from './MethodState.js';

/**
 * A synchronous method (a getter-like call, a client's own `withOptions()`): measured and counted,
 * never gated, retried or replaced — its result or its exception is the caller's, unchanged.
 * `selfLike` tells results that are the client itself (or a client like it): not a call.
 */
export function invokeSync(
  services: CallServices,
  owner: object,
  fn: (...a: unknown[]) => unknown,
  state: MethodState,
  args: unknown[],
  start: number,
  selfLike: ((value: unknown) => boolean) | undefined,
): unknown {
  let result: unknown;
  try {
    result = fn.apply(owner, args);
  } catch (err) {
    recordSync(services, state, start, err);
    throw err;
  }
  if (selfLike?.(result) !== true) recordSync(services, state, start, undefined);
  return result;
}

/** Counts a synchronous call (and its error's category when it threw). */
export function recordSync(services: CallServices, state: MethodState, start: number, error: unknown): void {
  const seconds = (services.now() - start) / 1000;
  if (error === undefined) {
    state.cells.call('success', seconds);
  } else {
    state.cells.error(services.classify(error, state).category);
    state.cells.call('failure', seconds);
  }
}

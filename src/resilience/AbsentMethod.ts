import type { Clock } from '../clock/Clock.js';
import { MethodMissingError } from '../errors/MethodMissingError.js';
import type { AdapterSource } from './CallPipelineParts.js';
import type { MethodState } from './MethodState.js';
import type { EntryHost } from './TunedEntry.js';

/** What calls without a method to run need of their pipeline. */
export interface AbsentHost extends EntryHost {
  /** The whole call path (healing knobs included) on a loaded adapter. */
  invoke(owner: object, state: MethodState, args: unknown[]): unknown;
}

/**
 * Calls that find no method to run: the adapter is not loaded yet (the call waits for the
 * loader, then runs, or goes to the fallback chain with the load error), or the adapter has no
 * such method (a `MethodMissingError`, counted as a failed attempt, to the fallback chain). Either
 * way the caller gets the method's own shape (a stream for streaming methods).
 */
export class AbsentMethod {
  constructor(
    private readonly host: AbsentHost,
    private readonly source: AdapterSource,
    private readonly clock: Clock,
  ) {}

  /** A call made before the adapter loaded. */
  whenLoaded(state: MethodState, args: unknown[]): unknown {
    const { host, source } = this;
    const start = this.clock();
    const served = source.load().then((adapter) => {
      if (adapter !== undefined) return host.invoke(adapter, state, args);
      const classification = host.classify(source.loadError, state, 'load');
      return host.fallBack(state, args, classification, source.loadError, 0, start);
    });
    return host.asResult(state, args, served, start);
  }

  /** A call of a method the adapter does not have (under any of its aliases). */
  missing(state: MethodState, args: unknown[]): unknown {
    const host = this.host;
    const start = this.clock();
    const error = new MethodMissingError(host.name, state.path, [state.key]);
    const classification = host.classify(error, state);
    host.attemptFailed(state, classification, 0, 1, undefined);
    return host.asResult(state, args, host.fallBack(state, args, classification, error, 1, start), start);
  }
}

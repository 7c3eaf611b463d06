import type { Clock } from '../clock/Clock.js';
import { MethodMissingError } from '../errors/MethodMissingError.js';
import type { AdapterSource } from './CallPipelineParts.js';
import type { ServedHolder } from './FallbackChain.js';
import type { HeldCalls } from './HeldCalls.js';
import type { MethodState } from './MethodState.js';
import { carry } from './resultShapes.js';
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
    private readonly held: HeldCalls,
    private readonly source: AdapterSource,
    private readonly clock: Clock,
  ) {}

  /** A call made before the adapter loaded. */
  whenLoaded(state: MethodState, args: unknown[]): unknown {
    const { host, source } = this;
    const start = this.clock();
    // A rich result (an SDK's APIPromise) is carried unadopted; a fallback's own object is kept in `holder`.
    const holder: ServedHolder = {};
    const served = source.load().then((adapter) => {
      if (adapter !== undefined) return carry(host.invoke(adapter, state, args));
      const classification = host.classify(source.loadError, state, 'load');
      return host.fallBack(state, args, classification, source.loadError, 0, start, holder);
    });
    return this.held.asResult(state, args, served, start, holder);
  }

  /** A call of a method the adapter does not have (under any of its aliases). */
  missing(state: MethodState, args: unknown[]): unknown {
    const host = this.host;
    const start = this.clock();
    const error = new MethodMissingError(host.name, state.path, [state.key]);
    host.attemptFailed(state, host.classify(error, state), 0, 1, undefined);
    return this.held.servedByFallback(state, args, error, 1, start);
  }
}

import { EventEmitter } from 'node:events';
import { redactSecrets } from '../classify/redactSecrets.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { InfrastructureEvents, Listening } from '../voice/CallEvents.js';

type Listener = (...args: unknown[]) => unknown;

/** Whether each event has a listener (see `IsolatedEmitter.listening`). */
class Listened implements Listening {
  failure = false;
  circuit = false;
  healing = false;
  pattern = false;
  prediction = false;
  signature = false;
  operation = false;

  clear(): void {
    for (const event of EVENTS) this[event] = false;
  }
}

const EVENTS: readonly (keyof InfrastructureEvents)[] = Object.keys(new Listened()) as never;

function isEvent(event: string | symbol): event is keyof InfrastructureEvents {
  return typeof event === 'string' && (EVENTS as readonly string[]).includes(event);
}

/**
 * An event emitter whose listeners cannot hurt the emitter: events are emitted from the call path
 * (a breaker opening, a success closing it), so a listener that throws, or returns a promise
 * that rejects, is caught and logged once (per listener) and the remaining listeners still run.
 * A call's outcome never depends on what a listener does.
 */
export abstract class IsolatedEmitter extends EventEmitter<InfrastructureEvents> {
  /** Where a failing listener is reported. */
  abstract readonly logger: ConsciousnessLogger;
  /** Listeners that failed at least once (logged once each; the count goes on). */
  private readonly failedListeners = new WeakSet<Listener>();
  private failures = 0;
  /**
   * Events with at least one listener, kept by the emitter's own add/remove events: an object of
   * fixed shape, so that the call path's question (`listening.signature`) is one property read.
   */
  private readonly listened = new Listened();

  constructor() {
    super();
    this.trackListeners();
  }

  /**
   * Whether each event has a listener (read-only), kept up to date by EventEmitter's public
   * `newListener` / `removeListener` events: what the call path reads on every call, by a fixed
   * name (`listening.signature`), for events whose payload is only built when somebody listens.
   */
  get listening(): Listening {
    return this.listened;
  }

  override removeAllListeners(event?: keyof InfrastructureEvents): this {
    super.removeAllListeners(event);
    if (event === undefined) {
      // Removing every listener removed the two that keep `listened` too.
      this.listened.clear();
      this.trackListeners();
    }
    return this;
  }

  private trackListeners(): void {
    const self = this as unknown as EventEmitter;
    self.on('newListener', (event: string | symbol) => {
      if (isEvent(event)) this.listened[event] = true;
    });
    self.on('removeListener', (event: string | symbol) => {
      if (isEvent(event) && self.listenerCount(event) === 0) this.listened[event] = false;
    });
  }

  /** Listener failures caught so far (each logged once per listener). */
  get listenerFailures(): number {
    return this.failures;
  }

  override emit<K extends keyof InfrastructureEvents>(event: K, ...args: InfrastructureEvents[K]): boolean {
    const listeners = this.rawListeners(event) as Listener[];
    if (listeners.length === 0) return false;
    for (const listener of listeners) {
      try {
        const result = listener.apply(this, args);
        if (isThenable(result)) {
          result.then(undefined, (err: unknown) => this.listenerFailed(event, listener, err));
        }
      } catch (err) {
        this.listenerFailed(event, listener, err);
      }
    }
    return true;
  }

  private listenerFailed(event: string, listener: Listener, err: unknown): void {
    this.failures += 1;
    if (this.failedListeners.has(listener)) return;
    this.failedListeners.add(listener);
    try {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(
        { event, listener: listener.name || 'anonymous', message: redactSecrets(message).slice(0, 300) },
        `a '${event}' listener failed; its errors are ignored (logged once)`,
      );
    } catch {
      // A listener failing must never become a failure of the call that emitted the event.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

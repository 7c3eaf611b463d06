/**
 * A provider client built on first use (which is when its optional SDK is imported). A failed
 * build is forgotten, so the next call tries again: installing the SDK heals the adapter without
 * a restart.
 */
export class LazyClient<C> {
  #pending: Promise<C> | undefined;

  /** `build` imports the SDK and constructs the client. */
  constructor(private readonly build: () => Promise<C>) {}

  /** The client, building it when there is none (concurrent callers share one build). */
  get(): Promise<C> {
    if (this.#pending !== undefined) return this.#pending;
    const pending = this.build();
    this.#pending = pending;
    pending.catch(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    return pending;
  }

  /** Forgets the client; the next `get()` builds a new one. */
  drop(): void {
    this.#pending = undefined;
  }
}

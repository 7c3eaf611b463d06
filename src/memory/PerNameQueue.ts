const settle = (): void => undefined;

/** Runs async operations one at a time per name, in call order; different names proceed concurrently. */
export class PerNameQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `operation` after every operation queued earlier under `name` has settled. */
  run<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(operation);
    const tail = result.then(settle, settle);
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return result;
  }
}

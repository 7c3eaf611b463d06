/**
 * An SDK's APIPromise as the call path sees it: a pending parse the test settles, counting parses
 * (`then`) and raw reads (`asResponse`), with `withResponse()`.
 */
export class FakeApiPromise {
  parses = 0;
  rawReads = 0;
  private readonly parsed: Promise<unknown>;
  settle!: { resolve(value: unknown): void; reject(err: unknown): void };
  constructor() {
    this.parsed = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // An attempt nobody reads must not be reported as an unhandled rejection.
    this.parsed.catch(() => undefined);
  }
  then(onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown): Promise<unknown> {
    this.parses += 1;
    return this.parsed.then(onFulfilled, onRejected);
  }
  asResponse(): Promise<string> {
    this.rawReads += 1;
    return this.parsed.then(() => 'raw response');
  }
  withResponse(): Promise<{ data: unknown; response: string }> {
    return this.parsed.then((data) => ({ data, response: 'response' }));
  }
}

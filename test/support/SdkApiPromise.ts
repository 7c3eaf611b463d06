/**
 * The shape of an SDK's APIPromise (openai 6, @anthropic-ai/sdk 1) for loops that make millions of
 * calls without HTTP: a Promise subclass whose request is already under way, parsed on `then`,
 * with `asResponse()` and `withResponse()`. `npm run bench` and the shapes-across-collections
 * fixture call through it.
 */
export class SdkApiPromise<T> extends Promise<T> {
  private parsed: Promise<T> | undefined;
  constructor(private readonly responsePromise: Promise<{ response: Response; body: T }>) {
    super((resolve) => resolve(undefined as T));
  }
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }
  asResponse(): Promise<Response> {
    return this.responsePromise.then((p) => p.response);
  }
  async withResponse(): Promise<{ data: T; response: Response }> {
    const [data, response] = await Promise.all([this.parse(), this.asResponse()]);
    return { data, response };
  }
  parse(): Promise<T> {
    return (this.parsed ??= this.responsePromise.then((p) => p.body));
  }
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.parse().then(onfulfilled, onrejected);
  }
}

/** A response carrying OpenAI's rate-limit headers, as every response does. */
export const RATE_LIMITED_RESPONSE = new Response(null, {
  headers: {
    'content-type': 'application/json',
    'x-ratelimit-remaining-requests': '499',
    'x-ratelimit-remaining-tokens': '29000',
    'x-ratelimit-reset-requests': '120ms',
    'x-ratelimit-reset-tokens': '6m0s',
  },
});

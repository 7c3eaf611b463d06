import type { FallbackValueContext } from '../resilience/FallbackChain.js';

type AnyFunction = (...args: any) => any;
/** Recursion budget for nested namespaces (`client.chat.completions.create` is three deep). */
type Deeper = [never, 0, 1, 2, 3];
/** A result type that says something: `any` and `unknown` (generic methods) say nothing. */
type Informative<R> = 0 extends 1 & R ? never : unknown extends R ? never : R;
/** The awaited results of the methods of `T` and of its nested namespaces, as one union. */
type MethodResults<T, Depth extends number> = [Depth] extends [never]
  ? never
  : {
      [K in keyof T]-?: T[K] extends AnyFunction
        ? Informative<Awaited<ReturnType<T[K]>>>
        : T[K] extends readonly unknown[]
          ? never
          : T[K] extends object
            ? MethodResults<T[K], Deeper[Depth]>
            : never;
    }[keyof T];

/**
 * What a `fallbackValue` may be for an adapter of type `T`: the awaited result of one of its
 * methods (own, inherited, or in nested namespaces such as `chat.completions.create`). Methods
 * whose result is `any`/`unknown` (generic request helpers) do not count; when none counts (an
 * adapter typed `object`, a loader of unknown type), anything is allowed.
 */
export type FallbackResult<T> = [MethodResults<T, 4>] extends [never] ? unknown : MethodResults<T, 4>;

/**
 * The `fallbackValue` option: a value served as the result of any intercepted method whose call
 * could not be served otherwise, or a function computing it from the failed call (awaited if it
 * returns a promise). The runtime rule: a function is always called, never returned — to fall
 * back to a function, return it from a function.
 */
export type FallbackValue<T> =
  FallbackResult<T> | ((ctx: FallbackValueContext) => FallbackResult<T> | PromiseLike<FallbackResult<T>>);

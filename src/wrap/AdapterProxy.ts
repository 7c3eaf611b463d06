import type { CallPipeline } from '../resilience/CallPipeline.js';
import type { MethodState } from '../resilience/MethodState.js';
import { WrapDisposedError } from '../errors/WrapDisposedError.js';

/** Symbol under which a wrapped adapter exposes its pipeline (for fallbacks, tests, tooling). */
export const PIPELINE: unique symbol = Symbol.for('infrastructure-consciousness.pipeline') as never;
/** Symbol under which a wrapped adapter exposes the object it wraps. */
export const TARGET: unique symbol = Symbol.for('infrastructure-consciousness.target') as never;

/** Creates the per-path method state (metric cells, schemas) the first time a method is called. */
export type MethodStateFactory = (path: string, key: string) => MethodState;

/** Decides whether a property path is intercepted at all (`exclude` option). */
export type PathFilter = (path: string) => boolean;

/** Wraps another client of the same kind (what `withOptions()` returns) as the same voice. */
export type Rewrap = (client: object) => object;

const MAX_NAMESPACE_DEPTH = 4;

/** A call through a disposed wrap: a rejected promise for methods known to be async, else thrown. */
function refused(name: string, state: MethodState): unknown {
  const error = new WrapDisposedError(name, state.path);
  if (state.kind === 'async' || state.contractAsync) return Promise.reject(error);
  throw error;
}
const NOT_A_NAMESPACE = new Set([
  'logger',
  'log',
  'console',
  'options',
  'config',
  'constructor',
  'prototype',
]);

function isNamespace(value: unknown, key: string): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (key.startsWith('_') || NOT_A_NAMESPACE.has(key)) return false;
  if (Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (value instanceof Map || value instanceof Set || value instanceof Date || value instanceof RegExp)
    return false;
  if (
    value instanceof Error ||
    value instanceof Promise ||
    value instanceof WeakMap ||
    value instanceof WeakSet
  ) {
    return false;
  }
  if (typeof (value as { then?: unknown }).then === 'function') return false;
  return true;
}

/**
 * The object a proxy is built on: an empty stand-in with the real object's prototype, so that
 * frozen adapters and non-configurable methods work (a Proxy must report such properties exactly
 * as its target has them; the stand-in has none) while `instanceof` still holds.
 */
export function shadowOf(real: object): object {
  if (typeof real !== 'function')
    return Object.create(Object.getPrototypeOf(real) as object | null) as object;
  // An arrow function: no non-configurable `prototype` of its own to keep in step.
  const shadow = (): undefined => undefined;
  Object.setPrototypeOf(shadow, Object.getPrototypeOf(real) as object | null);
  return shadow;
}

/**
 * The proxy handler shared by the root adapter and its lazily proxied namespaces
 * (`client.chat.completions`): function properties become interceptors (cached up to the
 * voice's method cap of names per level, so `proxy.m === proxy.m`) running the pipeline with
 * `this` bound to the real object; getters, setters, data properties, symbols and `instanceof`
 * behave as on the real object; a method returning the object itself returns the proxy, and one
 * returning a client of the same kind (`withOptions()`) returns it wrapped as the same voice.
 */
export class InterceptingHandler implements ProxyHandler<object> {
  private readonly interceptors = new Map<string, (...args: unknown[]) => unknown>();
  /** The interceptor `get` answered from the map last, and its key (interceptors are never replaced). */
  private lastKey: string | undefined;
  private lastInterceptor: ((...args: unknown[]) => unknown) | undefined;
  private readonly namespaces = new Map<string, { real: object; proxy: object }>();
  /** The proxy this handler serves (set once it exists). */
  proxy: object | undefined;

  constructor(
    private readonly pipeline: CallPipeline,
    /** The real object for this level; for a not-yet-loaded root it is resolved per access. */
    private readonly real: () => object | undefined,
    private readonly prefix: string,
    private readonly depth: number,
    private readonly states: MethodStateFactory,
    private readonly intercepts: PathFilter,
    /** Methods that get interceptors even when the object lacks them (contract, aliases, fallbacks). */
    private readonly expected: (path: string, key: string, real: object | undefined) => boolean,
    private readonly rewrap: Rewrap | undefined,
    /** The root client's prototype: results with it are clients of the same kind. */
    private readonly clientPrototype: object | undefined,
    /**
     * Interceptors and namespace proxies cached per level at most (the voice's method cap); beyond
     * it, dynamic names get a fresh one per access instead of growing the cache.
     */
    private readonly maxCached: number,
  ) {}

  get(placeholder: object, prop: string | symbol): unknown {
    if (prop === PIPELINE) return this.depth === 0 ? this.pipeline : undefined;
    const real = this.real();
    if (prop === TARGET) return real;
    const target = real ?? placeholder;
    // `target[prop]` is Reflect.get(target, prop, target), without the call (a third of the trap's time).
    const value = (target as Record<string | symbol, unknown>)[prop];
    if (typeof prop === 'symbol') return value;
    // The common access (a method or namespace seen before) builds no path string; the method
    // asked last answers without the map (nearly every access asks the same one again).
    if (typeof value === 'function') {
      if (prop === this.lastKey) return this.lastInterceptor;
      const known = this.interceptors.get(prop);
      if (known !== undefined) {
        this.lastKey = prop;
        this.lastInterceptor = known;
        return known;
      }
    } else if (typeof value === 'object' && value !== null) {
      const known = this.namespaces.get(prop);
      if (known !== undefined && known.real === value) return known.proxy;
    }
    const path = this.prefix === '' ? prop : `${this.prefix}.${prop}`;
    if (typeof value === 'function') {
      if (prop === 'constructor' || !this.intercepts(path)) return value;
      return this.interceptor(path, prop);
    }
    if (value === undefined) {
      return this.expected(path, prop, real) ? this.interceptor(path, prop) : undefined;
    }
    if (this.depth < MAX_NAMESPACE_DEPTH && isNamespace(value, prop) && this.intercepts(path)) {
      return this.namespace(prop, path, value);
    }
    return value;
  }

  set(placeholder: object, prop: string | symbol, value: unknown): boolean {
    const target = this.real() ?? placeholder;
    return Reflect.set(target, prop, value, target);
  }

  has(placeholder: object, prop: string | symbol): boolean {
    return Reflect.has(this.real() ?? placeholder, prop);
  }

  ownKeys(placeholder: object): ArrayLike<string | symbol> {
    return Reflect.ownKeys(this.real() ?? placeholder);
  }

  getOwnPropertyDescriptor(placeholder: object, prop: string | symbol): PropertyDescriptor | undefined {
    const descriptor = Reflect.getOwnPropertyDescriptor(this.real() ?? placeholder, prop);
    // The stand-in target has no such property: it may only be reported as configurable.
    if (descriptor !== undefined) descriptor.configurable = true;
    return descriptor;
  }

  defineProperty(placeholder: object, prop: string | symbol, descriptor: PropertyDescriptor): boolean {
    return Reflect.defineProperty(this.real() ?? placeholder, prop, descriptor);
  }

  deleteProperty(placeholder: object, prop: string | symbol): boolean {
    return Reflect.deleteProperty(this.real() ?? placeholder, prop);
  }

  getPrototypeOf(placeholder: object): object | null {
    return Reflect.getPrototypeOf(this.real() ?? placeholder);
  }

  private interceptor(path: string, key: string): (...args: unknown[]) => unknown {
    let fn = this.interceptors.get(key);
    if (fn === undefined) {
      const state = this.states(path, key);
      const pipeline = this.pipeline;
      const real = this.real;
      const selfLike = (value: unknown): boolean => this.isSelfLike(value);
      const after = (result: unknown, owner: object | undefined): unknown => this.returned(result, owner);
      fn = function intercepted(...args: unknown[]): unknown {
        if (pipeline.disposed) return refused(pipeline.name, state);
        const owner = real();
        const result = pipeline.invoke(owner, state, args, selfLike);
        // A promise (what an async method returned, or its call's refusal) is neither the
        // object itself nor a client: no identity checks on it.
        return state.kind === 'async' ? result : after(result, owner);
      };
      Object.defineProperty(fn, 'name', { value: key });
      if (this.interceptors.size < this.maxCached) this.interceptors.set(key, fn);
    }
    return fn;
  }

  /** What the caller gets: the proxy for the object itself, a wrapped client for a client like it. */
  private returned(result: unknown, owner: object | undefined): unknown {
    if (result === owner && owner !== undefined && this.proxy !== undefined) return this.proxy;
    if (this.rewrap !== undefined && this.isClient(result)) return this.rewrap(result as object);
    return result;
  }

  private isSelfLike(value: unknown): boolean {
    return (value === this.real() && value !== undefined) || this.isClient(value);
  }

  private isClient(value: unknown): boolean {
    return (
      this.clientPrototype !== undefined &&
      typeof value === 'object' &&
      value !== null &&
      Object.getPrototypeOf(value) === this.clientPrototype
    );
  }

  private namespace(key: string, path: string, value: object): object {
    const cached = this.namespaces.get(key);
    if (cached !== undefined && cached.real === value) return cached.proxy;
    const handler = new InterceptingHandler(
      this.pipeline,
      () => value,
      path,
      this.depth + 1,
      this.states,
      this.intercepts,
      this.expected,
      undefined,
      undefined,
      this.maxCached,
    );
    const proxy = new Proxy(shadowOf(value), handler);
    handler.proxy = proxy;
    if (cached !== undefined || this.namespaces.size < this.maxCached) {
      this.namespaces.set(key, { real: value, proxy });
    }
    return proxy;
  }
}

import type { CallPipeline } from '../resilience/CallPipeline.js';
import type { MethodState } from '../resilience/MethodState.js';

/** Symbol under which a wrapped adapter exposes its pipeline (for fallbacks, tests, tooling). */
export const PIPELINE: unique symbol = Symbol.for('infrastructure-consciousness.pipeline') as never;
/** Symbol under which a wrapped adapter exposes the object it wraps. */
export const TARGET: unique symbol = Symbol.for('infrastructure-consciousness.target') as never;

/** Creates the per-path method state (metric cells, schemas) the first time a method is called. */
export type MethodStateFactory = (path: string, key: string) => MethodState;

/** Decides whether a property path is intercepted at all (`exclude` option). */
export type PathFilter = (path: string) => boolean;

const MAX_NAMESPACE_DEPTH = 4;
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
  )
    return false;
  if (typeof (value as { then?: unknown }).then === 'function') return false;
  return true;
}

/**
 * The proxy handler shared by the root adapter and its lazily proxied namespaces
 * (`client.chat.completions`): function properties become interceptors (cached, so
 * `proxy.m === proxy.m`) running the pipeline with `this` bound to the real object; getters,
 * data properties, symbols and `instanceof` behave as on the real object.
 */
export class InterceptingHandler implements ProxyHandler<object> {
  private readonly interceptors = new Map<string, (...args: unknown[]) => unknown>();
  private readonly namespaces = new Map<string, { real: object; proxy: object }>();

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
  ) {}

  get(placeholder: object, prop: string | symbol): unknown {
    if (prop === PIPELINE) return this.depth === 0 ? this.pipeline : undefined;
    const real = this.real();
    if (prop === TARGET) return real;
    const target = real ?? placeholder;
    const value = Reflect.get(target, prop, target);
    if (typeof prop === 'symbol') return value;
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

  has(placeholder: object, prop: string | symbol): boolean {
    return Reflect.has(this.real() ?? placeholder, prop);
  }

  private interceptor(path: string, key: string): (...args: unknown[]) => unknown {
    let fn = this.interceptors.get(path);
    if (fn === undefined) {
      const state = this.states(path, key);
      const pipeline = this.pipeline;
      const real = this.real;
      fn = function intercepted(...args: unknown[]): unknown {
        return pipeline.invoke(real(), state, args);
      };
      Object.defineProperty(fn, 'name', { value: key });
      this.interceptors.set(path, fn);
    }
    return fn;
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
    );
    const proxy = new Proxy(value, handler);
    this.namespaces.set(key, { real: value, proxy });
    return proxy;
  }
}

import type { Clock, Sleep } from '../clock/Clock.js';
import { sleepOn } from '../clock/Scheduler.js';
import type { Classifier } from '../classify/Classification.js';
import { registerSecretsOf } from '../classify/KnownSecrets.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import { redactingLogger } from '../logging/RedactingLogger.js';
import { getDefaultInfrastructure } from '../consciousness/defaultInfrastructure.js';
import { voiceNameOf } from '../consciousness/VoiceNames.js';
import type { InfrastructureConsciousness } from '../consciousness/InfrastructureConsciousness.js';
import {
  CONTRACT_CHUNK_SCHEMAS,
  CONTRACT_METHODS,
  CONTRACT_RESPONSE_SCHEMAS,
  fastCheckOf,
} from '../firecircle/contractSchemas.js';
import { CallPipeline } from '../resilience/CallPipeline.js';
import type { FallbackTarget } from '../resilience/FallbackChain.js';
import { MethodLatency, methodLatencies } from '../resilience/AttemptTimeout.js';
import { clientMaxRetries } from '../resilience/sdkRequestOptions.js';
import type { MethodState } from '../resilience/MethodState.js';
import { findAlias } from '../resilience/methodAliases.js';
import { RetrySchedule } from '../resilience/RetrySchedule.js';
import { GivenAdapter, LoadingAdapter, type AdapterLoader } from './AdapterLoader.js';
import { InterceptingHandler, PIPELINE, TARGET, shadowOf } from './AdapterProxy.js';
import { describeOption, optionConflict, type OptionConflict } from './optionConflict.js';
import {
  parseWithConsciousnessOptions,
  type ResolvedWithConsciousnessOptions,
  type WithConsciousnessOptions,
} from './WithConsciousnessOptions.js';
import { recordOfProxy, rememberDerived, rememberWrap, wrapOf, type WrapRecord } from './WrapRegistry.js';

/** Hooks for tests and simulations (not part of the validated options). */
export interface WithConsciousnessInternals {
  /** Sleep used between retries and cool-down waits (default: the brain's scheduler). */
  readonly sleep?: Sleep;
  /** Random source (probe share of routed calls); default Math.random. */
  readonly random?: () => number;
  /** Backoff of adapter load retries (default 1 s doubling to 60 s). */
  readonly loadRetry?: { initialDelayMs: number; maxDelayMs: number };
}

/** Methods whose replies are dialogue turns: a stale one must never stand in for a new one. */
const DIALOGUE_METHODS = new Set(['sendMessage', 'send_message', 'streamMessage', 'stream_message']);

/** The latency every method beyond the voice's method cap shares (Voice.shared). */
const OVERFLOW_LATENCY = Symbol('overflow latency');

/** Methods whose answer is a value on any object (null/undefined is a None return). */
const SEND_METHODS = new Set(['sendMessage', 'send_message']);

const DEFAULT_LOAD_RETRY = { initialDelayMs: 1000, maxDelayMs: 60_000 };

/** The pipeline behind a wrapped adapter, or undefined for anything else. */
export function pipelineOf(value: unknown): CallPipeline | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  return (value as { [PIPELINE]?: CallPipeline })[PIPELINE];
}

/**
 * Wraps a model adapter (or a loader of one) so that every call is timed, classified, protected
 * (breaker, retry with backoff, timeout, fallbacks) and recorded into its voice's health
 * signature and metrics. Returns a transparent proxy of the same type.
 */
export function withConsciousness<T extends object>(
  adapter: T | AdapterLoader<T>,
  options?: WithConsciousnessOptions<NoInfer<T>>,
  internals: WithConsciousnessInternals = {},
): T {
  if ((typeof adapter !== 'object' && typeof adapter !== 'function') || adapter === null) {
    throw new TypeError(
      `withConsciousness(adapter): adapter must be an adapter object or a loader function, got ${adapter === null ? 'null' : typeof adapter}`,
    );
  }
  const o = parseWithConsciousnessOptions(options);
  // Wrapping a wrapped adapter wraps what it wraps: calls are never intercepted twice.
  const unwrapped =
    recordOfProxy(adapter)?.source ??
    (typeof adapter === 'function'
      ? adapter
      : ((pipelineOf(adapter) && (adapter as { [TARGET]?: T })[TARGET]) ?? adapter));
  const isLoader = typeof unwrapped === 'function';
  const inner = unwrapped as T | AdapterLoader<T>;
  const infrastructure =
    (o.infrastructure as InfrastructureConsciousness | undefined) ?? getDefaultInfrastructure();
  // The same object wrapped again for the same brain is the same proxy (docs/options.md).
  const known = wrapOf(infrastructure, inner);
  if (known !== undefined) return repeatedWrap(known, options, o) as T;
  // The client's own keys join the redaction set before anything of it can be logged.
  for (const client of isLoader ? o.fallbacks : [inner, ...o.fallbacks]) registerSecretsOf(client);
  const derived = o.name ?? voiceNameOf(inner);
  if (derived === undefined) {
    throw new TypeError(
      'withConsciousness(loader, options): options.name is required when wrapping a loader',
    );
  }
  const name = o.name ?? infrastructure.claimVoiceName(derived, inner as object, endpointOf(inner));
  const clock: Clock = infrastructure.clock;
  const voice = infrastructure.voice(name);
  const classifiers = o.classifiers as unknown as Classifier[];
  const source = isLoader
    ? new LoadingAdapter(
        inner as AdapterLoader,
        voice,
        clock,
        { ...(internals.loadRetry ?? DEFAULT_LOAD_RETRY), timeoutMs: o.loadTimeout },
        infrastructure.scheduler,
      )
    : new GivenAdapter(inner as object);
  const fallbacks = o.fallbacks.map((fb, i) => fallbackTarget(fb, `${name}_fallback_${i + 1}`));
  if (o.logger !== undefined) {
    const logger = redactingLogger(o.logger as ConsciousnessLogger);
    voice.useLogger(logger.child?.({ voice: name }) ?? logger);
  }
  // One owner for retries: a client retrying by itself (the SDKs' maxRetries) has its retries
  // turned off per request, and its budget becomes ours unless retry.maxAttempts is given.
  const sdkRetries = isLoader ? undefined : clientMaxRetries(inner);
  const explicitAttempts = options?.retry?.maxAttempts !== undefined;
  /** Attempts per call for methods of `client` (a client of the same kind has its own maxRetries). */
  const clientAttempts = (client: unknown): number | undefined => {
    const retries = explicitAttempts ? undefined : clientMaxRetries(client);
    return retries === undefined ? undefined : Math.min(20, retries + 1);
  };
  const pipeline = new CallPipeline({
    name,
    voice,
    breaker: o.breaker,
    maxBreakers: o.breaker.maxBreakers,
    ownsSdkRetries: sdkRetries !== undefined,
    retry: new RetrySchedule(o.retry),
    timeoutMs: o.timeout,
    adaptiveTimeout: o.adaptiveTimeout,
    classifiers,
    fallbacks,
    fallbackValue: 'fallbackValue' in (options ?? {}) ? { value: o.fallbackValue } : undefined,
    methodAliases: o.methodAliases,
    source,
    clock,
    scheduler: infrastructure.scheduler,
    sleep: internals.sleep ?? sleepOn(infrastructure.scheduler),
    random: internals.random ?? Math.random,
    sharedBackoff: infrastructure.sharedBackoff,
  });
  const excluded = new Set(o.exclude);
  const responseSchemas = o.responseSchemas;
  // The Fire Circle contract's schemas apply to Fire Circle adapters only (docs/options.md).
  const contract =
    o.contract === 'firecircle' || (o.contract === 'auto' && (isLoader || isFireCircleAdapter(inner)));
  // Latencies learned per method are the voice's: every wrap of it learns and reads them. Methods
  // beyond its method cap (voice.method folds them into `other`) share one.
  const latencies = methodLatencies(voice);
  const methodLatency = (path: string): MethodLatency => {
    if (!voice.tracksMethod(path)) return voice.shared(OVERFLOW_LATENCY, () => new MethodLatency());
    let latency = latencies.get(path);
    if (latency === undefined) {
      latency = new MethodLatency();
      latencies.set(path, latency);
    }
    return latency;
  };
  const newState = (path: string, key: string, client?: unknown): MethodState => {
    // Other objects' sendMessage still gets null/undefined detection.
    const schema =
      responseSchemas[path] ??
      (contract ? CONTRACT_RESPONSE_SCHEMAS[path] : SEND_METHODS.has(path) ? true : undefined);
    return {
      path,
      key,
      cells: voice.method(path),
      schema,
      accepts: schema === undefined || schema === true ? undefined : fastCheckOf(schema),
      chunkSchema: contract ? CONTRACT_CHUNK_SCHEMAS[path] : undefined,
      contractAsync: contract && CONTRACT_METHODS.has(path),
      alias: undefined,
      syncStream: contract && CONTRACT_CHUNK_SCHEMAS[path] !== undefined,
      lastGood: undefined,
      defensiveOk: !DIALOGUE_METHODS.has(path),
      kind: 'unknown',
      richPrototype: undefined,
      latency: methodLatency(path),
      deadlines: undefined,
      deadlinesModel: undefined,
      timeoutRefreshAt: 0,
      optionsIndex: undefined,
      clientAttempts: clientAttempts(client),
    };
  };
  const expected = (path: string, key: string, real: object | undefined): boolean => {
    if (key === 'then' || excluded.has(path)) return false;
    if ((contract && CONTRACT_METHODS.has(path)) || path in o.methodAliases || path in responseSchemas)
      return true;
    if (real !== undefined) {
      return findAlias(real, key, o.methodAliases[path], voice.learnedAlias(path)) !== undefined;
    }
    // Not loaded yet: methods a fallback can serve are worth intercepting.
    return fallbacks.some((fb) => fb.resolve(path) !== undefined);
  };
  const current = isLoader ? () => source.current() : constant(inner as object);
  const intercepts = (path: string): boolean => !excluded.has(path);
  const clientPrototype = isLoader
    ? undefined
    : ((Object.getPrototypeOf(inner) as object | null) ?? undefined);
  const sameKind = clientPrototype === Object.prototype ? undefined : clientPrototype;
  // Filled once the root proxy exists: derived clients' proxies (withOptions()) belong to it.
  const wrap: { record?: WrapRecord } = {};
  const build = (real: () => object | undefined, placeholder: object): object => {
    const handler: InterceptingHandler = new InterceptingHandler(
      pipeline,
      real,
      '',
      0,
      (path, key) => newState(path, key, real()),
      intercepts,
      expected,
      // Another client of the same kind (withOptions()) is the same voice, wrapped alike.
      (client) => build(constant(client), shadowOf(client)),
      sameKind,
      voice.maxMethods,
    );
    const built = new Proxy(placeholder, handler);
    handler.proxy = built;
    if (wrap.record !== undefined) rememberDerived(built, wrap.record);
    return built;
  };
  const proxy = build(current, isLoader ? {} : shadowOf(inner as object)) as T;
  wrap.record = {
    proxy,
    source: inner,
    brain: infrastructure,
    voice,
    pipeline,
    disposed: false,
    name,
    options: comparable(o, options),
  };
  rememberWrap(wrap.record);
  // The brain probes the adapter itself when monitoring the wrapped one (startMonitoring).
  infrastructure.adopt(proxy, name, current);
  return proxy;
}

/** The options as the caller wrote them (what `comparable` and `repeatedWrap` read of them). */
type GivenOptions = Pick<WithConsciousnessOptions, 'retry'>;

/** Resolved options as a later wrap of the same object is compared with (brain and name apart). */
function comparable(
  o: ResolvedWithConsciousnessOptions,
  given: GivenOptions | undefined,
): Record<string, unknown> {
  return {
    ...o,
    infrastructure: undefined,
    name: undefined,
    // Presence matters beyond the value: an explicit attempt count overrides an SDK's maxRetries.
    fallbackValue: given !== undefined && 'fallbackValue' in given ? { value: o.fallbackValue } : undefined,
    retry: { ...o.retry, maxAttempts: given?.retry?.maxAttempts },
  };
}

/**
 * A second wrap of an object already wrapped for this brain: its first proxy, when the options
 * are left out or the same; a TypeError naming the first option that differs otherwise (two
 * wraps of one object with different options would be two behaviours behind one object).
 */
function repeatedWrap(
  known: WrapRecord,
  given: GivenOptions | undefined,
  o: ResolvedWithConsciousnessOptions,
): object {
  const stated = Object.entries(given ?? {}).filter(([k, v]) => k !== 'infrastructure' && v !== undefined);
  if (stated.length === 0) return known.proxy;
  if (o.name !== undefined && o.name !== known.name) {
    throw conflictError(known, { path: 'options.name', before: known.name, now: o.name });
  }
  const conflict = optionConflict(known.options, comparable(o, given));
  if (conflict !== undefined) throw conflictError(known, conflict);
  return known.proxy;
}

function conflictError(known: WrapRecord, conflict: OptionConflict): TypeError {
  const path = conflict.path.replace(/^options\.fallbackValue\.value/, 'options.fallbackValue');
  return new TypeError(
    `withConsciousness: this object is already wrapped (voice ${JSON.stringify(known.name)}) for this ` +
      `InfrastructureConsciousness with another ${path}: ${describeOption(conflict.before)} there, ` +
      `${describeOption(conflict.now)} here. Wrapping an object again returns its first wrap, so leave the ` +
      `options out or pass the same ones (functions and objects defined once, not per call), or ` +
      `disposeConsciousness(firstWrap) before wrapping it anew`,
  );
}

/**
 * Whether an object is recognisably a Fire Circle adapter (the contract's schemas apply): a
 * `providerName` and one of the contract's methods (sendMessage, streamMessage, checkHealth,
 * connect, in either spelling), or `sendMessage` together with another of them. A chat session
 * that merely has a `sendMessage` is not one.
 */
function isFireCircleAdapter(adapter: unknown): boolean {
  const a = adapter as Record<string, unknown>;
  const has = (k: string): boolean => typeof a[k] === 'function';
  const others = ['checkHealth', 'check_health', 'connect', 'streamMessage', 'stream_message'].some(has);
  const sends = has('sendMessage') || has('send_message');
  return (typeof a.providerName === 'string' && (sends || others)) || (sends && others);
}

/**
 * Where a client sends its requests (an SDK's `baseURL`) plus its kind: wraps of clients with the
 * same derived name and endpoint are one voice (a client built per request), others with the same
 * name report as `name-2`, ….
 */
function endpointOf(adapter: unknown): string | undefined {
  if (typeof adapter !== 'object' || adapter === null) return undefined;
  const baseURL = (adapter as { baseURL?: unknown }).baseURL;
  if (typeof baseURL !== 'string') return undefined;
  return `${(adapter as { constructor?: { name?: string } }).constructor?.name ?? 'object'} ${baseURL}`;
}

function constant<V>(value: V): () => V {
  return () => value;
}

function fallbackTarget(adapter: object, defaultName: string): FallbackTarget {
  const pipeline = pipelineOf(adapter);
  const name = pipeline?.name ?? voiceNameOf(adapter) ?? defaultName;
  return {
    name: name === 'adapter' ? defaultName : name,
    allows: (path) => recordOfProxy(adapter)?.disposed !== true && (pipeline?.allows(path) ?? true),
    wrapped: pipeline !== undefined,
    resolve(path) {
      let owner: unknown = adapter;
      const segments = path.split('.');
      const last = segments.pop()!;
      for (const segment of segments) {
        owner = (owner as Record<string, unknown> | undefined)?.[segment];
        if (typeof owner !== 'object' || owner === null) return undefined;
      }
      const record = owner as Record<string, unknown>;
      const key = typeof record[last] === 'function' ? last : findAlias(record, last, undefined, undefined);
      if (key === undefined) return undefined;
      const fn = record[key] as (...a: unknown[]) => unknown;
      return (...args: unknown[]) => fn.apply(owner, args);
    },
  };
}

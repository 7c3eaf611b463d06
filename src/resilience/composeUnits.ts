import { AbsentMethod, type AbsentHost } from './AbsentMethod.js';
import { AttemptGuard } from './AttemptGuard.js';
import { AttemptLoop } from './AttemptLoop.js';
import { AttemptTimeout } from './AttemptTimeout.js';
import type { CallPipelineParts } from './CallPipelineParts.js';
import { ConcurrencyLimit } from './ConcurrencyLimit.js';
import { FallbackChain } from './FallbackChain.js';
import { HealerHandle } from './HealerHandle.js';
import { HeldCalls } from './HeldCalls.js';
import { MethodResolver } from './MethodResolver.js';
import { ObservedCalls } from './ObservedCalls.js';
import type { CallRoutes } from './ResultRouting.js';
import { RetryPolicy } from './RetryPolicy.js';
import type { ScopedBreakers } from './ScopedBreakers.js';
import { TunedEntry } from './TunedEntry.js';
import { UnaryCalls } from './UnaryCall.js';

/** What the composed units need of the pipeline in front of them. */
export type UnitsHost = AbsentHost;

/** The units of one wrap's call path (docs/architecture.md, The hot path). */
export interface PipelineUnits {
  readonly timeout: AttemptTimeout;
  readonly limit: ConcurrencyLimit;
  readonly chain: FallbackChain;
  readonly resolver: MethodResolver;
  readonly policy: RetryPolicy;
  readonly loop: AttemptLoop;
  readonly observed: ObservedCalls;
  readonly unary: UnaryCalls;
  readonly tuned: TunedEntry;
  readonly held: HeldCalls;
  readonly routes: CallRoutes;
  readonly absent: AbsentMethod;
  /** What the voice's healer reaches of this wrap (attached to the voice here). */
  readonly handle: HealerHandle;
}

/**
 * Composes the units of a wrap's call path once: each sees the pipeline (`host`) only as the
 * services it needs, and the others through the values passed here, so no unit imports another's
 * composer. `breakers` are the voice's (shared by every wrap of it).
 */
export function composeUnits(
  parts: CallPipelineParts,
  host: UnitsHost,
  breakers: ScopedBreakers,
): PipelineUnits {
  const tuning = parts.voice.tuning;
  const timeout = new AttemptTimeout(
    parts.timeoutMs,
    parts.adaptiveTimeout,
    tuning,
    parts.clock,
    parts.scheduler,
  );
  const limit = new ConcurrencyLimit(() => tuning.maxConcurrent);
  const chain = new FallbackChain(
    parts.name,
    parts.voice,
    parts.fallbacks,
    parts.fallbackValue,
    parts.clock,
    () => tuning.defensiveValues,
  );
  const handle = new HealerHandle(parts.name, parts.voice, parts.source, limit, timeout, chain);
  const resolver = new MethodResolver(parts.name, parts.voice, parts.methodAliases, (state, c) =>
    host.attemptFailed(state, c, 0, 1, undefined),
  );
  const policy = new RetryPolicy(
    parts.retry,
    tuning,
    parts.sharedBackoff,
    parts.voice,
    (category, path) => chain.usable(category, path),
    parts.clock,
  );
  const guard = new AttemptGuard(parts.name, timeout);
  const loop = new AttemptLoop(host, guard, policy, limit, parts.clock, parts.sleep, parts.scheduler);
  const observed = new ObservedCalls(host, () => unary, breakers, parts.clock);
  const unary: UnaryCalls = new UnaryCalls(
    loop,
    limit,
    parts.clock,
    (state, start, attemptStart, breaker, request) =>
      observed.observation(state, start, attemptStart, breaker, request),
    () => handle.markSubstitutable(),
  );
  const held = new HeldCalls(host, loop, parts.ownsSdkRetries);
  const tuned = new TunedEntry(
    host,
    held,
    tuning,
    limit,
    chain,
    policy,
    parts.clock,
    parts.random,
    parts.sleep,
  );
  const routes = { services: host, unary, observed, loop };
  const absent = new AbsentMethod(host, held, parts.source, parts.clock);
  return {
    timeout,
    limit,
    chain,
    resolver,
    policy,
    loop,
    observed,
    unary,
    tuned,
    held,
    routes,
    absent,
    handle,
  };
}

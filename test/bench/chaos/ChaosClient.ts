import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../../src/consciousness/InfrastructureConsciousness.js';
import type { ConsciousMessage, ConsciousMessageLike } from '../../../src/firecircle/ConsciousMessage.js';
import type { ConsciousModelAdapter } from '../../../src/firecircle/ConsciousModelAdapter.js';
import { createAdapter } from '../../../src/firecircle/adapters/createAdapter.js';
import type { ProviderEmulator } from '../../../src/lab/ProviderEmulator.js';
import { MemoryStore } from '../../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../../src/wrap/withConsciousness.js';
import type { VoicePair, VoiceSpec } from './ChaosCase.js';

/** The three ways of calling the same adapters that the benchmark compares. */
export const CLIENT_KINDS = ['unprotected', 'hand-built', 'withConsciousness'] as const;
/** One way of calling the adapters. */
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** Table labels of the client kinds. */
export const CLIENT_LABELS: Readonly<Record<ClientKind, string>> = {
  unprotected: '(1) no protection',
  'hand-built': '(2) opossum+cockatiel+fallback',
  withConsciousness: '(3) withConsciousness',
};

/** What the caller calls for one voice pair, and how to tell a reply served by the fallback. */
export interface VoiceRoute {
  /** One caller call (the primary, and whatever protection the client adds). */
  call(message: ConsciousMessageLike): Promise<ConsciousMessage>;
  /** `sender` of replies written by the fallback adapter. */
  readonly fallbackSender: string;
}

/** A client of one kind over fresh adapters: a route per voice pair. */
export interface ChaosClient {
  readonly kind: ClientKind;
  readonly routes: readonly VoiceRoute[];
  /** Stops the breakers' timers. */
  shutdown(): void;
}

// The emulator accepts any key; the SDKs refuse to build a client without one.
const LAB_API_KEY = 'sk-lab-chaos';

function adapterFor(
  spec: VoiceSpec,
  emulator: ProviderEmulator,
): ConsciousModelAdapter & { adapterId: string } {
  const options = { apiKey: LAB_API_KEY, model: spec.model, sdkMaxRetries: 0 };
  if (spec.provider === 'anthropic') {
    return createAdapter('anthropic', { ...options, baseURL: emulator.anthropicBaseURL });
  }
  return createAdapter(spec.provider, { ...options, baseURL: emulator.openaiBaseURL });
}

/** Voice names must differ: derived from the provider, two openai voices would share one Voice. */
function voiceName(spec: VoiceSpec): string {
  return `${spec.provider}:${spec.model}`;
}

/** (1) The adapter called directly. */
function unprotected(pairs: readonly VoicePair[], emulator: ProviderEmulator): ChaosClient {
  const routes = pairs.map((pair): VoiceRoute => {
    const primary = adapterFor(pair.primary, emulator);
    return {
      call: (message) => primary.sendMessage(message),
      fallbackSender: adapterFor(pair.fallback, emulator).adapterId,
    };
  });
  return { kind: 'unprotected', routes, shutdown: () => undefined };
}

/**
 * (2) What a user would write by hand: opossum with its defaults (10 s timeout, 50 % errors in a
 * 10 s window, 30 s reset) around cockatiel's exponential retry of every error, and the fallback
 * adapter as opossum's fallback (called on any failure, timeout or open breaker).
 */
function handBuilt(pairs: readonly VoicePair[], emulator: ProviderEmulator): ChaosClient {
  const breakers: CircuitBreaker[] = [];
  const routes = pairs.map((pair): VoiceRoute => {
    const primary = adapterFor(pair.primary, emulator);
    const fallback = adapterFor(pair.fallback, emulator);
    const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
    const breaker = new CircuitBreaker((m: ConsciousMessageLike) =>
      policy.execute(() => primary.sendMessage(m)),
    );
    breaker.fallback((m: ConsciousMessageLike) => fallback.sendMessage(m));
    breakers.push(breaker);
    return {
      call: (message) => breaker.fire(message) as Promise<ConsciousMessage>,
      fallbackSender: fallback.adapterId,
    };
  });
  return {
    kind: 'hand-built',
    routes,
    shutdown: () => breakers.forEach((b) => b.shutdown()),
  };
}

/** Prints the brain's pattern, healing and circuit events to stderr (CHAOS_TRACE=1), each line tagged with `label`. */
function traceEvents(infrastructure: InfrastructureConsciousness, label: string): void {
  const origin = performance.now();
  const at = (): string => `${((performance.now() - origin) / 1000).toFixed(2)}s [${label}]`;
  infrastructure.on('pattern', (p) =>
    console.error(
      at(),
      'pattern',
      p.patternType,
      p.affectedAdapters.join(','),
      p.category ?? '',
      JSON.stringify(p.evidence),
    ),
  );
  infrastructure.on('healing', (h) =>
    console.error(at(), 'healing', h.targetAdapter, h.actionType, h.success, JSON.stringify(h.parameters)),
  );
  infrastructure.on('circuit', (c) => console.error(at(), 'circuit', JSON.stringify(c)));
}

/** Parts of the brain the ablation turns off (every other setting is the default). */
export interface BrainSwitches {
  readonly enablePrediction?: boolean;
  readonly enableSelfHealing?: boolean;
  readonly enablePatternDetection?: boolean;
}

/**
 * The ablation: the full brain, each learning part turned off alone, and all of them (breaker + retry + fallback);
 * `full again` is the full brain a second time, side by side with the first: the spread between the two is the
 * run's own noise, which the "no worse" verdict must exceed (test/bench/chaos/Ablation.ts).
 */
export const ABLATIONS = {
  full: {},
  'full again': {},
  'no prediction': { enablePrediction: false },
  'no healing': { enableSelfHealing: false },
  'no patterns': { enablePatternDetection: false },
  'no learning': { enablePrediction: false, enableSelfHealing: false, enablePatternDetection: false },
} as const satisfies Record<string, BrainSwitches>;
/** One variant of the ablation. */
export type Ablation = keyof typeof ABLATIONS;

/**
 * (3) withConsciousness with its defaults (or with `switches` turning parts of the brain off), the fallback
 * wrapped too, every voice on one fresh brain.
 */
export function conscious(
  pairs: readonly VoicePair[],
  emulator: ProviderEmulator,
  switches: BrainSwitches = {},
  label = 'full',
): ChaosClient {
  const infrastructure = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    config: { ...switches },
  });
  if (process.env.CHAOS_TRACE !== undefined) traceEvents(infrastructure, label);
  const wrapped: object[] = [];
  const routes = pairs.map((pair): VoiceRoute => {
    const fallbackAdapter = adapterFor(pair.fallback, emulator);
    const fallback = withConsciousness(fallbackAdapter, { infrastructure, name: voiceName(pair.fallback) });
    const primary = withConsciousness(adapterFor(pair.primary, emulator), {
      infrastructure,
      name: voiceName(pair.primary),
      fallbacks: [fallback],
    });
    wrapped.push(primary, fallback);
    return { call: (message) => primary.sendMessage(message), fallbackSender: fallbackAdapter.adapterId };
  });
  return {
    kind: 'withConsciousness',
    routes,
    shutdown: () => undefined,
  };
}

/** Builds a client of `kind` over fresh adapters pointed at `emulator`. */
export function buildClient(
  kind: ClientKind,
  pairs: readonly VoicePair[],
  emulator: ProviderEmulator,
): ChaosClient {
  switch (kind) {
    case 'unprotected':
      return unprotected(pairs, emulator);
    case 'hand-built':
      return handBuilt(pairs, emulator);
    case 'withConsciousness':
      return conscious(pairs, emulator);
  }
}

import type { Clock } from '../clock/Clock.js';
import { timeOf, type Scheduler } from '../clock/Scheduler.js';
import { invalidOptions } from '../errors/invalidOptions.js';
import { createDefaultLogger, type ConsciousnessLogger } from '../logging/createLogger.js';
import { redactingLogger } from '../logging/RedactingLogger.js';
import { InfrastructureMetrics } from '../metrics/InfrastructureMetrics.js';
import { ApiChangeDetector } from '../patterns/ApiChangeDetector.js';
import { resonanceThreshold } from '../patterns/ResonanceDetector.js';
import { SharedState } from '../scaleout/SharedState.js';
import { UsageOptionsSchema, type UsageSettings } from '../usage/UsageOptions.js';
import type { InfrastructureEvents } from '../voice/CallEvents.js';
import { SharedBackoff } from '../voice/SharedBackoff.js';
import { Voice, type VoiceHost } from '../voice/Voice.js';
import { consciousnessFromHealth } from './bridge/consciousnessFromHealth.js';
import { CapGuard } from './CapGuard.js';
import {
  CONFIG_PRESETS,
  InfrastructureConsciousnessConfigSchema,
  type InfrastructureConsciousnessConfig,
} from './InfrastructureConsciousnessConfig.js';
import {
  InfrastructureConsciousnessOptionsSchema,
  type InfrastructureConsciousnessOptions,
} from './InfrastructureConsciousnessOptions.js';
import { LearnedAliases } from './LearnedAliases.js';
import { LearningLoop } from './LearningLoop.js';
import { Monitoring } from './Monitoring.js';
import { Persistence } from './Persistence.js';
import { VoiceRegistry } from './VoiceRegistry.js';

/** The parts of the brain, wired together. */
export interface BrainParts {
  readonly config: InfrastructureConsciousnessConfig;
  readonly clock: Clock;
  /** The timers of the brain and its wraps (the clock option's, else Node's). */
  readonly scheduler: Scheduler;
  readonly logger: ConsciousnessLogger;
  readonly metrics: InfrastructureMetrics;
  readonly caps: CapGuard;
  readonly usageSettings: UsageSettings;
  readonly sharedBackoff: SharedBackoff;
  readonly persistence: Persistence;
  readonly voices: VoiceRegistry;
  readonly loop: LearningLoop;
  readonly aliases: LearnedAliases;
  readonly monitoring: Monitoring;
  readonly shared: SharedState | undefined;
}

/** What the parts call back on the brain itself. */
export interface BrainHooks {
  /** The brain as the host of its voices (events, aliases, observe). */
  readonly host: VoiceHost;
  readonly emit: <K extends keyof InfrastructureEvents>(
    event: K,
    ...args: InfrastructureEvents[K]
  ) => boolean;
  /** Writes a state snapshot (taken after a probe round every `snapshotIntervalMs`). */
  readonly saveSnapshot: () => Promise<string>;
}

/** Validates the options (zod paths in the error) and applies a preset under the explicit config. */
function parse(options: InfrastructureConsciousnessOptions | undefined) {
  const parsed = InfrastructureConsciousnessOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('InfrastructureConsciousness', parsed.error);
  const o = parsed.data;
  const config = InfrastructureConsciousnessConfigSchema.safeParse({
    ...(o.preset ? CONFIG_PRESETS[o.preset] : {}),
    ...o.config,
  });
  if (!config.success) throw invalidOptions('InfrastructureConsciousness config', config.error);
  return { o, cfg: config.data };
}

/** Builds the brain's parts from its options: metrics, persistence, voices, learning, monitoring, sharing. */
export function assembleBrain(
  options: InfrastructureConsciousnessOptions | undefined,
  hooks: BrainHooks,
): BrainParts {
  const { o, cfg } = parse(options);
  const { clock, scheduler } = timeOf(o.clock);
  const logger = redactingLogger(o.logger ?? createDefaultLogger());
  const random = o.random ?? Math.random;
  const usage = UsageOptionsSchema.parse(o.usage ?? {});
  const metrics = new InfrastructureMetrics({ registry: o.registry, prefix: o.metricsPrefix });
  const caps = new CapGuard(metrics.registry, metrics.prefix, logger);
  const persistence = new Persistence({ config: cfg, clock, scheduler, logger, store: o.store });
  const memory = persistence.memory;
  const voices: VoiceRegistry = new VoiceRegistry({
    maxVoices: cfg.maxVoices,
    caps,
    logger,
    create: (name) => {
      const voice = new Voice(name, hooks.host, metrics, logger);
      voice.tuning.probeShare = cfg.probeShare;
      shared?.voiceCreated(name, voice);
      loop.track(voice);
      return voice;
    },
  });
  const loop: LearningLoop = new LearningLoop({
    config: cfg,
    clock,
    random,
    logger,
    metrics,
    memory,
    voiceCount: () => voices.size,
    voiceNamed: (name) => voices.get(name),
    shared: () => shared,
    emit: hooks.emit,
  });
  const shared: SharedState | undefined =
    o.shared === undefined
      ? undefined
      : new SharedState(o.shared, {
          clock,
          scheduler,
          random,
          logger,
          registry: metrics.registry,
          metricsPrefix: o.metricsPrefix,
          memory,
          patternsPerTypeLimit: cfg.patternsPerTypeLimit,
          failingWindowMs: cfg.resonanceWindowMs,
          voiceNamed: (name) => voices.get(name),
          voices: () => voices.values(),
          resonanceThreshold: () => resonanceThreshold(cfg.resonanceFailureThreshold, voices.size),
          patternDetected: (pattern) => loop.patternDetected(pattern),
          patternResolved: (pattern) => loop.patternResolved(pattern),
          shapeLearned: (adapter, shape) => {
            for (const d of loop.patterns.detectors)
              if (d instanceof ApiChangeDetector) d.learnShape(adapter, shape);
          },
        });
  const afterRound = (): void => {
    const now = clock();
    loop.recordHistory();
    loop.healer.observe(now);
    const interval = cfg.snapshotIntervalMs;
    if (interval > 0 && now - persistence.lastSnapshotAt >= interval) {
      hooks
        .saveSnapshot()
        .catch((err: unknown) => logger.warn({ err: String(err) }, 'state snapshot failed'));
    }
  };
  // Gauges (signatures, usage budgets, the consciousness score) are refreshed at scrape time.
  metrics.onCollect(() => {
    let total = 0;
    for (const voice of voices.values()) {
      const signature = voice.health.snapshot();
      metrics.forAdapter(voice.name).applySignature(signature);
      voice.usage.publish();
      total += consciousnessFromHealth(signature, cfg.bridge);
    }
    metrics.setConsciousnessScore(voices.size === 0 ? 1 : total / voices.size);
  });
  return {
    config: cfg,
    clock,
    scheduler,
    logger,
    metrics,
    caps,
    usageSettings: { ...usage, prices: usage.prices },
    sharedBackoff: new SharedBackoff(clock),
    persistence,
    voices,
    loop,
    aliases: new LearnedAliases({ max: cfg.maxLearnedAliases, caps, memory, shared: () => shared }),
    monitoring: new Monitoring({ config: cfg, clock, scheduler, logger, voices, afterRound }),
    shared,
  };
}

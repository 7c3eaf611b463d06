import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { Clock } from '../clock/Clock.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { PatternMemory } from '../memory/PatternMemory.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { FleetResonance } from './FleetResonance.js';
import { isSharedFailure, parseInstanceSummaries, type InstanceSummary } from './InstanceSummary.js';
import { LuaScript } from './LuaScript.js';
import { RedisLink } from './RedisLink.js';
import { CooldownMessageSchema, SharedCooldowns, type CooldownTarget } from './SharedCooldowns.js';
import { type CooldownReason } from '../vocabulary/CallOutcome.js';
import { FactMessageSchema, SharedFacts } from './SharedFacts.js';
import { SharedHealingStats } from './SharedHealingStats.js';
import { SharedKeys } from './SharedKeys.js';
import { SharedPatternLog } from './SharedPatternLog.js';
import { SharedStateHealth } from './SharedStateHealth.js';
import type { SharedStateConfig } from './SharedStateOptions.js';

/** A voice as the shared state reads it for the instance summary. */
export interface SummarizedVoice extends CooldownTarget {
  readonly name: string;
  readonly lastFailureCategory: ErrorCategory | undefined;
  /** Clock reading of the voice's last attempt. */
  readonly lastActivity: number;
  readonly health: { readonly consecutiveFailures: number };
}

/** What the shared state needs from the brain it serves. */
export interface SharedStateHost {
  readonly clock: Clock;
  /** Uniform [0, 1) source (how long followers stagger their resume). */
  readonly random: () => number;
  readonly logger: ConsciousnessLogger;
  readonly registry: Registry;
  readonly metricsPrefix: string;
  readonly memory: PatternMemory;
  /** Remembered patterns per type in shared memory (the file store's bound). */
  readonly patternsPerTypeLimit: number;
  /** How recent a voice's failure must be to count as failing now (the resonance window). */
  readonly failingWindowMs: number;
  /** The voice of that name if this instance has one (never creates one). */
  voiceNamed(name: string): SummarizedVoice | undefined;
  /** This instance's voices. */
  voices(): Iterable<SummarizedVoice>;
  /** Voices that must fail together for a resonance. */
  resonanceThreshold(): number;
  /** A fleet resonance began (reported like a detected pattern). */
  patternDetected(pattern: InfrastructurePattern): void;
  /** The fleet resonance ended. */
  patternResolved(pattern: InfrastructurePattern): void;
}

/**
 * One round-trip per sync interval: drops expired cool-downs and returns the live ones, publishes
 * this instance's summary and returns the live instances' (dropping the stale), and returns the
 * generations of facts, healing counts and patterns.
 * KEYS: cool-downs, instances, generations. ARGV: now, instance id, summary JSON, instance TTL.
 */
const SYNC = new LuaScript(
  'sync',
  `local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local cooldowns = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1] .. '|' .. ARGV[3])
redis.call('PEXPIRE', KEYS[2], ttl * 10)
local all = redis.call('HGETALL', KEYS[2])
local live = {}
for i = 1, #all, 2 do
  local at = tonumber(string.match(all[i + 1], '^(%d+)|'))
  if at == nil or now - at > ttl then
    redis.call('HDEL', KEYS[2], all[i])
  else
    live[#live + 1] = all[i]
    live[#live + 1] = all[i + 1]
  end
end
local generations = redis.call('HMGET', KEYS[3], 'facts', 'healing', 'patterns')
for i = 1, 3 do if not generations[i] then generations[i] = '0' end end
return {cooldowns, live, generations}`,
);

/** Facts, healing counts and patterns whose generation moved are refetched at most every this many syncs. */
const REFETCH_SYNCS = 5;

const defaultInstanceId = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/**
 * Provider state shared by the instances of one application through Redis (docs/scale-out.md):
 * cool-downs, facts (aliases), healing statistics, pattern memory and resonance by quorum. Nothing
 * here is on a caller's path: reads are plain memory, refreshed by pub/sub and by one sync
 * round-trip per `syncIntervalMs`; writes are fire and forget. Redis down, slow or wrong leaves
 * this instance working alone.
 */
export class SharedState {
  /** This instance's name in summaries and fleet patterns. */
  readonly instanceId: string;
  /** The validated options, defaults applied. */
  readonly config: SharedStateConfig;
  private readonly cooldowns: SharedCooldowns;
  private readonly facts: SharedFacts;
  private readonly healing: SharedHealingStats;
  private readonly patterns: SharedPatternLog;
  private readonly resonance: FleetResonance;
  private readonly link: RedisLink;
  private readonly keys: SharedKeys;
  private readonly timer: NodeJS.Timeout;
  private syncing = false;
  private started = false;
  /** Sync rounds completed with an answer from Redis. */
  syncs = 0;
  /** The live instances' summaries as of the last sync (this one's included). */
  instances: readonly InstanceSummary[] = [];

  constructor(
    config: SharedStateConfig,
    private readonly host: SharedStateHost,
  ) {
    this.config = config;
    this.instanceId = config.instanceId ?? defaultInstanceId();
    this.keys = new SharedKeys(config.namespace);
    const refetchMs = REFETCH_SYNCS * config.syncIntervalMs;
    this.link = new RedisLink({
      redis: config.redis,
      commandTimeoutMs: config.commandTimeoutMs,
      logger: host.logger,
      health: new SharedStateHealth(host.registry, host.metricsPrefix),
    });
    this.cooldowns = new SharedCooldowns(
      this.link,
      this.keys,
      this.instanceId,
      host.clock,
      (name) => host.voiceNamed(name),
      host.random,
    );
    this.facts = new SharedFacts(
      this.link,
      this.keys,
      this.instanceId,
      host.clock,
      config.factsTtlMs,
      {
        // Straight into memory: the brain's learnAlias would publish it back.
        aliasLearned: (adapter, method, alias) => host.memory.learnAlias(adapter, method, alias),
      },
      refetchMs,
    );
    this.healing = new SharedHealingStats(
      this.link,
      this.keys,
      config.factsTtlMs,
      host.memory,
      host.clock,
      refetchMs,
    );
    this.patterns = new SharedPatternLog(
      this.link,
      this.keys,
      host.patternsPerTypeLimit,
      config.factsTtlMs,
      (p) => host.memory.rememberPattern(p),
      host.clock,
      refetchMs,
    );
    this.resonance = new FleetResonance({
      quorum: config.quorum,
      threshold: () => host.resonanceThreshold(),
      clock: host.clock,
      onPattern: (p) => host.patternDetected(p),
      onResolved: (p) => host.patternResolved(p),
    });
    host.memory.onHealingOutcome = (key, success) => this.healing.outcome(key, success);
    this.link.subscribe(this.keys.channel, (message) => this.received(message));
    // Syncing starts once the first connection attempt settled (a sync before would only fail).
    this.timer = setInterval(() => {
      if (this.started) void this.sync();
    }, config.syncIntervalMs);
    this.timer.unref();
    void this.link.opened.then(() => {
      this.started = true;
      return this.sync();
    });
  }

  /** Whether Redis answered the last command. */
  get up(): boolean {
    return this.link.up;
  }

  /** Redis commands sent so far (the benchmark divides them by caller calls). */
  get commandsSent(): number {
    return this.link.commandsSent;
  }

  /** The fleet resonance in force, if any (scope `fleet`). */
  get activeResonance(): InfrastructurePattern | undefined {
    return this.resonance.current;
  }

  /** Shares a cool-down this instance observed (fire and forget). */
  coolDown(voice: string, until: number, reason: CooldownReason, model?: string): void {
    this.cooldowns.publish(voice, until, reason, model);
  }

  /** A voice this instance just created picks up the cool-downs already known for it. */
  voiceCreated(name: string, voice: CooldownTarget): void {
    this.cooldowns.voiceCreated(name, voice);
  }

  /** Shares an alias this instance learned. */
  learnAlias(adapter: string, method: string, alias: string): void {
    this.facts.publishAlias(adapter, method, alias);
  }

  /**
   * Shares a pattern this instance detected (fleet resonances are every instance's own; a
   * resolution is not re-sent: the shared log is for `similarPastPatterns`, which needs the detection).
   */
  patternRemembered(pattern: InfrastructurePattern): void {
    if (pattern.evidence.scope !== 'fleet' && pattern.resolvedAt === undefined) this.patterns.append(pattern);
  }

  /** One sync round now (the timer runs them every `syncIntervalMs`); never rejects. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const now = this.host.clock();
      const reply = await this.link.script<[string[], string[], string[]]>(
        SYNC,
        [this.keys.cooldowns, this.keys.instances, this.keys.generations],
        [
          String(Math.floor(now)),
          this.instanceId,
          JSON.stringify({ failing: this.failingVoices(now) }),
          String(this.config.instanceTtlMs),
        ],
      );
      if (!Array.isArray(reply) || reply.length !== 3) return;
      const [cooldowns, live, generations] = reply;
      this.cooldowns.synced(cooldowns);
      this.instances = parseInstanceSummaries(live);
      this.resonance.update(this.instances);
      await this.facts.synced(String(generations[0]));
      await this.healing.synced(String(generations[1]));
      await this.patterns.synced(String(generations[2]));
      this.syncs += 1;
    } finally {
      this.syncing = false;
    }
  }

  /** Stops syncing and closes the connections this instance opened. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.link.close();
  }

  /** The voices failing here now, with a category other instances could see too. */
  private failingVoices(now: number): Record<string, ErrorCategory> {
    const failing: Record<string, ErrorCategory> = {};
    for (const voice of this.host.voices()) {
      const category = voice.lastFailureCategory;
      if (
        voice.health.consecutiveFailures > 0 &&
        isSharedFailure(category) &&
        now - voice.lastActivity <= this.host.failingWindowMs
      ) {
        failing[voice.name] = category;
      }
    }
    return failing;
  }

  private received(text: string): void {
    let message: { kind?: unknown };
    try {
      message = JSON.parse(text) as { kind?: unknown };
    } catch {
      return;
    }
    if (message.kind === 'cooldown') {
      const cooldown = CooldownMessageSchema.safeParse(message);
      if (cooldown.success) this.cooldowns.received(cooldown.data);
    }
    if (message.kind === 'fact') {
      const fact = FactMessageSchema.safeParse(message);
      if (fact.success) this.facts.received(fact.data);
    }
  }
}

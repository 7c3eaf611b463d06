import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { Clock } from '../clock/Clock.js';
import type { Scheduler, Timer } from '../clock/Scheduler.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { PatternMemory } from '../memory/PatternMemory.js';
import { PatternTypeSchema, type InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { FleetResonance } from './FleetResonance.js';
import {
  FleetView,
  isSharedFailure,
  parseInstanceSummaries,
  SummaryMessageSchema,
  type InstanceSummary,
  type SummaryMessage,
} from './InstanceSummary.js';
import { LuaScript } from './LuaScript.js';
import { ProbeGate } from './ProbeGate.js';
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
  /** Error code of the latest failed attempt (a DNS lookup's failure stays local). */
  readonly lastFailureCode?: string;
  /** Clock reading of the voice's last attempt. */
  readonly lastActivity: number;
  readonly health: { readonly consecutiveFailures: number };
}

/** What the shared state needs from the brain it serves. */
export interface SharedStateHost {
  readonly clock: Clock;
  /** The rounds' and the probe gate's timers. */
  readonly scheduler: Scheduler;
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
  /** Another instance found that voice `adapter` now answers with response shape `shape` (an API change). */
  shapeLearned(adapter: string, shape: string): void;
  /** A fleet resonance began (reported like a detected pattern). */
  patternDetected(pattern: InfrastructurePattern): void;
  /** The fleet resonance ended. */
  patternResolved(pattern: InfrastructurePattern): void;
}

/**
 * One batch of this instance's writes, and the heartbeat: stores this instance's summary; applies
 * the batch's healing increments (`HINCRBY`) and pattern appends (capped per type) once — a batch
 * retried after a timeout is recognised by its id — and bumps the generation; publishes one message
 * with the summary, the new fleet-wide values of the touched healing fields, the appended patterns
 * and the generation; then drops expired cool-downs and stale instances and returns the live
 * cool-downs, the live instances' summaries and the generation.
 * KEYS: instances, generations, cool-downs, healing, the batch's id key, one pattern list per pattern.
 * ARGV: now, instance id, summary JSON, instance TTL, channel, healing increments JSON (or ''),
 * facts TTL, patterns per type, then one pattern JSON per pattern.
 */
const FLUSH = new LuaScript(
  'flush',
  `local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1] .. '|' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl * 10)
local message = '{"kind":"batch","from":' .. cjson.encode(ARGV[2]) .. ',"at":"' .. ARGV[1] .. '","summary":' .. ARGV[3]
local patterns = #ARGV - 8
if (ARGV[6] ~= '' or patterns > 0) and redis.call('SET', KEYS[5], '1', 'NX', 'PX', 600000) then
  if ARGV[6] ~= '' then
    local counts = {}
    for field, delta in pairs(cjson.decode(ARGV[6])) do
      counts[field] = redis.call('HINCRBY', KEYS[4], field, delta)
    end
    redis.call('PEXPIRE', KEYS[4], ARGV[7])
    message = message .. ',"healing":' .. cjson.encode(counts)
  end
  if patterns > 0 then
    local texts = {}
    for i = 1, patterns do
      redis.call('LPUSH', KEYS[5 + i], ARGV[8 + i])
      redis.call('LTRIM', KEYS[5 + i], 0, tonumber(ARGV[8]) - 1)
      redis.call('PEXPIRE', KEYS[5 + i], ARGV[7])
      texts[i] = ARGV[8 + i]
    end
    message = message .. ',"patterns":' .. cjson.encode(texts)
  end
  local gen = redis.call('HINCRBY', KEYS[2], 'gen', 1)
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
  message = message .. ',"gen":' .. gen
end
redis.call('PUBLISH', ARGV[5], message .. '}')
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local cooldowns = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local at = tonumber(string.match(all[i + 1], '^(%d+)|'))
  if at == nil or now - at > ttl then
    redis.call('HDEL', KEYS[1], all[i])
  else
    live[#live + 1] = all[i]
    live[#live + 1] = all[i + 1]
  end
end
return {cooldowns, live, redis.call('HGET', KEYS[2], 'gen') or '0'}`,
);

/**
 * Everything an instance reads when it (re)connects: the generation, every fact, every healing
 * count and every pattern list. KEYS: generations, facts, healing, then the pattern lists.
 */
const READ_ALL = new LuaScript(
  'read all',
  `local out = {redis.call('HGET', KEYS[1], 'gen') or '0', redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
for i = 4, #KEYS do out[#out + 1] = redis.call('LRANGE', KEYS[i], 0, -1) end
return out`,
);

/**
 * The background refresh (read only): the live cool-downs, every instance's summary and the
 * generation — what a flush answers, for a round with nothing to write, so a summary, cool-down or
 * fact whose message this instance missed is known within `refreshIntervalMs` all the same.
 * KEYS: cool-downs, instances, generations. ARGV: now.
 */
const READ_FLEET = new LuaScript(
  'read fleet',
  `return {redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES'), redis.call('HGETALL', KEYS[2]), redis.call('HGET', KEYS[3], 'gen') or '0'}`,
);

/** An instance closing: its summary removed, the others told at once. KEYS: instances. ARGV: id, channel, message. */
const BYE = new LuaScript(
  'bye',
  `redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`,
);

const TYPES = PatternTypeSchema.options;

const defaultInstanceId = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** `[field, value, field, value, …]` as pairs. */
function pairsOf(flat: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
  return out;
}

/** Writes waiting to be sent in one flush; retried with the same id until Redis answers. */
interface Batch {
  readonly id: string;
  readonly healing: Record<string, number> | undefined;
  readonly patterns: readonly InfrastructurePattern[];
}

/**
 * Provider state shared by the instances of one application through Redis (docs/scale-out.md):
 * cool-downs, facts (aliases, API-change signatures), healing statistics, pattern memory and
 * resonance by quorum. Nothing here is on a caller's path: reads are plain memory, kept current by
 * pub/sub (every write publishes what it changed), by a background read of the fleet's state at
 * least every `refreshIntervalMs` (≤ 1 s), and by a full read when the instance (re)connects or
 * finds it missed a message; writes are fire and forget — cool-downs and facts at once, a voice
 * starting to fail within `syncIntervalMs`, healing outcomes, patterns and recoveries in place of
 * the next refresh — one command per round at most. Redis down, slow, wrong or older than 7
 * leaves this instance working alone; what it learned meanwhile is sent when Redis answers again.
 */
export class SharedState {
  /** This instance's name in summaries and fleet patterns. */
  readonly instanceId: string;
  /** The validated options, defaults applied. */
  readonly config: SharedStateConfig;
  /** One probe per cool-down end in this instance (the voices' `cooldownGate`). */
  readonly cooldownGate: ProbeGate;
  private readonly cooldowns: SharedCooldowns;
  private readonly facts: SharedFacts;
  private readonly healing: SharedHealingStats;
  private readonly patterns: SharedPatternLog;
  private readonly resonance: FleetResonance;
  private readonly fleet: FleetView;
  private readonly link: RedisLink;
  private readonly keys: SharedKeys;
  private readonly timer: Timer;
  private readonly heartbeatMs: number;
  /** Period of the rounds: the shorter of `syncIntervalMs` and `refreshIntervalMs`. */
  private readonly tickMs: number;
  private ticking = false;
  private started = false;
  /** Whether a full read is due: never done, reconnected, or a published write was missed. */
  private needResync = true;
  /** Highest generation seen in order (-1 before the first full read). */
  private generation = -1;
  /** Generation the previous flush answered: by the next flush, its message must have arrived. */
  private answeredGeneration = 0;
  /** The failing voices of the summary Redis last answered. */
  private publishedFailing: Readonly<Record<string, ErrorCategory>> = {};
  private lastFlush = Number.NEGATIVE_INFINITY;
  /** Clock reading of the round whose command last answered the fleet's state (a flush or a refresh). */
  private lastRead = Number.NEGATIVE_INFINITY;
  private batch: Batch | undefined;
  private batches = 0;
  /** Background refreshes sent (rounds that only read the fleet's state). */
  refreshes = 0;
  /** Rounds completed while connected and in step with Redis (the fleet view evaluated). */
  syncs = 0;
  /** The live instances' summaries as of the last round (this one's first). */
  instances: readonly InstanceSummary[] = [];

  constructor(
    config: SharedStateConfig,
    private readonly host: SharedStateHost,
  ) {
    this.config = config;
    this.instanceId = config.instanceId ?? defaultInstanceId();
    this.keys = new SharedKeys(config.namespace);
    this.heartbeatMs = Math.max(config.syncIntervalMs, Math.floor(config.instanceTtlMs / 3));
    this.tickMs = Math.min(config.syncIntervalMs, config.refreshIntervalMs);
    this.link = new RedisLink({
      redis: config.redis,
      commandTimeoutMs: config.commandTimeoutMs,
      logger: host.logger,
      health: new SharedStateHealth(host.registry, host.metricsPrefix),
    });
    this.cooldownGate = new ProbeGate(() => this.link.up, host.scheduler);
    this.cooldowns = new SharedCooldowns(
      this.link,
      this.keys,
      this.instanceId,
      host.clock,
      (name) => host.voiceNamed(name),
      host.random,
    );
    this.facts = new SharedFacts(this.link, this.keys, this.instanceId, host.clock, config.factsTtlMs, {
      // Straight into memory: the brain's learnAlias would publish it back.
      aliasLearned: (adapter, method, alias) => host.memory.learnAlias(adapter, method, alias),
      shapeLearned: (adapter, shape) => host.shapeLearned(adapter, shape),
    });
    this.healing = new SharedHealingStats(host.memory);
    this.patterns = new SharedPatternLog((p) => host.memory.rememberPattern(p));
    this.fleet = new FleetView(config.instanceTtlMs);
    this.resonance = new FleetResonance({
      quorum: config.quorum,
      threshold: () => host.resonanceThreshold(),
      clock: host.clock,
      onPattern: (p) => host.patternDetected(p),
      onResolved: (p) => host.patternResolved(p),
    });
    host.memory.onHealingOutcome = (key, success) => this.healing.outcome(key, success);
    this.link.subscribe(this.keys.channel, (message) => this.received(message));
    // A connection back after an outage: what was published meanwhile is read in full.
    this.link.onReady(() => {
      this.needResync = true;
    });
    // Rounds start once the first connection attempt settled (one before would only fail).
    this.timer = host.scheduler.setInterval(() => {
      if (this.started) void this.round(false);
    }, this.tickMs);
    this.timer.unref();
    void this.link.opened.then(() => {
      this.started = true;
      return this.round(false);
    });
  }

  /** Whether Redis answered the last command. */
  get up(): boolean {
    return this.link.up;
  }

  /** The server's `redis_version` as read when the connection opened (undefined before; below 7 nothing is shared). */
  get serverVersion(): string | undefined {
    return this.link.serverVersion;
  }

  /** Redis commands sent so far (the benchmark divides them by caller calls). */
  get commandsSent(): number {
    return this.link.commandsSent;
  }

  /** How long the last cool-downs published by other instances took to arrive here (ms; at most 256). */
  get cooldownArrivalLagsMs(): readonly number[] {
    return this.cooldowns.arrivalLagsMs;
  }

  /** The fleet resonance in force, if any (scope `fleet`). */
  get activeResonance(): InfrastructurePattern | undefined {
    return this.resonance.current;
  }

  /** Shares a cool-down this instance observed (written and published at once, fire and forget). */
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
    if (pattern.evidence.scope === 'fleet' || pattern.resolvedAt !== undefined) return;
    this.patterns.append(pattern);
    // An API change to a new response shape is also a fact: the others learn the shape as known.
    const { trigger, newShape } = pattern.evidence;
    if (pattern.patternType === 'api_change' && trigger === 'shape_change' && typeof newShape === 'string') {
      for (const adapter of pattern.affectedAdapters) this.facts.publishShape(adapter, newShape);
    }
  }

  /** One round now, with a full read of the shared state (the timer runs rounds every `syncIntervalMs`); never rejects. */
  async sync(): Promise<void> {
    this.needResync = true;
    await this.round(true);
  }

  /** Stops the rounds, tells the other instances this one is gone, and closes the connections it opened. */
  async close(): Promise<void> {
    this.host.scheduler.clearInterval(this.timer);
    this.started = false;
    if (this.link.up) {
      const bye: SummaryMessage = { kind: 'bye', from: this.instanceId };
      await this.link.script(
        BYE,
        [this.keys.instances],
        [this.instanceId, this.keys.channel, JSON.stringify(bye)],
      );
    }
    await this.link.close();
  }

  /**
   * One round: at most one command — a flush when something waits to be written, else, once
   * `refreshIntervalMs` passed since the last read, the read-only refresh (both answer the fleet's
   * state) — then the fleet view is evaluated from memory (resonance by quorum); writes Redis did
   * not answer are retried.
   */
  private async round(force: boolean): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.host.clock();
      const failing = this.failingVoices(now);
      const self: InstanceSummary = { instanceId: this.instanceId, failing };
      // A voice starting to fail here goes out at once (a fleet resonance needs it), and so does
      // the recovery of a voice the fleet resonance in force names (it may end it); any other
      // change of the summary, healing outcomes and patterns go when the refresh is due, in place
      // of its read, or with the heartbeat — so a voice flapping in a 429 storm costs no command
      // per flap, and an instance sends one command per refresh interval.
      const published = this.publishedFailing;
      const newlyFailing = Object.entries(failing).some(([voice, c]) => published[voice] !== c);
      const resonating = this.resonance.current?.affectedAdapters;
      const recovered =
        resonating !== undefined &&
        resonating.some((voice) => published[voice] !== undefined && failing[voice] === undefined);
      const refreshDue = now - this.lastRead >= this.config.refreshIntervalMs - this.tickMs / 2;
      const writes =
        this.healing.waiting ||
        this.patterns.waiting ||
        Object.keys(published).some((voice) => failing[voice] === undefined);
      if (
        force ||
        this.needResync ||
        !this.link.up ||
        newlyFailing ||
        recovered ||
        this.batch !== undefined ||
        now - this.lastFlush >= this.heartbeatMs ||
        (refreshDue && writes)
      ) {
        await this.flush(now, failing);
      } else if (refreshDue) {
        await this.refresh(now);
      }
      if (this.link.up && (this.facts.waiting || this.cooldowns.waiting)) {
        await this.facts.retry();
        await this.cooldowns.retry();
      }
      this.instances = this.fleet.live(now, self);
      this.resonance.update(this.instances);
      if (this.link.up && !this.needResync) this.syncs += 1;
    } finally {
      this.ticking = false;
    }
  }

  /** Sends the pending batch with this instance's summary; reads everything when a full read is due. */
  private async flush(now: number, failing: Readonly<Record<string, ErrorCategory>>): Promise<void> {
    const summary = JSON.stringify({ failing });
    if (this.batch === undefined && (this.healing.waiting || this.patterns.waiting)) {
      this.batches += 1;
      this.batch = {
        id: `${this.instanceId}:${this.batches}`,
        healing: this.healing.take(),
        patterns: this.patterns.take(),
      };
    }
    const batch = this.batch;
    const reply = await this.link.script<unknown>(
      FLUSH,
      [
        this.keys.instances,
        this.keys.generations,
        this.keys.cooldowns,
        this.keys.healing,
        this.keys.batch(batch?.id ?? '-'),
        ...(batch?.patterns ?? []).map((p) => this.keys.patterns(p.patternType)),
      ],
      [
        String(Math.floor(now)),
        this.instanceId,
        summary,
        String(this.config.instanceTtlMs),
        this.keys.channel,
        batch?.healing === undefined ? '' : JSON.stringify(batch.healing),
        String(this.config.factsTtlMs),
        String(this.host.patternsPerTypeLimit),
        ...(batch?.patterns ?? []).map((p) => JSON.stringify(p)),
      ],
    );
    // Not answered: the batch is retried (same id), and messages may have been missed meanwhile.
    if (!this.fleetRead(now, reply)) return;
    this.batch = undefined;
    this.publishedFailing = failing;
    this.lastFlush = now;
    if (this.needResync) await this.readAll();
  }

  /** The background refresh: the fleet's state read (one read-only script), nothing written. */
  private async refresh(now: number): Promise<void> {
    this.refreshes += 1;
    const reply = await this.link.script<unknown>(
      READ_FLEET,
      [this.keys.cooldowns, this.keys.instances, this.keys.generations],
      [String(Math.floor(now))],
    );
    if (this.fleetRead(now, reply) && this.needResync) await this.readAll();
  }

  /**
   * Takes in the fleet's state as a flush or a refresh answered it — `[cool-downs, instances hash,
   * generation]`; false (a full read due) when Redis did not answer.
   */
  private fleetRead(now: number, reply: unknown): boolean {
    if (!Array.isArray(reply) || reply.length !== 3) {
      this.needResync = true;
      return false;
    }
    const [cooldowns, live, generation] = reply as [string[], string[], string];
    this.lastRead = now;
    this.cooldowns.synced(cooldowns);
    for (const s of parseInstanceSummaries(live)) this.fleet.seen(s.instanceId, s.at, s.failing);
    // The previous read's generation must have arrived by pub/sub by now; if not, one was missed.
    if (this.generation < this.answeredGeneration) this.needResync = true;
    this.answeredGeneration = Number(generation);
    return true;
  }

  /** Reads every fact, healing count and pattern (on connection, and when a message was missed). */
  private async readAll(): Promise<void> {
    this.needResync = false;
    const reply = await this.link.script<unknown[]>(
      READ_ALL,
      [this.keys.generations, this.keys.facts, this.keys.healing, ...TYPES.map((t) => this.keys.patterns(t))],
      [],
    );
    if (!Array.isArray(reply) || reply.length !== 3 + TYPES.length) {
      this.needResync = true;
      return;
    }
    const [generation, facts, healing, ...lists] = reply;
    this.generation = Math.max(this.generation, Number(generation));
    this.answeredGeneration = Math.min(this.answeredGeneration, this.generation);
    this.facts.stored(pairsOf(facts));
    this.healing.merge(pairsOf(healing));
    // Oldest first, so the newest stays newest in local memory.
    for (const list of lists) if (Array.isArray(list)) this.patterns.received(list.map(String).reverse());
  }

  /** The voices failing here now, with a category other instances could see too. */
  private failingVoices(now: number): Record<string, ErrorCategory> {
    const failing: Record<string, ErrorCategory> = {};
    for (const voice of this.host.voices()) {
      const category = voice.lastFailureCategory;
      if (
        voice.health.consecutiveFailures > 0 &&
        isSharedFailure(category, voice.lastFailureCode) &&
        now - voice.lastActivity <= this.host.failingWindowMs
      ) {
        failing[voice.name] = category;
      }
    }
    return failing;
  }

  /** A published write's generation: a gap means a message was missed (a full read follows). */
  private noteGeneration(generation: number | undefined): void {
    if (generation === undefined) return;
    if (this.generation >= 0 && generation > this.generation + 1) this.needResync = true;
    this.generation = Math.max(this.generation, generation);
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
    } else if (message.kind === 'fact') {
      const fact = FactMessageSchema.safeParse(message);
      if (!fact.success) return;
      this.noteGeneration(fact.data.gen);
      this.facts.received(fact.data);
    } else if (message.kind === 'batch' || message.kind === 'bye') {
      const parsed = SummaryMessageSchema.safeParse(message);
      if (!parsed.success) return;
      const m = parsed.data;
      this.noteGeneration(m.gen);
      if (m.kind === 'bye') return this.fleet.gone(m.from);
      if (m.healing !== undefined) this.healing.merge(Object.entries(m.healing));
      if (m.from === this.instanceId) return;
      if (m.summary !== undefined) this.fleet.seen(m.from, Number(m.at), m.summary.failing);
      if (m.patterns !== undefined) this.patterns.received(m.patterns);
    }
  }
}

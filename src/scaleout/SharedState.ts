import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock/Clock.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import { LuaScript } from './LuaScript.js';
import { RedisLink } from './RedisLink.js';
import {
  SharedCooldowns,
  type CooldownMessage,
  type CooldownReason,
  type CooldownTarget,
} from './SharedCooldowns.js';
import { SharedKeys } from './SharedKeys.js';
import { SharedStateHealth } from './SharedStateHealth.js';
import type { SharedStateConfig } from './SharedStateOptions.js';

/** What the shared state needs from the brain it serves. */
export interface SharedStateHost {
  readonly clock: Clock;
  readonly logger: ConsciousnessLogger;
  readonly registry: Registry;
  readonly metricsPrefix: string;
  /** The voice of that name if this instance has one (never creates one). */
  voiceNamed(name: string): CooldownTarget | undefined;
}

/**
 * One round-trip per sync interval: drops expired cool-downs and returns the live ones.
 * KEYS: cool-downs. ARGV: now.
 */
const SYNC = new LuaScript(
  'sync',
  `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')`,
);

const defaultInstanceId = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/**
 * Provider state shared by the instances of one application through Redis (docs/scale-out.md):
 * cool-downs now, and what the other parts of this folder add. Nothing here is on a caller's path:
 * reads are plain memory, refreshed by pub/sub and by one sync round-trip per `syncIntervalMs`;
 * writes are fire and forget. Redis down, slow or wrong leaves this instance working alone.
 */
export class SharedState {
  /** This instance's name in summaries and fleet patterns. */
  readonly instanceId: string;
  /** The validated options, defaults applied. */
  readonly config: SharedStateConfig;
  /** Cool-downs of every instance. */
  readonly cooldowns: SharedCooldowns;
  private readonly link: RedisLink;
  private readonly keys: SharedKeys;
  private readonly timer: NodeJS.Timeout;
  private syncing = false;
  /** Sync rounds completed with an answer from Redis. */
  syncs = 0;

  constructor(
    config: SharedStateConfig,
    private readonly host: SharedStateHost,
  ) {
    this.config = config;
    this.instanceId = config.instanceId ?? defaultInstanceId();
    this.keys = new SharedKeys(config.namespace);
    this.link = new RedisLink({
      redis: config.redis,
      commandTimeoutMs: config.commandTimeoutMs,
      logger: host.logger,
      health: new SharedStateHealth(host.registry, host.metricsPrefix),
    });
    this.cooldowns = new SharedCooldowns(this.link, this.keys, this.instanceId, host.clock, (name) =>
      host.voiceNamed(name),
    );
    this.link.subscribe(this.keys.channel, (message) => this.received(message));
    this.timer = setInterval(() => void this.sync(), config.syncIntervalMs);
    this.timer.unref();
    void this.link.opened.then(() => this.sync());
  }

  /** Whether Redis answered the last command. */
  get up(): boolean {
    return this.link.up;
  }

  /** Redis commands sent so far (the benchmark divides them by caller calls). */
  get commandsSent(): number {
    return this.link.commandsSent;
  }

  /** Shares a cool-down this instance observed (fire and forget). */
  coolDown(voice: string, until: number, reason: CooldownReason, model?: string): void {
    this.cooldowns.publish(voice, until, reason, model);
  }

  /** A voice this instance just created picks up the cool-downs already known for it. */
  voiceCreated(name: string, voice: CooldownTarget): void {
    this.cooldowns.voiceCreated(name, voice);
  }

  /** One sync round now (the timer runs them every `syncIntervalMs`); never rejects. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const reply = await this.link.script<string[]>(
        SYNC,
        [this.keys.cooldowns],
        [String(Math.floor(this.host.clock()))],
      );
      if (reply === undefined) return;
      this.cooldowns.synced(reply);
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

  private received(text: string): void {
    let message: { kind?: unknown };
    try {
      message = JSON.parse(text) as { kind?: unknown };
    } catch {
      return;
    }
    if (message.kind === 'cooldown') this.cooldowns.received(message as CooldownMessage);
  }
}

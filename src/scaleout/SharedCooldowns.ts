import { z } from 'zod';
import type { Clock } from '../clock/Clock.js';
import { LuaScript } from './LuaScript.js';
import type { RedisLink } from './RedisLink.js';
import { SharedKeys } from './SharedKeys.js';

/** Why a voice cools down: the provider's rate limit (429) or a rejected key (401/403). */
export type CooldownReason = 'rate_limited' | 'auth';

/** What receives cool-downs learned from other instances (the Voice). */
export interface CooldownTarget {
  /** Extends the voice's (or model's) cool-down to `until`; never shortens it. */
  extendCooldown(until: number, model?: string): void;
}

/** A cool-down as published on the channel. */
export const CooldownMessageSchema = z.object({
  kind: z.literal('cooldown'),
  voice: z.string(),
  model: z.string().optional(),
  until: z.number(),
  reason: z.enum(['rate_limited', 'auth']),
  from: z.string(),
  /** Epoch ms of the sender's clock when it observed the cool-down (how fast it travelled). */
  sentAt: z.number().optional(),
});

/** A cool-down as published on the channel. */
export type CooldownMessage = z.infer<typeof CooldownMessageSchema>;

/**
 * Extend-only by construction: `ZADD GT` keeps the later deadline, so a second 429 with a shorter
 * Retry-After can never shorten the first's. The set's TTL follows its latest deadline. Publishes
 * only when the deadline moved.
 */
const EXTEND_COOLDOWN = new LuaScript(
  'extend cool-down',
  `local changed = redis.call('ZADD', KEYS[1], 'GT', 'CH', ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
if changed == 1 then redis.call('PUBLISH', ARGV[3], ARGV[5]) end
return changed`,
);

/** A local cool-down is only published when it extends the known one by more than this (or 10 %). */
const MIN_EXTENSION_MS = 100;

/** Longest extra wait of an instance resuming after another instance's cool-down. */
const MAX_STAGGER_MS = 2_000;

/** Most cool-downs remembered (voices × models); expired ones are dropped first. */
const MAX_KNOWN = 4_096;

/**
 * Cool-downs shared across instances: a local cool-down is written to Redis at once (extend-only,
 * fire and forget) and published; cool-downs from other instances arrive by pub/sub as soon as
 * they are written, and by the heartbeat's read of the set (messages missed during a
 * disconnection, a new instance), and are pushed into the voices, whose hot path reads a plain
 * number. A write is skipped when a known deadline already covers it, so a storm of 429s on many
 * instances costs one write per deadline, not one per 429; a write Redis did not answer is retried
 * while the cool-down is still in force.
 */
export class SharedCooldowns {
  /** Deadline per member (this instance's and others'), as far as this instance knows. */
  private readonly known = new Map<string, number>();
  /** Cool-downs whose write was not answered (Redis down), retried while in force. */
  private readonly pending = new Map<string, CooldownMessage>();

  constructor(
    private readonly link: RedisLink,
    private readonly keys: SharedKeys,
    private readonly instanceId: string,
    private readonly clock: Clock,
    private readonly voiceNamed: (name: string) => CooldownTarget | undefined,
    private readonly random: () => number,
  ) {}

  /** Shares a cool-down this instance observed. */
  publish(voice: string, until: number, reason: CooldownReason, model?: string): void {
    const deadline = Math.ceil(until);
    const member = SharedKeys.cooldownMember(voice, model);
    // A deadline already announced that ends at most a little earlier covers it: a burst of 429s
    // each a few ms later than the last is one write, not one per 429.
    const slack = Math.max(MIN_EXTENSION_MS, (deadline - this.clock()) * 0.1);
    if ((this.known.get(member) ?? 0) >= deadline - slack) return;
    this.remember(member, deadline);
    const message: CooldownMessage = {
      kind: 'cooldown',
      voice,
      model,
      until: deadline,
      reason,
      from: this.instanceId,
      sentAt: Math.floor(this.clock()),
    };
    void this.write(member, message);
  }

  /** Whether cool-down writes wait for Redis. */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /** Retries the cool-downs whose write was not answered, while they are still in force. */
  async retry(): Promise<void> {
    const now = this.clock();
    for (const [member, message] of [...this.pending]) {
      this.pending.delete(member);
      if (message.until > now && !(await this.write(member, message))) return;
    }
  }

  /** Writes (extend-only) and publishes one cool-down; false (kept for a retry) when Redis did not answer. */
  private async write(member: string, message: CooldownMessage): Promise<boolean> {
    const ttlMs = Math.ceil(Math.max(1_000, message.until - this.clock() + 1_000));
    const reply = await this.link.script(
      EXTEND_COOLDOWN,
      [this.keys.cooldowns],
      [String(message.until), member, this.keys.channel, String(ttlMs), JSON.stringify(message)],
    );
    if (reply !== undefined) return true;
    if ((this.pending.get(member)?.until ?? 0) < message.until) this.pending.set(member, message);
    return false;
  }

  /** How long the last cool-downs from other instances took to arrive (ms, by the two clocks; at most 256). */
  readonly arrivalLagsMs: number[] = [];

  /** A cool-down announced by another instance. */
  received(message: CooldownMessage): void {
    if (message.from === this.instanceId) return;
    if (message.sentAt !== undefined) {
      this.arrivalLagsMs.push(this.clock() - message.sentAt);
      if (this.arrivalLagsMs.length > 256) this.arrivalLagsMs.shift();
    }
    this.apply(SharedKeys.cooldownMember(message.voice, message.model), message.until);
  }

  /** The cool-down set as read by the sync: `[member, score, member, score, …]`. */
  synced(flat: readonly string[]): void {
    for (let i = 0; i + 1 < flat.length; i += 2) this.apply(flat[i]!, Number(flat[i + 1]));
  }

  /** A voice created after cool-downs for it arrived gets them now. */
  voiceCreated(name: string, target: CooldownTarget): void {
    const now = this.clock();
    for (const [member, until] of this.known) {
      if (until <= now) continue;
      const { voice, model } = SharedKeys.parseCooldownMember(member);
      if (voice === name) target.extendCooldown(until, model);
    }
  }

  private apply(member: string, until: number): void {
    if (!Number.isFinite(until) || (this.known.get(member) ?? 0) >= until || until <= this.clock()) return;
    this.remember(member, until);
    const { voice, model } = SharedKeys.parseCooldownMember(member);
    // Followers resume after the instance that set the deadline, each at a random point of the
    // next quarter to whole of the time left (at most 2 s later): that one probes the provider
    // first, and a new 429 reaches the others before they send; when the provider answers, the
    // fleet comes back one instance after another instead of all at once.
    const left = until - this.clock();
    const stagger = Math.min(MAX_STAGGER_MS, left * (0.25 + 0.75 * this.random()));
    this.voiceNamed(voice)?.extendCooldown(until + stagger, model);
  }

  private remember(member: string, until: number): void {
    this.known.set(member, until);
    if (this.known.size <= MAX_KNOWN) return;
    const now = this.clock();
    for (const [m, u] of this.known) if (u <= now) this.known.delete(m);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
  }
}

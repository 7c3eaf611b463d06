import { z } from 'zod';
import type { Clock } from '../clock/Clock.js';
import { LuaScript } from './LuaScript.js';
import type { RedisLink } from './RedisLink.js';
import type { SharedKeys } from './SharedKeys.js';

/** A fact as published on the channel (`gen`: the shared generation its write created). */
export const FactMessageSchema = z.object({
  kind: z.literal('fact'),
  field: z.string(),
  version: z.number(),
  value: z.string(),
  from: z.string(),
  gen: z.number().optional(),
});

/** A fact as published on the channel. */
export type FactMessage = z.infer<typeof FactMessageSchema>;

/**
 * Versioned write: the fact is stored only when its version is newer than the stored one, so an
 * older fact (from a slow instance, a replayed write) never overwrites a newer one. A stored fact
 * bumps the generation and is published with it.
 */
const SET_FACT = new LuaScript(
  'set fact',
  `local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local version = tonumber(string.match(current, '^(%d+)|'))
  if version and version >= tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local gen = redis.call('HINCRBY', KEYS[2], 'gen', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], string.sub(ARGV[6], 1, -2) .. ',"gen":' .. gen .. '}')
return 1`,
);

/** Where facts learned from other instances go. */
export interface FactSink {
  /** Another instance learned that `method` of voice `adapter` is served by `alias`. */
  aliasLearned(adapter: string, method: string, alias: string): void;
  /** Another instance found that voice `adapter` answers with a new response shape (an API change). */
  shapeLearned(adapter: string, shape: string): void;
}

/** The kinds of fact and their fields: `alias|<voice>|<method>`, `shape|<voice>`. */
const aliasField = (adapter: string, method: string): string =>
  `alias|${encodeURIComponent(adapter)}|${encodeURIComponent(method)}`;
const shapeField = (adapter: string): string => `shape|${encodeURIComponent(adapter)}`;

/** Most facts waiting for Redis to come back (the oldest are dropped beyond it). */
const MAX_PENDING = 1_024;

/**
 * Facts learned about providers, shared versioned: method aliases (`alias|<voice>|<method>` →
 * alias) and API-change signatures (`shape|<voice>` → the response shape the provider changed to).
 * A fact learned here is written at once (version = the time it was learned) and published; facts
 * from others arrive by pub/sub, and by a full read when this instance (re)connects. A write that
 * fails (Redis down) is retried until it is answered, so what was learned during an outage reaches
 * the fleet afterwards (an older version than the stored one is refused by the script).
 */
export class SharedFacts {
  private readonly versions = new Map<string, number>();
  /** Facts whose write was not answered: field → version and value. */
  private readonly pending = new Map<string, { version: number; value: string }>();

  constructor(
    private readonly link: RedisLink,
    private readonly keys: SharedKeys,
    private readonly instanceId: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly sink: FactSink,
  ) {}

  /** Shares an alias this instance learned. */
  publishAlias(adapter: string, method: string, alias: string): void {
    this.publish(aliasField(adapter, method), alias);
  }

  /** Shares an API change this instance found: the voice now answers with `shape`. */
  publishShape(adapter: string, shape: string): void {
    this.publish(shapeField(adapter), shape);
  }

  /** Whether writes wait for Redis. */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /** Retries the writes that were not answered (one command each; rare). */
  async retry(): Promise<void> {
    for (const [field, { version, value }] of [...this.pending]) {
      this.pending.delete(field);
      if (!(await this.write(field, version, value))) return;
    }
  }

  /** A fact published by another instance. */
  received(message: FactMessage): void {
    if (message.from !== this.instanceId) this.apply(message.field, message.version, message.value);
  }

  /** Every stored fact (`field`, `<version>|<value>`), from a full read. */
  stored(pairs: Iterable<readonly [string, string]>): void {
    for (const [field, value] of pairs) {
      const bar = value.indexOf('|');
      this.apply(field, Number(value.slice(0, bar)), value.slice(bar + 1));
    }
  }

  private publish(field: string, value: string): void {
    const version = Math.floor(this.clock());
    if ((this.versions.get(field) ?? -1) >= version) return;
    this.versions.set(field, version);
    void this.write(field, version, value);
  }

  /** Writes one fact; false (and kept for a retry) when Redis did not answer. */
  private async write(field: string, version: number, value: string): Promise<boolean> {
    const message: FactMessage = { kind: 'fact', field, version, value, from: this.instanceId };
    const reply = await this.link.script(
      SET_FACT,
      [this.keys.facts, this.keys.generations],
      [field, String(version), value, String(this.ttlMs), this.keys.channel, JSON.stringify(message)],
    );
    if (reply !== undefined) return true;
    const newer = this.pending.get(field);
    if ((newer === undefined || newer.version < version) && this.pending.size < MAX_PENDING)
      this.pending.set(field, { version, value });
    return false;
  }

  private apply(field: string, version: number, value: string): void {
    if (!Number.isFinite(version) || (this.versions.get(field) ?? -1) >= version) return;
    const [kind, adapter, method] = field.split('|');
    if (adapter === undefined) return;
    if (kind === 'alias' && method !== undefined) {
      this.versions.set(field, version);
      this.sink.aliasLearned(decodeURIComponent(adapter), decodeURIComponent(method), value);
    } else if (kind === 'shape' && method === undefined) {
      this.versions.set(field, version);
      this.sink.shapeLearned(decodeURIComponent(adapter), value);
    }
  }
}

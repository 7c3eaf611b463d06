import { z } from 'zod';
import type { Clock } from '../clock/Clock.js';
import { LuaScript } from './LuaScript.js';
import type { RedisLink } from './RedisLink.js';
import type { SharedKeys } from './SharedKeys.js';
import { RefetchGate } from './RefetchGate.js';

/** A fact as published on the channel. */
export const FactMessageSchema = z.object({
  kind: z.literal('fact'),
  field: z.string(),
  version: z.number(),
  value: z.string(),
  from: z.string(),
});

/** A fact as published on the channel. */
export type FactMessage = z.infer<typeof FactMessageSchema>;

/**
 * Versioned write: the fact is stored only when its version is newer than the stored one, so an
 * older fact (from a slow instance, a replayed message) never overwrites a newer one.
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
redis.call('HINCRBY', KEYS[2], 'facts', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1`,
);

/** Where facts learned from other instances go. */
export interface FactSink {
  /** Another instance learned that `method` of voice `adapter` is served by `alias`. */
  aliasLearned(adapter: string, method: string, alias: string): void;
}

const aliasField = (adapter: string, method: string): string =>
  `alias|${encodeURIComponent(adapter)}|${encodeURIComponent(method)}`;

/**
 * Facts learned about providers, shared versioned: method aliases (`alias|<voice>|<method>` →
 * alias). A fact learned here is written (version = the time it was learned) and published; facts
 * from others arrive by pub/sub, and by a full read whenever the facts generation moved (a missed
 * message, a reconnection, a new instance).
 */
export class SharedFacts {
  private readonly versions = new Map<string, number>();
  private readonly gate: RefetchGate;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: SharedKeys,
    private readonly instanceId: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly sink: FactSink,
    refetchMs: number,
  ) {
    this.gate = new RefetchGate(clock, refetchMs);
  }

  /** Shares an alias this instance learned. */
  publishAlias(adapter: string, method: string, alias: string): void {
    const field = aliasField(adapter, method);
    const version = Math.floor(this.clock());
    if ((this.versions.get(field) ?? -1) >= version) return;
    this.versions.set(field, version);
    const message: FactMessage = { kind: 'fact', field, version, value: alias, from: this.instanceId };
    void this.link.script(
      SET_FACT,
      [this.keys.facts, this.keys.generations],
      [field, String(version), alias, String(this.ttlMs), this.keys.channel, JSON.stringify(message)],
    );
  }

  /** A fact published by another instance. */
  received(message: FactMessage): void {
    if (message.from !== this.instanceId) this.apply(message.field, message.version, message.value);
  }

  /** The facts generation read by the sync: re-reads every fact when it moved. */
  async synced(generation: string): Promise<void> {
    if (!this.gate.due(generation)) return;
    const pairs = await this.link.pairs(['HGETALL', this.keys.facts]);
    if (pairs === undefined) return;
    this.gate.fetched(generation);
    for (const [field, value] of pairs) {
      const bar = value.indexOf('|');
      this.apply(field, Number(value.slice(0, bar)), value.slice(bar + 1));
    }
  }

  private apply(field: string, version: number, value: string): void {
    if (!Number.isFinite(version) || (this.versions.get(field) ?? -1) >= version) return;
    const [kind, adapter, method] = field.split('|');
    if (kind !== 'alias' || adapter === undefined || method === undefined) return;
    this.versions.set(field, version);
    this.sink.aliasLearned(decodeURIComponent(adapter), decodeURIComponent(method), value);
  }
}

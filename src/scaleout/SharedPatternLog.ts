import {
  InfrastructurePatternSchema,
  PatternTypeSchema,
  type InfrastructurePattern,
} from '../patterns/InfrastructurePattern.js';
import { LuaScript } from './LuaScript.js';
import type { RedisLink } from './RedisLink.js';
import type { SharedKeys } from './SharedKeys.js';
import { RefetchGate } from './RefetchGate.js';

/** Appends a pattern to its type's list, trimmed to the per-type cap, as the file store bounds it. */
const APPEND_PATTERN = new LuaScript(
  'append pattern',
  `redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], 'patterns', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`,
);

/** Reads every type's list at once. */
const READ_PATTERNS = new LuaScript(
  'read patterns',
  `local out = {}
for i = 1, #KEYS do out[i] = redis.call('LRANGE', KEYS[i], 0, -1) end
return out`,
);

const TYPES = PatternTypeSchema.options;

/**
 * Pattern memory shared by the instances: each detected (or resolved) pattern is appended to its
 * type's list, capped at `patternsPerTypeLimit` like pattern_memory.json; the lists are read back
 * whenever the patterns generation moved, and remembered locally (by id, so repeats update in
 * place), which is where `similarPastPatterns` looks.
 */
export class SharedPatternLog {
  private readonly gate: RefetchGate;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: SharedKeys,
    private readonly perTypeLimit: number,
    private readonly ttlMs: number,
    private readonly remember: (pattern: InfrastructurePattern) => void,
    clock: () => number,
    refetchMs: number,
  ) {
    this.gate = new RefetchGate(clock, refetchMs);
  }

  /** Appends a pattern this instance detected or resolved (fire and forget). */
  append(pattern: InfrastructurePattern): void {
    void this.link.script(
      APPEND_PATTERN,
      [this.keys.patterns(pattern.patternType), this.keys.generations],
      [JSON.stringify(pattern), String(this.perTypeLimit), String(this.ttlMs)],
    );
  }

  /** The patterns generation read by the sync: re-reads the lists when it moved. */
  async synced(generation: string): Promise<void> {
    if (!this.gate.due(generation)) return;
    const lists = await this.link.script<string[][]>(
      READ_PATTERNS,
      TYPES.map((t) => this.keys.patterns(t)),
      [],
    );
    if (lists === undefined) return;
    this.gate.fetched(generation);
    for (const list of lists) {
      // Oldest first, so the newest stays newest in local memory.
      for (let i = list.length - 1; i >= 0; i--) {
        try {
          const parsed = InfrastructurePatternSchema.safeParse(JSON.parse(list[i]!));
          if (parsed.success) this.remember(parsed.data);
        } catch {
          // Not JSON: written by something else; ignored.
        }
      }
    }
  }
}

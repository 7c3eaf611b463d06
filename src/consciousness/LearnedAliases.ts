import type { PatternMemory } from '../memory/PatternMemory.js';
import type { SharedState } from '../scaleout/SharedState.js';
import type { CapGuard } from './CapGuard.js';

/** Key of an adapter's method. */
const keyOf = (adapter: string, method: string): string => `${adapter}\u0000${method}`;

/**
 * Method aliases found on the call path (`sendMessage` served by `send_message`): learned in this
 * process (at most `max`, one warning beyond), remembered in pattern memory for later processes,
 * and shared with other instances when sharing is on. The one place an alias is looked up.
 */
export class LearnedAliases {
  private readonly aliases = new Map<string, string>();

  constructor(
    private readonly o: {
      readonly max: number;
      readonly caps: CapGuard;
      readonly memory: PatternMemory;
      readonly shared: () => SharedState | undefined;
    },
  ) {}

  /** Remembers that `method` of `adapter` is served by `alias`. */
  learn(adapter: string, method: string, alias: string): void {
    const key = keyOf(adapter, method);
    if (!this.aliases.has(key) && this.aliases.size >= this.o.max) {
      this.o.caps.exceeded('aliases', this.o.max, { adapter, method }, 'new aliases are not remembered');
      return;
    }
    this.aliases.set(key, alias);
    this.o.memory.learnAlias(adapter, method, alias); // a load still running merges, keeping it
    this.o.shared()?.learnAlias(adapter, method, alias);
  }

  /** The alias learned for `method` of `adapter` (in this process or a previous one), if any. */
  lookup(adapter: string, method: string): string | undefined {
    return this.aliases.get(keyOf(adapter, method)) ?? this.o.memory.learnedAlias(adapter, method);
  }
}

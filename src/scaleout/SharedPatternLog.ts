import {
  InfrastructurePatternSchema,
  type InfrastructurePattern,
} from '../patterns/InfrastructurePattern.js';

/** Most patterns waiting for the next batch (the oldest are dropped beyond it). */
const MAX_PENDING = 256;

/**
 * Pattern memory shared by the instances: each pattern this instance detects is sent with the next
 * batch, appended to its type's list (capped at `patternsPerTypeLimit`, like pattern_memory.json)
 * and published; every instance remembers what it receives (by id, so repeats update in place),
 * which is where `similarPastPatterns` looks. The lists are read in full when an instance
 * (re)connects.
 */
export class SharedPatternLog {
  private pending: InfrastructurePattern[] = [];

  constructor(private readonly remember: (pattern: InfrastructurePattern) => void) {}

  /** Queues a pattern this instance detected for the next batch. */
  append(pattern: InfrastructurePattern): void {
    this.pending.push(pattern);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  /** Whether patterns wait to be sent. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  /** Takes the patterns to send; they are no longer pending. */
  take(): InfrastructurePattern[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  /** Patterns as stored or published (JSON texts), oldest first; malformed ones are ignored. */
  received(texts: Iterable<string>): void {
    for (const text of texts) {
      try {
        const parsed = InfrastructurePatternSchema.safeParse(JSON.parse(text));
        if (parsed.success) this.remember(parsed.data);
      } catch {
        // Not JSON: written by something else; ignored.
      }
    }
  }
}

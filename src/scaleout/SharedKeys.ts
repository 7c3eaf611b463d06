/**
 * Key and channel names of one namespace. Voice and model names are URI-encoded so a `:` in a
 * name can never make two keys collide. Every key carries a TTL (docs/scale-out.md lists them).
 */
export class SharedKeys {
  /** Hash instance id → `<epoch ms>|<summary JSON>` of live instances. */
  readonly instances: string;
  /** Hash with `gen`, bumped by every published write of facts, healing counts and patterns: a gap means a missed message. */
  readonly generations: string;
  /** Hash `<kind>|<subject>` → `<version>|<value>` of versioned facts (learned aliases). */
  readonly facts: string;
  /** Hash `<pattern>|<category>|<action>|s` / `…|f` → fleet-wide success / failure counts. */
  readonly healing: string;
  /** Sorted set of cool-downs: member `<voice>` or `<voice>:<model>`, score = deadline (epoch ms). */
  readonly cooldowns: string;
  /** Pub/sub channel of cool-downs, facts, batches (summaries, healing counts, patterns) and byes. */
  readonly channel: string;

  constructor(readonly namespace: string) {
    this.instances = `${namespace}:instances`;
    this.generations = `${namespace}:generations`;
    this.facts = `${namespace}:facts`;
    this.healing = `${namespace}:healing`;
    this.cooldowns = `${namespace}:cooldowns`;
    this.channel = `${namespace}:events`;
  }

  /** Member of {@link SharedKeys.cooldowns} for a voice, or one of its models. */
  static cooldownMember(voice: string, model?: string): string {
    const base = encodeURIComponent(voice);
    return model === undefined ? base : `${base}:${encodeURIComponent(model)}`;
  }

  /** The voice and model a cool-down member names. */
  static parseCooldownMember(member: string): { voice: string; model: string | undefined } {
    const [voice = '', model] = member.split(':');
    return {
      voice: decodeURIComponent(voice),
      model: model === undefined ? undefined : decodeURIComponent(model),
    };
  }

  /** Marker of a batch already applied (so a batch retried after a timeout is not counted twice); 10 min TTL. */
  batch(id: string): string {
    return `${this.namespace}:batch:${id}`;
  }

  /** List of remembered patterns of one type, newest first, trimmed to the per-type cap. */
  patterns(patternType: string): string {
    return `${this.namespace}:patterns:${patternType}`;
  }
}

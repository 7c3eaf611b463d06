import type { HealingMemory, HealingOutcomeCounts } from '../healing/HealingMemory.js';
import type { z } from 'zod';
import type { Clock } from '../clock/Clock.js';
import {
  HealingActionTypeSchema,
  SelfHealingActionSchema,
  type SelfHealingAction,
} from '../healing/SelfHealingAction.js';
import { type HealingActionType } from '../vocabulary/HealingActionType.js';
import {
  InfrastructurePatternSchema,
  type InfrastructurePattern,
} from '../patterns/InfrastructurePattern.js';
import { type PatternType } from '../vocabulary/PatternType.js';
import { healingStatKey, isHealingCategory, parseHealingStatKey } from './healingStatKey.js';
import {
  PATTERN_MEMORY_FILE,
  PATTERN_MEMORY_VERSION,
  PatternMemoryDocumentSchema,
  type HealingStat,
  type PatternMemoryDocument,
} from './PatternMemorySchema.js';
import { isSafeAlias } from './isSafeAlias.js';
import { positiveOption } from '../base/positiveOption.js';
import type { Store } from './Store.js';

/** Default bound on remembered patterns in total (reference config `max_pattern_memory_size`). */
export const DEFAULT_MAX_PATTERN_MEMORY_SIZE = 10_000;
/** Default bound on remembered patterns per pattern type (reference config `patterns_per_type_limit`). */
export const DEFAULT_PATTERNS_PER_TYPE_LIMIT = 100;
/** Default bound on remembered healing actions. */
export const DEFAULT_MAX_HEALING_HISTORY = 1000;
/** Default bound on learned method aliases (all adapters together). */
export const DEFAULT_MAX_LEARNED_ALIASES = 1000;
/** Most ids {@link PatternMemory.similarPastPatterns} returns. */
export const MAX_SIMILAR_PAST_PATTERNS = 5;

/** Options of a {@link PatternMemory}, validated once at construction. */
export interface PatternMemoryOptions {
  /** Where pattern_memory.json is kept. */
  readonly store: Store;
  /** Epoch milliseconds, for `savedAt`. Default `Date.now`. */
  readonly clock?: Clock;
  /** Remembered patterns in total; the oldest is dropped beyond it. Default 10000. */
  readonly maxPatternMemorySize?: number;
  /** Remembered patterns per type; the oldest of the type is dropped beyond it. Default 100. */
  readonly patternsPerTypeLimit?: number;
  /** Remembered healing actions; the oldest is dropped beyond it. Default 1000. */
  readonly maxHealingHistory?: number;
  /** Learned method aliases, all adapters together; new ones are refused beyond it (a loaded file is cut to it). Default 1000. */
  readonly maxLearnedAliases?: number;
}

/** A healing action that has resolved patterns before, with its record. */
export interface ResolutionRecord {
  readonly actionType: HealingActionType;
  readonly successes: number;
  readonly failures: number;
  /** successes / (successes + failures). */
  readonly successRate: number;
}

/** What {@link PatternMemory.load} found: valid memory, nothing, or a file it had to set aside. */
export type PatternMemoryLoadOutcome = 'loaded' | 'fresh' | 'quarantined';

/** A pattern as detectors may hand it over (schema defaults not yet applied). */
export type PatternInput = z.input<typeof InfrastructurePatternSchema>;
/** A healing action as the healer may hand it over (schema defaults not yet applied). */
export type HealingInput = z.input<typeof SelfHealingActionSchema>;

const ACTION_TYPES = HealingActionTypeSchema.options;

/** Beta(1,1) posterior mean: ranks a long good record above a single lucky success. */
const posteriorMean = (r: HealingOutcomeCounts): number => (r.successes + 1) / (r.successes + r.failures + 2);

/** Why a stored document was rejected, in one line (a full report of a 10000-entry file would flood the log). */
function rejectionReason(raw: unknown, error: z.ZodError): string {
  const version =
    typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && version !== PATTERN_MEMORY_VERSION) {
    return `unsupported pattern memory version ${version} (this code reads ${PATTERN_MEMORY_VERSION})`;
  }
  const first = error.issues[0];
  const where = first === undefined || first.path.length === 0 ? '(root)' : first.path.join('.');
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more issues)` : '';
  return `not a pattern memory document: ${where}: ${first?.message ?? 'invalid'}${more}`;
}

/**
 * What the system has learned (docs/architecture.md, Patterns, prediction, healing; Persistence): healing outcome statistics per (pattern type,
 * category, action), learned method aliases, bounded pattern and healing histories and the
 * predictor's weights. Lives in memory; {@link PatternMemory.load} and {@link PatternMemory.save}
 * move it through the store as pattern_memory.json.
 */
export class PatternMemory implements HealingMemory {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly maxPatterns: number;
  private readonly perTypeLimit: number;
  private readonly maxHealings: number;
  private readonly maxAliases: number;
  private aliasCount = 0;
  private stats = new Map<string, HealingStat>();
  private aliases = new Map<string, Map<string, string>>();
  /** Oldest first. */
  private patternList: InfrastructurePattern[] = [];
  private patternIds = new Set<string>();
  private perTypeCount = new Map<PatternType, number>();
  /** Oldest first. */
  private healingList: SelfHealingAction[] = [];
  private weights: unknown = undefined;
  /** Outcome counts as last merged with the store: what this process learned since is the difference. */
  private synced = new Map<string, HealingOutcomeCounts>();
  /** Told of every outcome counted here (shared state adds it to the fleet-wide counts). */
  onHealingOutcome: ((key: string, success: boolean) => void) | undefined = undefined;
  /** Aliases (`adapter\0method`) learned since the last merge with the store: they win over stored ones. */
  private aliasesLearned = new Set<string>();

  /** Creates an empty memory; call {@link PatternMemory.load} to pick up what a previous run saved. */
  constructor(options: PatternMemoryOptions) {
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.maxPatterns = positiveOption(
      'maxPatternMemorySize',
      options.maxPatternMemorySize,
      DEFAULT_MAX_PATTERN_MEMORY_SIZE,
      true,
    );
    this.perTypeLimit = positiveOption(
      'patternsPerTypeLimit',
      options.patternsPerTypeLimit,
      DEFAULT_PATTERNS_PER_TYPE_LIMIT,
      true,
    );
    this.maxHealings = positiveOption(
      'maxHealingHistory',
      options.maxHealingHistory,
      DEFAULT_MAX_HEALING_HISTORY,
      true,
    );
    this.maxAliases = positiveOption(
      'maxLearnedAliases',
      options.maxLearnedAliases,
      DEFAULT_MAX_LEARNED_ALIASES,
      true,
    );
  }

  /** False when what is learned will not survive a restart (memory-only store). */
  get persistent(): boolean {
    return this.store.persistent;
  }

  /**
   * Merges pattern_memory.json into memory: what was learned before the load finished is kept
   * (counts add up, newer aliases win, histories are united). A file that fails validation (corrupt,
   * foreign or of another version) is quarantined through the store, which warns; this never
   * rejects on bad data.
   */
  async load(): Promise<PatternMemoryLoadOutcome> {
    const raw = await this.store.readJson(PATTERN_MEMORY_FILE);
    if (raw === undefined) return 'fresh';
    const parsed = PatternMemoryDocumentSchema.safeParse(raw);
    if (!parsed.success) {
      await this.store.quarantine(PATTERN_MEMORY_FILE, rejectionReason(raw, parsed.error));
      return 'quarantined';
    }
    this.absorb(parsed.data);
    return 'loaded';
  }

  /**
   * Writes pattern_memory.json through the store's read-merge-write: what another process saved
   * meanwhile is merged in first (and into memory), so processes sharing a directory lose nothing.
   */
  save(): Promise<void> {
    return this.store.update(PATTERN_MEMORY_FILE, (current) => {
      const parsed = PatternMemoryDocumentSchema.safeParse(current);
      // A stored document that is not valid pattern memory is replaced (a load quarantines it).
      if (parsed.success) this.absorb(parsed.data);
      this.markSynced(); // what is written now is what the store holds
      return this.toDocument();
    });
  }

  /** Forgets everything in memory; the stored file is left as it is until the next save. */
  clear(): void {
    this.stats = new Map();
    this.aliases = new Map();
    this.aliasCount = 0;
    this.patternList = [];
    this.patternIds = new Set();
    this.perTypeCount = new Map();
    this.healingList = [];
    this.weights = undefined;
    this.synced = new Map();
    this.aliasesLearned = new Set();
  }

  /** The current state as the pattern_memory.json document, stamped with the clock's time. */
  toDocument(): PatternMemoryDocument {
    const learnedAliases: Record<string, Record<string, string>> = {};
    for (const [adapter, methods] of this.aliases) learnedAliases[adapter] = Object.fromEntries(methods);
    return {
      version: PATTERN_MEMORY_VERSION,
      savedAt: new Date(this.clock()).toISOString(),
      healingStats: Object.fromEntries([...this.stats].map(([key, stat]) => [key, { ...stat }])),
      learnedAliases,
      patternHistory: [...this.patternList],
      healingHistory: [...this.healingList],
      predictorWeights: this.weights,
    };
  }

  /** Counts one measured outcome of `actionType` against a (pattern type, category) context; `at` is epoch ms. */
  recordHealingOutcome(
    patternType: PatternType,
    category: string,
    actionType: HealingActionType,
    success: boolean,
    at: number,
  ): void {
    if (!isHealingCategory(category)) {
      throw new RangeError(
        `healing category must be non-empty and free of '|', got ${JSON.stringify(category)}`,
      );
    }
    const key = healingStatKey(patternType, category, actionType);
    const stat = this.stats.get(key) ?? { successes: 0, failures: 0, lastUsedAt: '' };
    this.stats.set(key, {
      successes: stat.successes + (success ? 1 : 0),
      failures: stat.failures + (success ? 0 : 1),
      lastUsedAt: new Date(at).toISOString(),
    });
    this.onHealingOutcome?.(key, success);
  }

  /**
   * Raises counts to the fleet-wide ones (shared state): a count below the fleet's is replaced by
   * it, one above (outcomes not yet shared, or from a file) is kept. What is raised counts as
   * stored, so a save does not add the other instances' outcomes to pattern_memory.json twice.
   */
  mergeFleetCounts(counts: ReadonlyMap<string, HealingOutcomeCounts>): void {
    for (const [key, fleet] of counts) {
      if (parseHealingStatKey(key) === undefined) continue;
      const mine = this.stats.get(key) ?? { successes: 0, failures: 0, lastUsedAt: '' };
      const addS = Math.max(0, fleet.successes - mine.successes);
      const addF = Math.max(0, fleet.failures - mine.failures);
      if (addS === 0 && addF === 0) continue;
      this.stats.set(key, { ...mine, successes: mine.successes + addS, failures: mine.failures + addF });
      const base = this.synced.get(key) ?? { successes: 0, failures: 0 };
      this.synced.set(key, { successes: base.successes + addS, failures: base.failures + addF });
    }
  }

  /** Outcome counts of every action type in a (pattern type, category) context; zero where never tried. */
  healingStats(patternType: PatternType, category: string): Record<HealingActionType, HealingOutcomeCounts> {
    const counts = {} as Record<HealingActionType, HealingOutcomeCounts>;
    for (const actionType of ACTION_TYPES) {
      const stat = this.stats.get(healingStatKey(patternType, category, actionType));
      counts[actionType] = { successes: stat?.successes ?? 0, failures: stat?.failures ?? 0 };
    }
    return counts;
  }

  /**
   * Actions that have succeeded for this pattern type (in `category`, or summed over all categories),
   * best first by the Beta(1,1) posterior mean of their success rate, then by trials, then by name.
   */
  successfulResolutions(patternType: PatternType, category?: string): ResolutionRecord[] {
    const totals = new Map<HealingActionType, { successes: number; failures: number }>();
    for (const [key, stat] of this.stats) {
      const parts = parseHealingStatKey(key);
      if (parts === undefined || parts.patternType !== patternType) continue;
      if (category !== undefined && parts.category !== category) continue;
      const total = totals.get(parts.actionType) ?? { successes: 0, failures: 0 };
      total.successes += stat.successes;
      total.failures += stat.failures;
      totals.set(parts.actionType, total);
    }
    const records: ResolutionRecord[] = [];
    for (const [actionType, { successes, failures }] of totals) {
      if (successes === 0) continue;
      records.push({ actionType, successes, failures, successRate: successes / (successes + failures) });
    }
    return records.sort(
      (a, b) =>
        posteriorMean(b) - posteriorMean(a) ||
        b.successes + b.failures - (a.successes + a.failures) ||
        a.actionType.localeCompare(b.actionType),
    );
  }

  /**
   * Remembers that `adapter` answers `method` under the name `alias`. Returns false (nothing
   * remembered) when the alias names an Object.prototype member, or when `maxLearnedAliases`
   * aliases are already held and this one is new.
   */
  learnAlias(adapter: string, method: string, alias: string): boolean {
    if (!isSafeAlias(alias)) return false;
    if (!this.setAlias(adapter, method, alias)) return false;
    this.aliasesLearned.add(`${adapter}\u0000${method}`);
    return true;
  }

  /** Sets an alias within the `maxLearnedAliases` bound; false when the bound refuses a new one. */
  private setAlias(adapter: string, method: string, alias: string): boolean {
    if (this.aliases.get(adapter)?.has(method) !== true) {
      if (this.aliasCount >= this.maxAliases) return false;
      this.aliasCount += 1;
    }
    let methods = this.aliases.get(adapter);
    if (methods === undefined) {
      methods = new Map();
      this.aliases.set(adapter, methods);
    }
    methods.set(method, alias);
    return true;
  }

  /** The alias learned for `method` on `adapter`, if any. */
  learnedAlias(adapter: string, method: string): string | undefined {
    const alias = this.aliases.get(adapter)?.get(method);
    return alias !== undefined && isSafeAlias(alias) ? alias : undefined;
  }

  /**
   * Remembers a pattern (a known `patternId` is updated in place), dropping the oldest of its type
   * beyond `patternsPerTypeLimit` and the oldest overall beyond `maxPatternMemorySize`. Returns false,
   * remembering nothing, when the pattern fails its schema: saved, it would make the whole file unloadable.
   */
  rememberPattern(pattern: PatternInput): boolean {
    const parsed = InfrastructurePatternSchema.safeParse(pattern);
    if (!parsed.success) return false;
    const p = parsed.data;
    if (this.patternIds.has(p.patternId)) {
      const at = this.patternList.findIndex((q) => q.patternId === p.patternId);
      const previous = this.patternList[at];
      if (previous !== undefined && previous.patternType === p.patternType) {
        this.patternList[at] = p;
        return true;
      }
      this.dropPatternAt(at);
    }
    this.patternList.push(p);
    this.patternIds.add(p.patternId);
    const ofType = (this.perTypeCount.get(p.patternType) ?? 0) + 1;
    this.perTypeCount.set(p.patternType, ofType);
    if (ofType > this.perTypeLimit) {
      this.dropPatternAt(this.patternList.findIndex((q) => q.patternType === p.patternType));
    }
    if (this.patternList.length > this.maxPatterns) this.dropPatternAt(0);
    return true;
  }

  /** Remembered patterns, oldest first. */
  get patterns(): readonly InfrastructurePattern[] {
    return this.patternList;
  }

  /** Ids of remembered patterns of `patternType` sharing an adapter with `adapters`, newest first, at most 5. */
  similarPastPatterns(
    patternType: PatternType,
    adapters: readonly string[],
    excludePatternId?: string,
  ): string[] {
    const wanted = new Set(adapters);
    const ids: string[] = [];
    for (let i = this.patternList.length - 1; i >= 0 && ids.length < MAX_SIMILAR_PAST_PATTERNS; i--) {
      const p = this.patternList[i];
      if (p === undefined || p.patternType !== patternType || p.patternId === excludePatternId) continue;
      if (p.affectedAdapters.some((a) => wanted.has(a))) ids.push(p.patternId);
    }
    return ids;
  }

  /**
   * Remembers a healing action (a known `actionId` is updated in place, e.g. once its outcome is
   * measured), dropping the oldest beyond `maxHealingHistory`. Returns false when it fails its schema.
   */
  rememberHealing(action: HealingInput): boolean {
    const parsed = SelfHealingActionSchema.safeParse(action);
    if (!parsed.success) return false;
    const a = parsed.data;
    const at = this.healingList.findIndex((h) => h.actionId === a.actionId);
    if (at >= 0) {
      this.healingList[at] = a;
      return true;
    }
    this.healingList.push(a);
    if (this.healingList.length > this.maxHealings) this.healingList.shift();
    return true;
  }

  /** Remembered healing actions, oldest first. */
  get healings(): readonly SelfHealingAction[] {
    return this.healingList;
  }

  /** The failure predictor's persisted model (opaque here; the predictor validates it), undefined when none. */
  get predictorWeights(): unknown {
    return this.weights;
  }

  /** Replaces the predictor's model to persist on the next save; it must be JSON-serializable. */
  set predictorWeights(weights: unknown) {
    this.weights = weights;
  }

  private dropPatternAt(index: number): void {
    const [dropped] = this.patternList.splice(index, 1);
    if (dropped === undefined) return;
    this.patternIds.delete(dropped.patternId);
    this.perTypeCount.set(dropped.patternType, (this.perTypeCount.get(dropped.patternType) ?? 1) - 1);
  }

  /**
   * Merges a stored document into memory: counts are the stored ones plus what this process
   * learned since it last merged; stored aliases apply except where this process learned a newer
   * one (aliases naming Object.prototype members are dropped); patterns and healing actions are
   * united by id (this process's version wins), oldest first, within this instance's bounds; the
   * predictor's weights are the stored ones only when this process has none.
   */
  private absorb(doc: PatternMemoryDocument): void {
    const stats = new Map<string, HealingStat>();
    for (const [key, stored] of Object.entries(doc.healingStats)) {
      const mine = this.stats.get(key);
      const base = this.synced.get(key);
      stats.set(key, {
        successes: stored.successes + Math.max(0, (mine?.successes ?? 0) - (base?.successes ?? 0)),
        failures: stored.failures + Math.max(0, (mine?.failures ?? 0) - (base?.failures ?? 0)),
        lastUsedAt:
          mine !== undefined && mine.lastUsedAt > stored.lastUsedAt ? mine.lastUsedAt : stored.lastUsedAt,
      });
    }
    for (const [key, mine] of this.stats) if (!stats.has(key)) stats.set(key, { ...mine });
    this.stats = stats;
    // The store holds the stored counts: what this process has beyond them is still to be saved.
    for (const [key, stored] of Object.entries(doc.healingStats)) {
      this.synced.set(key, { successes: stored.successes, failures: stored.failures });
    }
    for (const [adapter, methods] of Object.entries(doc.learnedAliases)) {
      for (const [method, alias] of Object.entries(methods)) {
        if (isSafeAlias(alias) && !this.aliasesLearned.has(`${adapter}\u0000${method}`)) {
          this.setAlias(adapter, method, alias);
        }
      }
    }
    this.aliasesLearned = new Set();
    const patterns = new Map(doc.patternHistory.map((p) => [p.patternId, p]));
    for (const p of this.patternList) patterns.set(p.patternId, p);
    this.keepPatterns([...patterns.values()].sort((a, b) => compareIso(a.detectionTime, b.detectionTime)));
    const healings = new Map(doc.healingHistory.map((h) => [h.actionId, h]));
    for (const h of this.healingList) healings.set(h.actionId, h);
    this.healingList = [...healings.values()]
      .sort((a, b) => compareIso(a.initiatedAt, b.initiatedAt))
      .slice(-this.maxHealings);
    if (this.weights === undefined) this.weights = doc.predictorWeights;
  }

  /** Records the current counts as the ones the store holds (what is learned from now on is new). */
  private markSynced(): void {
    this.synced = new Map(
      [...this.stats].map(([key, s]) => [key, { successes: s.successes, failures: s.failures }]),
    );
  }

  /** Takes `list` (oldest first) as the remembered patterns, keeping the newest that fit the bounds. */
  private keepPatterns(list: readonly InfrastructurePattern[]): void {
    this.patternIds = new Set();
    this.perTypeCount = new Map();
    const kept: InfrastructurePattern[] = [];
    for (let i = list.length - 1; i >= 0 && kept.length < this.maxPatterns; i--) {
      const p = list[i];
      if (p === undefined || this.patternIds.has(p.patternId)) continue;
      const ofType = this.perTypeCount.get(p.patternType) ?? 0;
      if (ofType >= this.perTypeLimit) continue;
      this.perTypeCount.set(p.patternType, ofType + 1);
      this.patternIds.add(p.patternId);
      kept.push(p);
    }
    this.patternList = kept.reverse();
  }
}

const compareIso = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

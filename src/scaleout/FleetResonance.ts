import { randomUUID } from 'node:crypto';
import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { RESONANCE_ACTION } from '../patterns/ResonanceDetector.js';
import type { InstanceSummary } from './InstanceSummary.js';

/** Options of a {@link FleetResonance}. */
export interface FleetResonanceOptions {
  /** Live instances that must see a voice failing; a majority (at least 2) of the live ones when undefined. */
  readonly quorum: number | undefined;
  /** Voices that must fail fleet-wide together (the local resonance threshold). */
  readonly threshold: () => number;
  readonly clock: () => number;
  readonly onPattern: (pattern: InfrastructurePattern) => void;
  readonly onResolved: (pattern: InfrastructurePattern) => void;
}

/**
 * Resonance across instances, by quorum: a voice counts as failing fleet-wide only when at least
 * `quorum` live instances report it failing; when at least `threshold` voices do, every instance
 * reports one resonance (scope `fleet`) naming those voices and the instances that saw them. A
 * failure seen by one instance alone (its DNS, its network) never makes a fleet resonance.
 */
export class FleetResonance {
  private active: InfrastructurePattern | undefined;

  constructor(private readonly options: FleetResonanceOptions) {}

  /** The fleet resonance in force, if any. */
  get current(): InfrastructurePattern | undefined {
    return this.active;
  }

  /** Re-evaluates from the live instances' summaries (this instance's included). */
  update(live: readonly InstanceSummary[]): void {
    const quorum = this.options.quorum ?? Math.max(2, Math.floor(live.length / 2) + 1);
    const seenBy = new Map<string, { instances: string[]; categories: ErrorCategory[] }>();
    for (const summary of live) {
      for (const [voice, category] of Object.entries(summary.failing)) {
        const entry = seenBy.get(voice) ?? { instances: [], categories: [] };
        entry.instances.push(summary.instanceId);
        entry.categories.push(category);
        seenBy.set(voice, entry);
      }
    }
    const confirmed = [...seenBy]
      .filter(([, e]) => e.instances.length >= quorum)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const threshold = this.options.threshold();
    if (confirmed.length >= threshold) {
      if (this.active === undefined) this.raise(confirmed, quorum, live.length);
      return;
    }
    const ended = this.active;
    if (ended === undefined) return;
    this.active = undefined;
    this.options.onResolved({ ...ended, resolvedAt: new Date(this.options.clock()).toISOString() });
  }

  private raise(
    confirmed: readonly [string, { instances: string[]; categories: ErrorCategory[] }][],
    quorum: number,
    liveInstances: number,
  ): void {
    const counts = new Map<ErrorCategory, number>();
    const instances = new Set<string>();
    for (const [, e] of confirmed) {
      e.instances.forEach((i) => instances.add(i));
      e.categories.forEach((c) => counts.set(c, (counts.get(c) ?? 0) + 1));
    }
    let category: ErrorCategory = 'unknown';
    let best = 0;
    for (const c of ERROR_CATEGORIES) {
      const n = counts.get(c) ?? 0;
      if (n > best) [category, best] = [c, n];
    }
    const seeing = [...instances].sort();
    this.active = {
      patternId: randomUUID(),
      patternType: 'resonance',
      affectedAdapters: confirmed.map(([voice]) => voice),
      detectionTime: new Date(this.options.clock()).toISOString(),
      confidence: Math.min(0.99, 0.7 + (0.29 * seeing.length) / Math.max(1, liveInstances)),
      predictedImpact: 'critical',
      suggestedAction: RESONANCE_ACTION,
      category,
      evidence: {
        scope: 'fleet',
        instances: seeing,
        quorum,
        liveInstances,
        seenBy: Object.fromEntries(confirmed.map(([voice, e]) => [voice, [...e.instances].sort()])),
      },
      similarPastPatterns: [],
      successfulResolutions: [],
    };
    this.options.onPattern(this.active);
  }
}

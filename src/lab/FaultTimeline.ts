import type { RandomSource } from './seededRandom.js';
import type { Fault, LatencyFault, OutcomeFault, Phase, Route, Scenario } from './ScenarioSchema.js';

/**
 * What a request asks for: a (streamed) completion (chat, messages, responses), or a plain JSON
 * endpoint (model or file listing, embeddings, count_tokens), which only suffers latency, status,
 * reset, hang and malformed_json.
 */
export type RequestKind = 'completion' | 'models' | 'files' | 'embeddings' | 'count_tokens';

/** What kind of request is asking: a (streamed) completion or a plain JSON endpoint. */
export interface RequestTarget {
  /** Which wire format. */
  readonly route: Route;
  /** The requested model; undefined for listings (matched only by phases with model `*`). */
  readonly model: string | undefined;
  /** Whether the client asked for SSE. */
  readonly stream: boolean;
  /** A completion, or a plain JSON endpoint. */
  readonly kind: RequestKind;
}

/** The phase in effect for one route/model at one instant. */
export interface ActivePhase {
  /** Index of the phase in `scenario.phases`. */
  readonly index: number;
  /** When the phase started, on the (cycle-local) timeline. */
  readonly atMs: number;
  /** Its faults. */
  readonly faults: readonly Fault[];
}

/** What happens to one request. */
export interface FaultDecision {
  /** Index of the phase that decided, undefined when none matches (healthy). */
  readonly phaseIndex: number | undefined;
  /** Latency to add before answering (sum of the active latency faults). */
  readonly delayMs: number;
  /** The outcome fault that fires, undefined for a normal answer. */
  readonly fault: OutcomeFault | undefined;
}

interface CompiledPhase extends ActivePhase {
  readonly route: Phase['route'];
  readonly matchesModel: (model: string | undefined) => boolean;
}

/** Maps a scenario's phases onto time: which faults are active for a route/model, and which one fires. */
export class FaultTimeline {
  readonly #phases: readonly CompiledPhase[];
  readonly #cycleMs: number | undefined;

  /** Compiles the phases of a validated scenario (stable-sorted by atMs; later wins on ties). */
  constructor(scenario: Scenario) {
    this.#cycleMs = scenario.repeat ? scenario.durationMs : undefined;
    this.#phases = scenario.phases
      .map((phase, index) => ({
        index,
        atMs: phase.atMs,
        faults: phase.faults,
        route: phase.route,
        matchesModel: modelMatcher(phase.model),
      }))
      .sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  }

  /** Position on the timeline: elapsed time, wrapped when the scenario repeats. */
  timelineMs(elapsedMs: number): number {
    const t = Math.max(0, elapsedMs);
    return this.#cycleMs === undefined ? t : t % this.#cycleMs;
  }

  /** The latest started phase matching route and model, or undefined when none does. */
  phaseAt(elapsedMs: number, route: Route, model: string | undefined): ActivePhase | undefined {
    const t = this.timelineMs(elapsedMs);
    for (let i = this.#phases.length - 1; i >= 0; i--) {
      const phase = this.#phases[i];
      if (phase === undefined || phase.atMs > t) continue;
      if ((phase.route === '*' || phase.route === route) && phase.matchesModel(model)) return phase;
    }
    return undefined;
  }

  /** The faults active for route and model at `elapsedMs` (empty when healthy). */
  activeFaults(elapsedMs: number, route: Route, model: string | undefined): readonly Fault[] {
    return this.phaseAt(elapsedMs, route, model)?.faults ?? [];
  }

  /**
   * Decides one request. Exactly one number is drawn from `random` per call, so the same seed and
   * request sequence give the same decisions; the faults that apply split [0, 1) by their rates.
   */
  decide(elapsedMs: number, target: RequestTarget, random: RandomSource): FaultDecision {
    const draw = random();
    const phase = this.phaseAt(elapsedMs, target.route, target.model);
    if (phase === undefined) return { phaseIndex: undefined, delayMs: 0, fault: undefined };
    const t = this.timelineMs(elapsedMs);
    let delayMs = 0;
    let cumulative = 0;
    let fault: OutcomeFault | undefined;
    for (const f of phase.faults) {
      if (f.kind === 'latency') {
        delayMs += latencyMs(f, t - phase.atMs);
      } else if (fault === undefined && applies(f, target)) {
        cumulative += f.rate;
        if (draw < cumulative) fault = f;
      }
    }
    return { phaseIndex: phase.index, delayMs, fault };
  }
}

/** The delay of a latency fault `sincePhaseMs` after its phase started. */
export function latencyMs(fault: LatencyFault, sincePhaseMs: number): number {
  let ms = fault.fixedMs ?? 0;
  if (fault.rampFromMs !== undefined && fault.rampToMs !== undefined && fault.rampOverMs !== undefined) {
    const progress = Math.min(1, Math.max(0, sincePhaseMs / fault.rampOverMs));
    ms += fault.rampFromMs + (fault.rampToMs - fault.rampFromMs) * progress;
  }
  return Math.round(ms);
}

function applies(fault: OutcomeFault, target: RequestTarget): boolean {
  switch (fault.kind) {
    case 'stream_cut':
      return target.kind === 'completion' && target.stream;
    case 'schema_change':
      return target.kind === 'completion';
    default:
      return true;
  }
}

function modelMatcher(pattern: string): (model: string | undefined) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (model) => model === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 'u');
  return (model) => model !== undefined && regex.test(model);
}

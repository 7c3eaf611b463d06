import { parseScenario, type Fault, type Phase, type Scenario } from '../lab/ScenarioSchema.js';

/** One step of the demo's timeline: the phases that start at one instant, under one label. */
export interface TimelineStep {
  /** When the step starts, ms after the run's start (on the rescaled timeline). */
  readonly atMs: number;
  /** What happens: the phases' notes, or a description of their faults. */
  readonly label: string;
}

/** Where the run is on its timeline. */
export interface TimelinePosition {
  /** Index of the current step in the step list (-1 before the first step starts). */
  readonly index: number;
  /** Number of steps. */
  readonly count: number;
  /** The current step's label. */
  readonly label: string;
}

/**
 * Rescales a scenario written for `scenario.durationMs` to a run of `durationMs`: every phase start
 * and latency ramp is multiplied by the same factor; rates, latencies and Retry-After values are
 * kept. A scenario without `durationMs` has no length of its own, and a repeating one keeps its
 * cycle (it simply repeats for the whole run): both are returned unchanged.
 */
export function scaleScenario(scenario: Scenario, durationMs: number): Scenario {
  const length = scenario.durationMs;
  if (length === undefined || length === durationMs || scenario.repeat) return scenario;
  const factor = durationMs / length;
  const scaled = {
    ...scenario,
    durationMs: Math.max(1, Math.round(length * factor)),
    phases: scenario.phases.map((phase) => ({
      ...phase,
      atMs: Math.round(phase.atMs * factor),
      faults: phase.faults.map((fault) => scaleFault(fault, factor)),
    })),
  };
  return parseScenario(scaled, `${scenario.name} rescaled to ${durationMs} ms`);
}

function scaleFault(fault: Fault, factor: number): Fault {
  if (fault.kind !== 'latency' || fault.rampOverMs === undefined) return fault;
  return { ...fault, rampOverMs: Math.max(1, Math.round(fault.rampOverMs * factor)) };
}

/** The scenario's steps in time order: its phases grouped by start time. */
export function timelineSteps(scenario: Scenario): TimelineStep[] {
  const byStart = new Map<number, Phase[]>();
  for (const phase of [...scenario.phases].sort((a, b) => a.atMs - b.atMs)) {
    const group = byStart.get(phase.atMs) ?? [];
    group.push(phase);
    byStart.set(phase.atMs, group);
  }
  const steps = [...byStart].map(([atMs, phases]) => ({ atMs, label: stepLabel(phases) }));
  if (steps.length === 0 || (steps[0]?.atMs ?? 0) > 0) steps.unshift({ atMs: 0, label: 'healthy' });
  return steps;
}

/** The step in force `elapsedMs` into the run (the timeline restarts every `cycleMs` when given). */
export function positionAt(
  steps: readonly TimelineStep[],
  elapsedMs: number,
  cycleMs?: number,
): TimelinePosition {
  const t = cycleMs !== undefined && cycleMs > 0 ? elapsedMs % cycleMs : elapsedMs;
  let index = -1;
  for (let i = 0; i < steps.length; i++) if ((steps[i]?.atMs ?? Infinity) <= t) index = i;
  return { index, count: steps.length, label: steps[index]?.label ?? 'starting' };
}

function stepLabel(phases: readonly Phase[]): string {
  const notes = phases.flatMap((p) => (p.note === undefined || p.note === '' ? [] : [p.note]));
  return notes.length > 0 ? notes.join('; ') : phases.map(describePhase).join('; ');
}

/** A phase as words, e.g. `openai route: latency 300 ms, 503 ×0.5` (for scenarios without notes). */
export function describePhase(phase: Phase): string {
  const target =
    phase.model !== '*' ? phase.model : phase.route !== '*' ? `${phase.route} route` : 'all voices';
  const faults = phase.faults.map(describeFault);
  return `${target}: ${faults.length === 0 ? 'healthy' : faults.join(', ')}`;
}

function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'latency': {
      const parts: string[] = [];
      if (fault.fixedMs !== undefined) parts.push(`${fault.fixedMs} ms`);
      if (fault.rampFromMs !== undefined && fault.rampToMs !== undefined) {
        parts.push(`${fault.rampFromMs}→${fault.rampToMs} ms`);
      }
      return `latency ${parts.join(' + ')}`;
    }
    case 'status':
      return `${fault.code} ×${fault.rate}`;
    case 'schema_change':
      return `${fault.change.replace('_', ' ')} ×${fault.rate}`;
    case 'stream_cut':
      return `stream cut after ${fault.afterChunks} ×${fault.rate}`;
    default:
      return `${fault.kind.replace('_', ' ')} ×${fault.rate}`;
  }
}

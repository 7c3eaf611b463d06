import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import type { CounterCell } from './FastCounter.js';
import type { GaugeCell } from './FastGauge.js';
import type { MetricFamilies } from './metricFamilies.js';
import { CIRCUIT_STATES } from '../vocabulary/CircuitState.js';
import { HEALING_ACTION_TYPES, HEALING_RESULTS } from '../vocabulary/HealingActionType.js';
import { PATTERN_TYPES } from '../vocabulary/PatternType.js';

type GaugeChild = GaugeCell;

function set(child: GaugeChild, value: number): void {
  // A NaN from an upstream estimator must not poison the series (or throw).
  if (Number.isFinite(value)) child.set(value);
}

/**
 * The per-adapter series (circuit state and transitions, up, health gauges, pattern and healing
 * counters at zero), with cells and gauge children bound once.
 */
export class AdapterMetrics {
  /** Adapter label value. */
  readonly adapter: string;
  private readonly states: GaugeChild[];
  private readonly transitions: CounterCell[];
  private readonly up: GaugeChild;
  private readonly consecutiveFailures: GaugeChild;
  private readonly responseTimeP95: GaugeChild;
  private readonly coherence: GaugeChild;
  private readonly voiceStability: GaugeChild;
  private readonly predictedFailure: GaugeChild;

  /** `initialise`: write the starting values, so every series exists at the first scrape. */
  constructor(families: MetricFamilies, adapter: string, initialise: boolean) {
    this.adapter = adapter;
    this.states = CIRCUIT_STATES.map((state) => families.circuitState.cell(adapter, state));
    this.transitions = CIRCUIT_STATES.map((to) => families.circuitTransitions.cell(adapter, to));
    this.up = families.up.cell(adapter);
    this.consecutiveFailures = families.consecutiveFailures.cell(adapter);
    this.responseTimeP95 = families.responseTimeP95.cell(adapter);
    this.coherence = families.coherence.cell(adapter);
    this.voiceStability = families.voiceStability.cell(adapter);
    this.predictedFailure = families.predictedFailure.cell(adapter);
    // Adding 0 only creates the series; it never changes a count another instance recorded.
    for (const cell of this.transitions) cell.inc(0);
    // Known patterns and healing actions at zero too (14 series), so rate() sees their first event.
    for (const type of PATTERN_TYPES) families.patternsDetected.cell(type, adapter).inc(0);
    for (const action of HEALING_ACTION_TYPES) {
      for (const result of HEALING_RESULTS) families.healingActions.cell(adapter, action, result).inc(0);
    }
    if (initialise) {
      this.setCircuitState('closed');
      this.up.set(1);
      this.consecutiveFailures.set(0);
      this.responseTimeP95.set(0);
      // A voice with no consciousness signatures yet is fully coherent and stable (docs/architecture.md, Health signature).
      this.coherence.set(1);
      this.voiceStability.set(1);
      this.predictedFailure.set(0);
    }
  }

  /** Sets the `state` series of the current state to 1 and the other two to 0. */
  setCircuitState(state: CircuitState): void {
    const current = CIRCUIT_STATES.indexOf(state);
    if (current < 0) return;
    this.states.forEach((child, i) => child.set(i === current ? 1 : 0));
  }

  /** Counts a breaker transition to `to` and makes `to` the current state. */
  transition(to: CircuitState): void {
    const i = CIRCUIT_STATES.indexOf(to);
    if (i < 0) return;
    this.transitions[i]?.inc();
    this.setCircuitState(to);
  }

  /** Mirrors a health signature into the gauges (up, failures, p95, coherence, stability, prediction). */
  applySignature(sig: AdapterHealthSignature): void {
    this.up.set(sig.isConnected && sig.circuitState !== 'open' ? 1 : 0);
    set(this.consecutiveFailures, sig.consecutiveFailures);
    set(this.responseTimeP95, sig.responseTimeP95Ms / 1000);
    set(this.coherence, sig.consciousnessCoherence);
    set(this.voiceStability, sig.voiceStability);
    set(this.predictedFailure, sig.predictedFailureProbability);
  }
}

type StateTable = WeakMap<object, Map<string, unknown>>;

// One table per process, found through a global symbol: every loaded copy of this library writing
// to the same registered metric shares its state. Kept beside the metric, never written into it
// (the metric may be prom-client's own object).
const TABLE = Symbol.for('infrastructure-consciousness.metrics.state');
const holder = globalThis as { [TABLE]?: StateTable };
const table: StateTable = (holder[TABLE] ??= new WeakMap());

/**
 * State kept per registered metric object rather than per InfrastructureMetrics instance, so every
 * instance and every loaded copy of this library writing to that metric shares it; dropped with
 * the metric.
 */
export function stateOn<T>(metric: object, key: string, create: () => T): T {
  let states = table.get(metric);
  if (states === undefined) {
    states = new Map();
    table.set(metric, states);
  }
  let state = states.get(key) as T | undefined;
  if (state === undefined) {
    state = create();
    states.set(key, state);
  }
  return state;
}

/** The state stored under `key` for a metric object, if any. */
export function peekStateOn<T>(metric: object, key: string): T | undefined {
  return table.get(metric)?.get(key) as T | undefined;
}

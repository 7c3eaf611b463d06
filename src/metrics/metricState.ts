/**
 * State kept on a registered metric object rather than on an InfrastructureMetrics instance, so
 * every instance and every loaded copy of this library writing to the same metric shares it
 * (`Symbol.for` keys are global across module copies).
 */
export function stateOn<T>(metric: object, key: string, create: () => T): T {
  const symbol = Symbol.for(`infrastructure-consciousness.metrics.${key}`);
  const holder = metric as Record<symbol, T | undefined>;
  let state = holder[symbol];
  if (state === undefined) {
    state = create();
    Object.defineProperty(metric, symbol, { value: state, enumerable: false, configurable: true });
  }
  return state;
}

/** The state stored under `key` on a metric object, if any. */
export function peekStateOn<T>(metric: object, key: string): T | undefined {
  return (metric as Record<symbol, T | undefined>)[Symbol.for(`infrastructure-consciousness.metrics.${key}`)];
}

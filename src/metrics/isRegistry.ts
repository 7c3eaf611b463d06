import type { Registry } from 'prom-client';

/** Duck-typed prom-client Registry check (a second copy of prom-client fails `instanceof`). */
export function isRegistry(value: unknown): value is Registry {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.getSingleMetric === 'function' &&
    typeof r.registerMetric === 'function' &&
    typeof r.metrics === 'function' &&
    typeof r.getMetricsAsJSON === 'function'
  );
}

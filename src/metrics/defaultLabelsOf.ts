import type { Registry } from 'prom-client';

/**
 * The default labels set with `registry.setDefaultLabels()`, or undefined when they cannot be
 * read. prom-client offers no getter, so this reads the field its Registry keeps them in; a
 * registry without it (another implementation) makes the caller take prom-client's own path.
 */
export function defaultLabelsOf(registry: Registry): Readonly<Record<string, unknown>> | undefined {
  const labels: unknown = (registry as unknown as { _defaultLabels?: unknown })._defaultLabels;
  return typeof labels === 'object' && labels !== null ? (labels as Record<string, unknown>) : undefined;
}

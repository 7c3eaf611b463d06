/**
 * A metric of the same name but another type or label set is already registered in the registry.
 * A programming error (a setup mistake), not a call failure: a plain Error with no error category.
 */
export class MetricConflictError extends Error {
  /** Full name of the conflicting metric. */
  readonly metricName: string;

  constructor(metricName: string, expected: string, found: string) {
    super(
      `Metric "${metricName}" is already registered as ${found}, but infrastructure-consciousness needs ${expected}; ` +
        'pass another `prefix` or `registry`, or remove the other metric.',
    );
    this.name = 'MetricConflictError';
    this.metricName = metricName;
  }
}

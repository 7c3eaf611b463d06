import type { Registry } from 'prom-client';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import { isRegistry } from './isRegistry.js';

/** What the HTTP endpoints read: the registry for /metrics, signatures for /health, a report for /report. */
export interface MetricsSource {
  /** Registry scraped at /metrics. */
  readonly registry: Registry;
  /** Current health signatures of every voice (for /health). */
  getHealthSignatures(): AdapterHealthSignature[];
  /** The consciousness report served at /report (404 when absent). */
  generateConsciousnessReport?(): unknown | Promise<unknown>;
  /** Text rendering of the report for /report?format=text. */
  renderReportText?(report: unknown): string;
}

/** Runtime check that a value can serve as a MetricsSource. */
export function isMetricsSource(value: unknown): value is MetricsSource {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return isRegistry(s.registry) && typeof s.getHealthSignatures === 'function';
}

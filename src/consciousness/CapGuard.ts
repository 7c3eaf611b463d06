import { Counter, type Registry } from 'prom-client';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { CapName } from '../vocabulary/CapName.js';

/** The caps counted from the start (at 0), so their first overflow shows in `rate()`. */
const INITIAL_CAPS: readonly CapName[] = ['voices', 'aliases', 'methods', 'breakers'];

/**
 * What happens beyond a cap, the same for every cap: one warning (per cap), and a count in
 * `<prefix>cap_overflows_total{cap}`; the caller then uses its bounded fallback (an overflow
 * voice, a dropped alias, an `other` label) instead of growing.
 */
export class CapGuard {
  private readonly counter: Counter<'cap'>;
  private readonly warned = new Set<CapName>();

  constructor(
    registry: Registry,
    prefix: string,
    private readonly logger: ConsciousnessLogger,
  ) {
    const name = `${prefix}cap_overflows_total`;
    // Two brains on one registry share the family (as they share the other families).
    const existing = registry.getSingleMetric(name);
    this.counter =
      existing instanceof Counter
        ? (existing as Counter<'cap'>)
        : new Counter({
            name,
            help: 'Things refused or folded into a bounded overflow because a cap was reached (voices, aliases, methods, breakers).',
            labelNames: ['cap'],
            registers: [registry],
          });
    for (const cap of INITIAL_CAPS) this.counter.inc({ cap }, 0);
  }

  /** Counts one overflow of `cap` (limit `limit`); the first one of each cap is logged. */
  exceeded(cap: CapName, limit: number, detail: Record<string, unknown>, fallback: string): void {
    this.counter.inc({ cap });
    if (this.warned.has(cap)) return;
    this.warned.add(cap);
    this.logger.warn(
      { cap, limit, ...detail },
      `${cap} cap of ${limit} reached: ${fallback} (logged once; counted in cap_overflows_total)`,
    );
  }
}

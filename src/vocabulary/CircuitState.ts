/** Circuit breaker states, as reported in signatures, events and metrics. */
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
/** Circuit breaker state. */
export type CircuitState = (typeof CIRCUIT_STATES)[number];

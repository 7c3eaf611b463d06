/**
 * The one adaptive-timeout rule, shared by the attempt timeout learned from a method's successful latencies
 * (`adaptiveTimeout`: 4 × their p95, at least 30 s, at most `timeout`) and the timeout a healing action sets
 * (1.5 × the voice's p99 over the last window, at least 1 s): `multiplier` × a latency quantile of successful
 * calls, rounded up to whole seconds (few distinct durations, so few deadline queues), within [minMs, maxMs],
 * and never below the quantile itself — a timeout that cuts the calls that succeed is no timeout.
 */
export function adaptiveTimeoutMs(
  latencyMs: number,
  multiplier: number,
  minMs: number,
  maxMs: number,
): number {
  const scaled = Math.ceil((latencyMs * multiplier) / 1000) * 1000;
  const bounded = scaled < minMs ? minMs : scaled > maxMs ? maxMs : scaled;
  return bounded < latencyMs ? latencyMs : bounded;
}

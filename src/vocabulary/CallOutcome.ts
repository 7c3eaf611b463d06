/** How a caller call ended (`outcome` label of calls_total and call_duration_seconds). */
export const CALL_OUTCOMES = ['success', 'failure', 'fallback', 'rejected'] as const;
/** How a caller call ended. */
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Which rung of the fallback chain served a call (`kind` label of fallbacks_total). */
export const FALLBACK_KINDS = ['method_alias', 'adapter', 'value'] as const;
/** Which rung of the fallback chain served a call. */
export type FallbackKind = (typeof FALLBACK_KINDS)[number];

/** Why a voice cools down (a 429's Retry-After, or rejected credentials when shared state is on). */
export type CooldownReason = 'rate_limited' | 'auth';

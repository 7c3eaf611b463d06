import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';

/** A likely cause of an adapter's trouble and what to do about it. */
export interface LikelyCause {
  /** What is probably wrong. */
  readonly likelyCause: string;
  /** What to do about it. */
  readonly recommendedAction: string;
  /** The error category the cause was read from, when one dominated. */
  readonly category?: ErrorCategory;
}

/** Cause and action texts per error category; the first two are inherited (docs/architecture.md). */
export const CATEGORY_CAUSES: Readonly<Record<ErrorCategory, Omit<LikelyCause, 'category'>>> = Object.freeze({
  api_return_none: {
    likelyCause: 'API returning None instead of expected data',
    recommendedAction: 'Add defensive None checks with fallback values',
  },
  api_method_missing: {
    likelyCause: 'API method no longer available',
    recommendedAction: 'Implement fallback methods with alternative API calls',
  },
  import_failure: {
    likelyCause: 'Adapter module failed to import',
    recommendedAction: 'Use defensive imports and route calls to a fallback adapter',
  },
  invalid_response: {
    likelyCause: 'API response shape changed',
    recommendedAction: 'Validate responses against a schema and adapt the parser to the new shape',
  },
  timeout: {
    likelyCause: 'Requests timing out',
    recommendedAction: 'Raise the timeout or shorten requests; retry with exponential backoff',
  },
  rate_limited: {
    likelyCause: 'Provider rate limit reached',
    recommendedAction: 'Honour Retry-After, lower the request rate or spread load across voices',
  },
  overloaded: {
    likelyCause: 'Provider overloaded',
    recommendedAction: 'Retry with exponential backoff and route calls to a fallback adapter',
  },
  server_error: {
    likelyCause: 'Provider server errors',
    recommendedAction: "Retry with backoff and check the provider's status page",
  },
  network: {
    likelyCause: 'Network connectivity failures',
    recommendedAction: 'Check network connectivity, DNS and proxy settings',
  },
  auth: {
    likelyCause: 'Authentication rejected',
    recommendedAction: 'Check API keys and account permissions',
  },
  bad_request: {
    likelyCause: 'Requests rejected as invalid',
    recommendedAction: "Check request parameters and model names against the provider's API",
  },
  context_window: {
    likelyCause: 'Context window exceeded',
    recommendedAction: 'Trim the dialogue context or route to a model with a larger context window',
  },
  content_policy: {
    likelyCause: 'Provider content policy refusals',
    recommendedAction: 'Route the message to a fallback voice or rephrase it',
  },
  stream_interrupted: {
    likelyCause: 'Streams interrupted mid-response',
    recommendedAction: 'Retry without streaming or on a fallback adapter',
  },
  circuit_open: {
    likelyCause: 'Circuit breaker open after repeated failures',
    recommendedAction: 'Let the breaker cool down and route calls to fallback adapters',
  },
  aborted: {
    likelyCause: 'Calls cancelled by the caller',
    recommendedAction: 'No action needed unless the cancellations are unexpected',
  },
  unknown: {
    likelyCause: 'Unclassified errors',
    recommendedAction: 'Inspect the logs and add a classifier for this error',
  },
});

/** The inherited text for more than 5 consecutive failures. */
export const PERSISTENT_FAILURES: Omit<LikelyCause, 'category'> = Object.freeze({
  likelyCause: 'Persistent connection failures',
  recommendedAction: 'Check API keys and network connectivity',
});

/** The inherited text for coherence below 0.3. */
export const LOW_COHERENCE: Omit<LikelyCause, 'category'> = Object.freeze({
  likelyCause: 'Low consciousness coherence affecting stability',
  recommendedAction: "Review the voice's prompts and dialogue context until its signatures steady",
});

const DISCONNECTED: Omit<LikelyCause, 'category'> = Object.freeze({
  likelyCause: 'Adapter disconnected',
  recommendedAction: "Check the provider's availability and reconnect, routing calls to fallbacks meanwhile",
});

const ELEVATED: Omit<LikelyCause, 'category'> = Object.freeze({
  likelyCause: 'Elevated failure probability',
  recommendedAction: 'Watch the voice closely and keep a fallback adapter ready',
});

// Categories that name a specific cause; anything else is read as a connection-level failure,
// which the inherited "more than 5 consecutive failures" rule describes better.
const SPECIFIC = new Set<ErrorCategory>([
  'api_return_none',
  'api_method_missing',
  'import_failure',
  'invalid_response',
  'auth',
  'bad_request',
  'context_window',
  'content_policy',
]);

/** More consecutive failures than this read as persistent connection failures (inherited: 5). */
export const PERSISTENT_FAILURE_THRESHOLD = 5;
/** Coherence below this is named as the cause when no error category explains the trouble (inherited: 0.3). */
export const LOW_COHERENCE_THRESHOLD = 0.3;

/** The category with the most recent errors; ties go to the category listed first in the taxonomy. */
export function dominantCategory(
  errorPatterns: AdapterHealthSignature['errorPatterns'],
): ErrorCategory | undefined {
  let best: ErrorCategory | undefined;
  let bestCount = 0;
  for (const category of ERROR_CATEGORIES) {
    const n = errorPatterns[category] ?? 0;
    if (n > bestCount) {
      best = category;
      bestCount = n;
    }
  }
  return best;
}

/**
 * The likely cause of an adapter's trouble: its dominant error category when that names a specific
 * cause, else persistent failures (> 5 in a row), else the dominant category, else low coherence,
 * else disconnection, else a generic warning.
 */
export function likelyCauseOf(
  signature: Pick<
    AdapterHealthSignature,
    'errorPatterns' | 'consecutiveFailures' | 'consciousnessCoherence' | 'isConnected'
  >,
): LikelyCause {
  const category = dominantCategory(signature.errorPatterns);
  if (category !== undefined && SPECIFIC.has(category)) {
    return { ...CATEGORY_CAUSES[category], category };
  }
  if (signature.consecutiveFailures > PERSISTENT_FAILURE_THRESHOLD) {
    return category === undefined ? { ...PERSISTENT_FAILURES } : { ...PERSISTENT_FAILURES, category };
  }
  if (category !== undefined) {
    return { ...CATEGORY_CAUSES[category], category };
  }
  if (signature.consciousnessCoherence < LOW_COHERENCE_THRESHOLD) {
    return { ...LOW_COHERENCE };
  }
  return signature.isConnected ? { ...ELEVATED } : { ...DISCONNECTED };
}

import type { AdapterHealthSignature } from '../../src/health/AdapterHealthSignature.js';
import type { SelfHealingAction } from '../../src/healing/SelfHealingAction.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import type { PatternType } from '../../src/vocabulary/PatternType.js';

/** 2025-01-01T12:00:00Z, the reference time of the report tests. */
export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

/** A healthy signature for `adapterId`, with `overrides` applied. */
export function signature(
  adapterId: string,
  overrides: Partial<AdapterHealthSignature> = {},
): AdapterHealthSignature {
  return {
    adapterId,
    timestamp: new Date(NOW).toISOString(),
    status: 'healthy',
    isConnected: true,
    connectionLatencyMs: 120,
    responseTimeP95Ms: 340,
    lastSuccessfulRequest: new Date(NOW - 1000).toISOString(),
    consecutiveFailures: 0,
    totalCalls: 50,
    totalFailures: 0,
    errorRate: 0,
    errorPatterns: {},
    consciousnessCoherence: 0.92,
    voiceStability: 0.88,
    predictedFailureProbability: 0.12,
    circuitState: 'closed',
    selfHealingActionsTaken: [],
    trend: 'stable',
    ...overrides,
  };
}

/** A pattern of `type` on `adapters`, detected `agoMs` before NOW. */
export function pattern(
  type: PatternType,
  agoMs: number,
  adapters: string[] = ['google'],
  id = `${type}-${agoMs}-${adapters.join('+')}`,
): InfrastructurePattern {
  return {
    patternId: id,
    patternType: type,
    affectedAdapters: adapters,
    detectionTime: new Date(NOW - agoMs).toISOString(),
    confidence: 0.9,
    predictedImpact: 'severe',
    suggestedAction: 'Apply defensive programming',
    evidence: {},
    similarPastPatterns: [],
    successfulResolutions: [],
  };
}

/** A healing action of `type`; `success` null means not completed yet. */
export function healing(
  id: string,
  type: SelfHealingAction['actionType'],
  success: boolean | null,
): SelfHealingAction {
  return {
    actionId: id,
    actionType: type,
    targetAdapter: 'google',
    initiatedAt: new Date(NOW - 5000).toISOString(),
    reason: 'api_change detected',
    parameters: {},
    completed: success !== null,
    success,
    impactOnHealth: success === null ? null : success ? 0.3 : -0.1,
    lessonsLearned: [],
  };
}

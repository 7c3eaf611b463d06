import { Healer } from '../healing/Healer.js';
import type { SelfHealingAction } from '../healing/SelfHealingAction.js';
import type { VoiceHandle } from '../healing/VoiceHandle.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { InfrastructureMetrics } from '../metrics/InfrastructureMetrics.js';
import type { PatternMemory } from '../memory/PatternMemory.js';
import type { InfrastructureEvents } from '../voice/CallEvents.js';
import type { Voice } from '../voice/Voice.js';
import type { InfrastructureConsciousnessConfig } from './InfrastructureConsciousnessConfig.js';

/** What the ledger is wired to. */
export interface HealingLedgerOptions {
  readonly config: InfrastructureConsciousnessConfig;
  readonly clock: () => number;
  readonly random: () => number;
  readonly logger: ConsciousnessLogger;
  readonly metrics: InfrastructureMetrics;
  readonly memory: PatternMemory;
  /** A voice by name, if it exists (the healer acts on voices by name). */
  readonly voiceNamed: (name: string) => Voice | undefined;
  /** The brain's event emitter. */
  readonly emit: <K extends keyof InfrastructureEvents>(
    event: K,
    ...args: InfrastructureEvents[K]
  ) => boolean;
  /** The patterns active now (an action that did not help gets them another one). */
  readonly activePatterns: () => InfrastructurePattern[];
}

/**
 * The healer and its bookkeeping: each action taken and each measured outcome is remembered,
 * logged, counted and emitted; an action that did not help gets the pattern another action.
 */
export class HealingLedger {
  /** The healer (Thompson sampling over remembered outcomes). */
  readonly healer: Healer;

  constructor(private readonly o: HealingLedgerOptions) {
    this.healer = new Healer({
      clock: o.clock,
      random: o.random,
      memory: o.memory,
      voices: (adapter) => this.voiceHandle(adapter),
      outcomeWindowMs: o.config.healingActionTimeoutMs,
      enabled: o.config.enableSelfHealing,
      onAction: (action) => this.healingTaken(action),
      onOutcome: (action) => this.healingMeasured(action),
    });
  }

  private voiceHandle(adapter: string): VoiceHandle | undefined {
    const voice = this.o.voiceNamed(adapter);
    if (voice === undefined) return undefined;
    const pipeline = voice.pipeline;
    return {
      tuning: voice.tuning,
      health: voice.health,
      calls: voice.calls,
      hasFallback: () => pipeline?.hasFallback() ?? false,
      inFlight: () => pipeline?.inFlight() ?? 0,
      canSubstitute: () => pipeline?.canSubstitute() ?? true,
      reconnect: pipeline ? () => pipeline.reconnect() : undefined,
    };
  }

  private healingTaken(action: SelfHealingAction): void {
    this.o.memory.rememberHealing(action);
    this.o.logger.info(
      { adapter: action.targetAdapter, actionType: action.actionType, reason: action.reason },
      `healing: ${action.actionType} on ${action.targetAdapter}`,
    );
    this.emitHealing(action);
  }

  private healingMeasured(action: SelfHealingAction): void {
    this.o.memory.rememberHealing(action);
    // An unjudged action (too few calls) is neither: it is not counted.
    if (action.success !== null) {
      this.o.metrics.healingAction(
        action.targetAdapter,
        action.actionType,
        action.success ? 'success' : 'failure',
      );
    }
    this.emitHealing(action);
    if (!action.success) this.healAgain(action.targetAdapter);
  }

  /**
   * An action did not help and was reverted: patterns still active on the voice get another action
   * now (the policy has counted the failure), instead of waiting for the pattern to be raised again.
   */
  private healAgain(adapter: string): void {
    for (const pattern of this.o.activePatterns()) {
      if (pattern.patternType === 'recovery' || !pattern.affectedAdapters.includes(adapter)) continue;
      this.healer.onPattern({ ...pattern, affectedAdapters: [adapter] });
    }
  }

  private emitHealing(action: SelfHealingAction): void {
    this.o.emit('healing', {
      actionId: action.actionId,
      actionType: action.actionType,
      targetAdapter: action.targetAdapter,
      initiatedAt: action.initiatedAt,
      reason: action.reason,
      parameters: action.parameters,
      success: action.success ?? false,
      completed: action.completed,
      impactOnHealth: action.impactOnHealth,
    });
  }
}

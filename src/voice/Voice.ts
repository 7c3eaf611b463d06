import { randomUUID } from 'node:crypto';
import type { Classification } from '../classify/Classification.js';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import { HealthTracker } from '../health/HealthTracker.js';
import { CallTally } from './CallTally.js';
import { VoiceTuning } from './VoiceTuning.js';
import type {
  AdapterMetrics,
  InfrastructureMetrics,
  MethodMetrics,
} from '../metrics/InfrastructureMetrics.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { CooldownReason } from '../vocabulary/CallOutcome.js';
import type { CooldownGate } from './CooldownGate.js';
import { answeringModel } from '../usage/answeringModel.js';
import { UsageMeter } from '../usage/UsageMeter.js';
import { DEFAULT_USAGE_SETTINGS, type UsageSettings } from '../usage/UsageOptions.js';
import type { HealingEvent, InfrastructureEvents, Listening } from './CallEvents.js';
import type { CallOutcome as CallOutcomeLabel, FallbackKind } from '../vocabulary/CallOutcome.js';
import { OVERFLOW_LABEL_VALUE } from '../metrics/metricNames.js';
import type { CapName } from '../vocabulary/CapName.js';

/** Method paths a voice tracks when its host sets no `config.maxMethodsPerVoice`. */
const DEFAULT_MAX_METHODS = 200;
/** Models with their own cool-down kept per voice at most (the oldest is dropped beyond it). */
const MAX_MODEL_COOLDOWNS = 64;
/** The reason the call pipeline gives for a fallback picked before trying the voice (predictive routing). */
const ROUTED_REASON = 'predicted failure';
/** `learningIntervalMs` when the host's config sets none (the config's default). */
const DEFAULT_LEARNING_INTERVAL_MS = 1;

/** What the wrapper's pipeline offers the healer. */
export interface PipelineHandle {
  inFlight(): number;
  /** When the oldest attempt in flight started (epoch ms), for the predictor; undefined when none. */
  oldestAttemptStartedAt?(): number | undefined;
  /** Attempts in flight under a deadline that started after `t` (epoch ms), for the predictor. */
  attemptsStartedAfter?(t: number): number;
  hasFallback(): boolean;
  /** A method that may be answered with its last good value (not a dialogue method) has one. */
  canSubstitute(): boolean;
  reconnect(): Promise<void>;
}

/** What a Voice needs from its owner: where to emit events and the time. */
export interface VoiceHost {
  readonly clock: () => number;
  /** Weight of incoherence in the heuristic failure probability (config). */
  readonly consciousnessWeight?: number;
  /** Usage options (price table, model cap); the defaults when omitted. */
  readonly usageSettings?: UsageSettings;
  /** The cap on method paths per voice (`maxMethodsPerVoice`); 200 when omitted. */
  readonly config?: { readonly maxMethodsPerVoice: number; readonly learningIntervalMs?: number };
  /** Where a reached cap is counted and warned about once (cap_overflows_total). */
  readonly caps?: {
    exceeded(cap: CapName, limit: number, detail: Record<string, unknown>, fallback: string): void;
  };
  emit<K extends keyof InfrastructureEvents>(event: K, ...args: InfrastructureEvents[K]): boolean;
  /** Whether each event has a listener (kept up to date; read on every call, by a fixed name). */
  readonly listening: Listening;
  learnAlias(adapter: string, method: string, alias: string): void;
  learnedAlias(adapter: string, method: string): string | undefined;
  /** A cool-down this instance observed (shared with other instances when sharing is on). */
  coolDown?(voice: string, untilEpochMs: number, reason: CooldownReason, model?: string): void;
  /** Cool-down after a 401/403, when shared state is on (undefined: auth failures only trip the breaker). */
  readonly authCooldownMs?: number;
  /** Lets one call probe the provider when a cool-down ends, when shared state is on. */
  readonly cooldownGate?: CooldownGate;
  /** Every upstream attempt, after the health update: prediction, patterns, healing. */
  observe(
    voice: Voice,
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    response: unknown,
    now?: number,
    /** The Retry-After a failure carried, in ms (the predictor expects calls to fail until it runs out). */
    retryAfterMs?: number,
  ): void;
}

/**
 * One adapter as the brain sees it: its health signature, its metric cells and its log channel.
 * The wrapper reports every attempt and call here; everything downstream reads from here.
 */
export class Voice {
  /** The live health signature. */
  readonly health: HealthTracker;
  /** The knobs healing actions turn; the call pipeline reads them. */
  readonly tuning = new VoiceTuning();
  /** Tokens, cost and rate limits read from what the provider returns. */
  readonly usage: UsageMeter;
  /** What the callers saw (failures, latency, attempts, 429s, routed calls, probes): healing verdicts read it. */
  readonly calls = new CallTally();
  /** The fallback that served a call was picked before trying this voice (a route): set and read synchronously. */
  private routedCall = false;
  private pipelineHandle: PipelineHandle | undefined;
  /** Clock reading of the last attempt or probe (0 = none yet): idle voices get probed. */
  lastActivity = 0;
  /** When the voice last learned from a success, and the least time between two (see attemptSucceeded). */
  private learnedAt = Number.NEGATIVE_INFINITY;
  private readonly learningIntervalMs: number;
  /** Whether each of the brain's events has a listener (the host keeps it up to date). */
  private readonly listening: Listening;
  private readonly methodCells = new Map<string, MethodMetrics>();
  /** Cells of the methods beyond the cap (method label `other`). */
  private overflowCells: MethodMetrics | undefined;
  private readonly metrics: AdapterMetrics;
  private circuit: CircuitState = 'closed';
  /** No call should go upstream before this (epoch ms): a rate limit or rejected key, here or elsewhere. */
  private cooldown = 0;
  private modelCooldowns: Map<string, number> | undefined;
  /** Category of the latest failed attempt (the fleet summary names it). */
  lastFailureCategory: ErrorCategory | undefined;
  /** Error code of the latest failed attempt, if it had one (a DNS failure stays out of the fleet summary). */
  lastFailureCode: string | undefined;

  constructor(
    /** Voice (adapter) name. */
    readonly name: string,
    private readonly host: VoiceHost,
    private readonly registry: InfrastructureMetrics,
    private logger: ConsciousnessLogger,
  ) {
    this.health = new HealthTracker(name, {
      clock: host.clock,
      consciousnessWeight: host.consciousnessWeight,
    });
    this.metrics = registry.forAdapter(name);
    this.learningIntervalMs = host.config?.learningIntervalMs ?? DEFAULT_LEARNING_INTERVAL_MS;
    this.listening = host.listening;
    this.usage = new UsageMeter(name, {
      clock: host.clock,
      logger,
      metrics: registry,
      settings: host.usageSettings ?? DEFAULT_USAGE_SETTINGS,
      listening: host.listening,
      operation: (record) => host.emit('operation', record),
    });
  }

  private readonly sharedState = new Map<symbol, unknown>();

  /**
   * State every wrap of this voice shares (its breakers, its methods' learned latencies): created
   * by the first wrap, used by each wrap made later — a client wrapped per request is protected
   * exactly like a shared one.
   */
  shared<T>(key: symbol, create: () => T): T {
    let value = this.sharedState.get(key) as T | undefined;
    if (value === undefined) {
      value = create();
      this.sharedState.set(key, value);
    }
    return value;
  }

  /** Fallbacks skipped because their voice was already on the call's fallback path (a cycle). */
  skippedCycles = 0;

  /** Logs of this voice go to `logger` from now on (the `logger` option of withConsciousness). */
  useLogger(logger: ConsciousnessLogger): void {
    this.logger = logger;
  }

  /** Recording a call threw (a meter, a listener): logged; the call ended all the same. Never throws. */
  recordingFailed(method: string, err: unknown): void {
    try {
      this.logger.error(
        { adapter: this.name, method, message: err instanceof Error ? err.message : String(err) },
        `${this.name}.${method}: recording the call failed; the caller got its result`,
      );
    } catch {
      // The logger itself failed: nothing is left to tell.
    }
  }

  /** A fallback was skipped: its voice is already on this call's fallback path. */
  skippedCycle(target: string, method: string, log: boolean): void {
    this.skippedCycles += 1;
    if (log) {
      this.logger.warn(
        { adapter: this.name, method, target },
        "fallback skipped: its voice is already on this call's fallback path (a cycle)",
      );
    }
  }

  /** Attaches the wrapper's pipeline (the latest wrapper of this name wins). */
  attach(handle: PipelineHandle): void {
    this.pipelineHandle = handle;
  }

  /** Detaches a disposed wrap's pipeline (if it is the attached one). */
  detach(handle: PipelineHandle): void {
    if (this.pipelineHandle === handle) this.pipelineHandle = undefined;
  }

  /** What the healer may ask of the wrapper: in-flight calls, a usable fallback, a reconnect. */
  get pipeline(): PipelineHandle | undefined {
    return this.pipelineHandle;
  }

  /**
   * Metric cells of one method (cached: the hot path holds on to them). Beyond
   * `maxMethodsPerVoice` method paths, a new one gets the cells of method `other` (one warning,
   * cap_overflows_total{cap="methods"}), so dynamic method names cannot grow the voice.
   */
  method(method: string): MethodMetrics {
    let cells = this.methodCells.get(method);
    if (cells === undefined) {
      const limit = this.maxMethods;
      if (this.methodCells.size >= limit) {
        this.capReached(
          'methods',
          limit,
          { method },
          'further methods of a voice are counted as method other',
        );
        return (this.overflowCells ??= this.registry.forMethod(this.name, OVERFLOW_LABEL_VALUE));
      }
      cells = this.registry.forMethod(this.name, method);
      this.methodCells.set(method, cells);
    }
    return cells;
  }

  /** Whether a method path is one of the voice's own (under the method cap), not folded into `other`. */
  tracksMethod(method: string): boolean {
    return this.methodCells.has(method);
  }

  /** Method paths the voice tracks (at most `maxMethodsPerVoice`). */
  get methodCount(): number {
    return this.methodCells.size;
  }

  /** The cap on method paths of this voice. */
  get maxMethods(): number {
    return this.host.config?.maxMethodsPerVoice ?? DEFAULT_MAX_METHODS;
  }

  /** A cap of this voice was reached (methods, breakers): counted, and warned about once per cap. */
  capReached(cap: CapName, limit: number, detail: Record<string, unknown>, fallback: string): void {
    this.host.caps?.exceeded(cap, limit, { adapter: this.name, ...detail }, fallback);
  }

  /** Remembers the alias that serves a missing method. */
  learnAlias(method: string, alias: string): void {
    this.host.learnAlias(this.name, method, alias);
    this.logger.info({ adapter: this.name, method, alias }, `${this.name}.${method} is served by ${alias}`);
  }

  /** The alias learned earlier (in this process or, with memory, a previous one). */
  learnedAlias(method: string): string | undefined {
    return this.host.learnedAlias(this.name, method);
  }

  /**
   * Epoch ms before which no call should go to this provider (or `model` of it): the latest
   * cool-down this instance observed or, with shared state, any instance did. A plain read.
   */
  cooldownUntil(model?: string): number {
    if (model === undefined || this.modelCooldowns === undefined) return this.cooldown;
    return Math.max(this.cooldown, this.modelCooldowns.get(model) ?? 0);
  }

  /**
   * Records a cool-down (a 429's Retry-After, a rejected key): only ever extends the deadline.
   * With shared state the other instances learn it too (fire and forget; never awaited).
   */
  coolDown(untilEpochMs: number, reason: CooldownReason, model?: string): void {
    if (this.extendCooldown(untilEpochMs, model))
      this.host.coolDown?.(this.name, untilEpochMs, reason, model);
  }

  /**
   * With shared state, the gate that lets one of the calls waiting for the end of a cool-down
   * probe the provider while the others wait for its outcome; undefined alone.
   */
  get cooldownGate(): CooldownGate | undefined {
    return this.host.cooldownGate;
  }

  /** Extends the cool-down without sharing it (it came from another instance); true when it moved. */
  extendCooldown(untilEpochMs: number, model?: string): boolean {
    if (model === undefined) {
      if (untilEpochMs <= this.cooldown) return false;
      this.cooldown = untilEpochMs;
      return true;
    }
    const models = (this.modelCooldowns ??= new Map());
    if (untilEpochMs <= (models.get(model) ?? 0)) return false;
    models.delete(model);
    models.set(model, untilEpochMs);
    if (models.size > MAX_MODEL_COOLDOWNS) models.delete(models.keys().next().value!);
    return true;
  }

  /**
   * An upstream attempt succeeded. It is always counted (health, the call tally, metrics); it is
   * learned from — latency estimators, the method's latency, pattern detectors, the predictor —
   * unless the voice is steady (its latest window of calls all succeeded, no healing knob set) and
   * already learned from a success less than `learningIntervalMs` ago (1 ms by default: LLM calls
   * come far slower, so only call rates above a thousand a second are thinned; 0 learns from every
   * call). Returns whether this success was learned from (then the caller feeds the method's latency too).
   */
  attemptSucceeded(latencyMs: number, response: unknown, now: number = this.host.clock()): boolean {
    if (now - this.learnedAt < this.learningIntervalMs && !this.tuning.active && this.health.steady) {
      this.health.countSuccess(response, now);
      this.calls.attempt(now, true, false, latencyMs);
      this.lastActivity = now;
      this.emitSignature();
      return false;
    }
    this.learnedAt = now;
    this.health.recordSuccess(latencyMs, response, now);
    this.calls.attempt(now, true, false, latencyMs);
    this.host.observe(this, true, undefined, latencyMs, response, now);
    this.emitSignature();
    return true;
  }

  /** A health probe answered connected. */
  probeSucceeded(latencyMs: number, result: unknown): void {
    this.health.setConnected(true);
    this.attemptSucceeded(latencyMs, result);
  }

  /** A health probe threw, hung or answered disconnected. */
  probeFailed(classification: Classification, latencyMs: number): void {
    this.method('checkHealth').error(classification.category);
    this.health.recordFailure(classification.category, latencyMs);
    this.health.setConnected(false);
    this.logger.warn(
      { adapter: this.name, category: classification.category, message: classification.message },
      `${this.name} health probe failed: ${classification.category}`,
    );
    this.host.observe(this, false, classification.category, latencyMs, undefined);
    this.emitSignature();
  }

  /** An upstream attempt failed with a classified error. */
  attemptFailed(
    cells: MethodMetrics,
    method: string,
    classification: Classification,
    latencyMs: number,
    attempt: number,
  ): void {
    const category = classification.category;
    cells.error(category);
    if (category !== 'aborted' && category !== 'circuit_open') {
      this.lastFailureCategory = category;
      this.lastFailureCode = classification.code;
      const authCooldownMs = this.host.authCooldownMs;
      if (category === 'auth' && authCooldownMs !== undefined) {
        this.coolDown(this.host.clock() + authCooldownMs, 'auth');
      }
      this.health.recordFailure(category, latencyMs);
      this.calls.attempt(this.host.clock(), false, category === 'rate_limited', latencyMs);
      this.host.observe(this, false, category, latencyMs, undefined, undefined, classification.retryAfterMs);
      this.usage.failed(method, category, latencyMs);
    }
    const event = {
      adapter: this.name,
      method,
      category,
      status: classification.status,
      code: classification.code,
      message: classification.message,
      latencyMs,
      attempt,
    };
    this.logger.warn(event, `${this.name}.${method} failed: ${category}`);
    this.host.emit('failure', event);
    this.emitSignature();
  }

  /** Loading the adapter failed (counted under method `import`); the load is retried later. */
  loadFailed(classification: Classification, latencyMs: number, retryInMs: number): void {
    this.method('import').error(classification.category);
    this.health.recordFailure(classification.category, latencyMs);
    this.host.observe(this, false, classification.category, latencyMs, undefined);
    this.logger.warn(
      { adapter: this.name, category: classification.category, message: classification.message, retryInMs },
      `${this.name} could not be loaded: ${classification.category}`,
    );
    this.emitSignature();
  }

  /** A retry was scheduled. */
  retrying(
    cells: MethodMetrics,
    method: string,
    category: ErrorCategory,
    delayMs: number,
    attempt: number,
  ): void {
    cells.retry(category);
    this.logger.debug({ adapter: this.name, method, category, delayMs, attempt }, 'retrying');
  }

  /** A caller call ended. */
  callEnded(cells: MethodMetrics, outcome: CallOutcomeLabel, seconds: number, now = this.host.clock()): void {
    cells.call(outcome, seconds);
    const latencyMs = seconds * 1000;
    const routed = this.routedCall;
    this.routedCall = false;
    const probe = !routed && this.tuning.routeToFallbackUntil > now - latencyMs;
    this.calls.callEnded(now, latencyMs, outcome === 'rejected' ? 'failure' : outcome, routed, probe);
  }

  /** A stream delivered its first chunk. */
  firstChunk(cells: MethodMetrics, seconds: number): void {
    cells.firstChunk(seconds);
  }

  /** A rung of the fallback chain served the call; `answer`: what a fallback adapter returned (its model is a label). */
  fellBack(
    cells: MethodMetrics,
    method: string,
    kind: FallbackKind,
    target: string,
    reason: string,
    answer?: unknown,
  ): void {
    const settings = this.host.usageSettings ?? DEFAULT_USAGE_SETTINGS;
    cells.fallback(kind, target, answeringModel(answer), settings.maxModelsPerVoice);
    // The pipeline routes around a voice with this reason, and ends the call right after (synchronously).
    this.routedCall = reason === ROUTED_REASON;
    this.logger.info({ adapter: this.name, method, kind, target, reason }, 'served by fallback');
  }

  /** Records a healing action taken on the call path, with its measured success. */
  healed(action: Omit<HealingEvent, 'actionId' | 'initiatedAt' | 'targetAdapter'>): HealingEvent {
    const event: HealingEvent = {
      actionId: randomUUID(),
      targetAdapter: this.name,
      initiatedAt: new Date(this.host.clock()).toISOString(),
      ...action,
    };
    this.health.recordHealingAction({
      actionId: event.actionId,
      actionType: event.actionType,
      initiatedAt: event.initiatedAt,
      reason: event.reason,
    });
    this.registry.healingAction(this.name, event.actionType, event.success ? 'success' : 'failure');
    this.logger.info({ ...event }, `healing: ${event.actionType} on ${this.name}`);
    this.host.emit('healing', event);
    return event;
  }

  /** The breaker moved. */
  circuitChanged(to: CircuitState): void {
    const from = this.circuit;
    if (from === to) return;
    this.circuit = to;
    this.health.setCircuitState(to);
    this.metrics.setCircuitState(to);
    this.metrics.transition(to);
    const log = to === 'open' ? this.logger.error : this.logger.info;
    log.call(this.logger, { adapter: this.name, from, to }, `circuit ${from} -> ${to}`);
    this.host.emit('circuit', { adapter: this.name, from, to, timestamp: this.host.clock() });
    this.emitSignature();
  }

  /** The voice could (or could not) be reached: import results, probes. */
  connectivity(connected: boolean): void {
    this.health.setConnected(connected);
  }

  private emitSignature(): void {
    // Snapshots allocate: only build one when somebody listens.
    if (this.listening.signature) this.host.emit('signature', this.health.snapshot());
  }
}

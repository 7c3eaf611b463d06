import { systemScheduler, type Scheduler } from '../clock/Scheduler.js';
import type { Clock } from '../clock/Clock.js';
import type { VoiceTuning } from '../voice/VoiceTuning.js';
import type { Voice } from '../voice/Voice.js';
import { StreamingQuantile } from '../health/StreamingQuantile.js';
import { adaptiveTimeoutMs } from '../base/adaptiveTimeoutMs.js';
import { DeadlineQueue } from './DeadlineQueue.js';

/** How the attempt timeout follows a method's successful latencies. */
export interface AdaptiveTimeoutOptions {
  /** Timeout = multiplier × p95 of successful attempt latencies … */
  readonly multiplier: number;
  /** … at least this … */
  readonly minMs: number;
  /** … once this many successes are measured. */
  readonly minSamples: number;
}

/** Models per method whose latencies are learned apart (the rest share the method's). */
const MAX_MODELS = 20;

/** The voice's methods' learned latencies (Voice.shared): every wrap of a voice learns and reads them. */
const METHOD_LATENCIES = Symbol('method latencies');

/** Latencies learned per method path of a voice (at most its method cap; further methods share `other`'s). */
export function methodLatencies(voice: Voice): Map<string, MethodLatency> {
  return voice.shared(METHOD_LATENCIES, () => new Map<string, MethodLatency>());
}

/** What one method (path) has learned about its own successful latencies. */
export class MethodLatency {
  /** p95 of the method's successful attempt latencies (timeouts and failures excluded: they would feed back). */
  readonly p95 = new StreamingQuantile({ quantile: 0.95 });
  private readonly models = new Map<string, StreamingQuantile>();
  /** The model asked for last and its estimate: consecutive calls of one model skip the Map. */
  private lastModel: string | undefined;
  private lastOwn: StreamingQuantile | undefined;

  /** The latency estimate of a model (its own once it has one, else the method's). */
  of(model: string | undefined): StreamingQuantile {
    if (model === undefined) return this.p95;
    return this.own(model) ?? this.p95;
  }

  /** Counts a successful attempt's latency (to its result, or a stream's first chunk). */
  add(ms: number, model: string | undefined): void {
    this.p95.add(ms);
    if (model === undefined) return;
    let own = this.own(model);
    if (own === undefined) {
      if (this.models.size >= MAX_MODELS) return;
      own = new StreamingQuantile({ quantile: 0.95 });
      this.models.set(model, own);
    }
    own.add(ms);
  }

  private own(model: string): StreamingQuantile | undefined {
    if (model === this.lastModel && this.lastOwn !== undefined) return this.lastOwn;
    const own = this.models.get(model);
    if (own !== undefined) {
      this.lastModel = model;
      this.lastOwn = own;
    }
    return own;
  }
}

/**
 * The attempt timeout: a healing knob's, else the timeout learned from the method's (and model's)
 * successful latencies within [minMs, timeout], else `timeout`. Long generations and fast
 * embeddings on one client no longer share one learned timeout. Deadlines of equal duration share
 * one `DeadlineQueue` (durations are whole seconds, so there are few queues).
 */
export class AttemptTimeout {
  private readonly queues = new Map<number, DeadlineQueue>();

  constructor(
    private readonly configured: number | false,
    private readonly adaptive: AdaptiveTimeoutOptions | false,
    private readonly tuning: VoiceTuning,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler = systemScheduler,
  ) {}

  /** Whether attempts can time out at all. */
  get enabled(): boolean {
    return this.configured !== false || this.tuning.timeoutMs !== undefined;
  }

  /** The timeout of an attempt now, in ms (undefined: none). */
  durationMs(latency: MethodLatency | undefined, model: string | undefined): number | undefined {
    const knob = this.tuning.timeoutMs;
    if (knob !== undefined) return knob;
    const configured = this.configured;
    if (configured === false) return undefined;
    const adaptive = this.adaptive;
    if (adaptive === false || latency === undefined) return configured;
    const learned = latency.of(model);
    if (learned.count < adaptive.minSamples) return configured;
    return adaptiveTimeoutMs(learned.value, adaptive.multiplier, adaptive.minMs, configured);
  }

  /** Attempts still under a deadline that started after `t` (epoch ms). */
  startedAfter(t: number): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.startedAfter(t);
    return count;
  }

  /** When the oldest attempt still under a deadline started (epoch ms); undefined when none is. */
  oldestStartedAt(): number | undefined {
    let oldest: number | undefined;
    for (const queue of this.queues.values()) {
      const at = queue.oldestStartedAt;
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
    }
    return oldest;
  }

  /** Stops the sweeps of idle queues (a disposed wrap); attempts still in flight keep theirs until they settle. */
  dispose(): void {
    for (const queue of this.queues.values()) queue.stopIfIdle();
  }

  /** The deadline queue of a duration (created on first use). */
  queue(ms: number): DeadlineQueue {
    let queue = this.queues.get(ms);
    if (queue === undefined) {
      queue = new DeadlineQueue(ms, this.clock, this.scheduler);
      this.queues.set(ms, queue);
    }
    return queue;
  }
}

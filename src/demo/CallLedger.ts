import { AsyncLocalStorage } from 'node:async_hooks';
import type { InfrastructureEvents } from '../voice/CallEvents.js';
import type { ConsciousModelAdapter } from '../firecircle/ConsciousModelAdapter.js';
import { pipelineOf } from '../wrap/withConsciousness.js';

/** How one dialogue call ended, as the caller saw it. */
export type CallVerdict = 'answered' | 'savedByRetry' | 'servedByFallback' | 'failed' | 'cancelled';

/** Dialogue calls of one voice, by how they ended. */
export interface VoiceCallCounts {
  /** Calls the dialogue made to this voice (cancelled ones included). */
  calls: number;
  /** Answered by the voice at its first attempt. */
  answered: number;
  /** Answered by the voice after at least one failed attempt (a retry saved the call). */
  savedByRetry: number;
  /** Answered by another voice (a fallback saved the call). */
  servedByFallback: number;
  /** The caller got an error: every path failed. */
  failed: number;
  /** Cut short because the run ended. */
  cancelled: number;
}

/** What the ledger listens to on the brain. */
export interface CallEventSource {
  on<K extends 'failure' | 'signature'>(
    event: K,
    listener: (...args: InfrastructureEvents[K]) => void,
  ): unknown;
}

/** One dialogue call in flight: whose it is, the voices it has visited, its own attempts' outcomes. */
interface CallRecord {
  readonly voice: string;
  readonly visited: Set<string>;
  ownFailures: number;
  lastOwnAttemptOk: boolean | undefined;
}

const emptyCounts = (): VoiceCallCounts => ({
  calls: 0,
  answered: 0,
  savedByRetry: 0,
  servedByFallback: 0,
  failed: 0,
  cancelled: 0,
});

/**
 * Attributes every dialogue call to what answered it. Each call runs in its own async context, so
 * the brain's `failure` and `signature` events (emitted synchronously on the call path, fallback
 * calls included) land in that call's record: a call answered after own failures was saved by a
 * retry; one whose own last attempt failed (or that never reached its voice) was saved by a fallback.
 */
export class CallLedger {
  private readonly context = new AsyncLocalStorage<CallRecord>();
  private readonly byVoice = new Map<string, VoiceCallCounts>();

  /** Listens to the brain's attempt events. */
  constructor(events: CallEventSource) {
    events.on('failure', (event) => {
      const record = this.context.getStore();
      if (record === undefined || event.adapter !== record.voice || event.category === 'aborted') return;
      record.ownFailures += 1;
      record.lastOwnAttemptOk = false;
    });
    events.on('signature', (signature) => {
      const record = this.context.getStore();
      if (record === undefined || signature.adapterId !== record.voice) return;
      // A success resets the failure streak; a failure (or a transition after one) leaves it above 0.
      record.lastOwnAttemptOk = signature.consecutiveFailures === 0;
    });
  }

  /**
   * Runs one dialogue call of `voice` and counts how it ended; resolves or rejects like `call`. A
   * rejection while `signal` is aborted counts as cancelled, any other as a caller-visible failure.
   */
  async run<T>(voice: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    const record: CallRecord = {
      voice,
      visited: new Set([voice]),
      ownFailures: 0,
      lastOwnAttemptOk: undefined,
    };
    const counts = this.countsOf(voice);
    counts.calls += 1;
    try {
      const value = await this.context.run(record, call);
      counts[this.verdictOf(record)] += 1;
      return value;
    } catch (err) {
      counts[signal.aborted ? 'cancelled' : 'failed'] += 1;
      throw err;
    }
  }

  /**
   * A fallback that forwards to the wrapped voice `name` once it exists. Voices fall back to each
   * other in a ring, so the target is looked up at call time; within one dialogue call a voice is
   * never visited twice, and a voice whose breaker is open is skipped, like a direct fallback.
   */
  fallbackTo(name: string, voice: () => ConsciousModelAdapter | undefined): object {
    const enter = (): ConsciousModelAdapter => {
      const target = voice();
      if (target === undefined) throw new Error(`fallback ${name} is not in the circle`);
      if (pipelineOf(target)?.allows('sendMessage') === false)
        throw new Error(`fallback ${name}: circuit open`);
      const record = this.context.getStore();
      if (record?.visited.has(name)) throw new Error(`fallback ${name} already tried in this call`);
      record?.visited.add(name);
      return target;
    };
    return {
      providerName: name,
      sendMessage: (...args: Parameters<ConsciousModelAdapter['sendMessage']>) =>
        enter().sendMessage(...args),
      streamMessage: (...args: Parameters<ConsciousModelAdapter['streamMessage']>) =>
        enter().streamMessage(...args),
    };
  }

  /** Counts of one voice (zeros before its first call); a live object. */
  countsOf(voice: string): VoiceCallCounts {
    let counts = this.byVoice.get(voice);
    if (counts === undefined) {
      counts = emptyCounts();
      this.byVoice.set(voice, counts);
    }
    return counts;
  }

  /** Counts summed over every voice. */
  totals(): VoiceCallCounts {
    const total = emptyCounts();
    for (const counts of this.byVoice.values()) {
      for (const key of Object.keys(total) as (keyof VoiceCallCounts)[]) total[key] += counts[key];
    }
    return total;
  }

  private verdictOf(record: CallRecord): Exclude<CallVerdict, 'failed' | 'cancelled'> {
    if (record.lastOwnAttemptOk !== true) return 'servedByFallback';
    return record.ownFailures > 0 ? 'savedByRetry' : 'answered';
  }
}

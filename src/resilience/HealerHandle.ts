import type { PipelineHandle, Voice } from '../voice/Voice.js';
import type { AttemptTimeout } from './AttemptTimeout.js';
import type { AdapterSource } from './CallPipelineParts.js';
import type { ConcurrencyLimit } from './ConcurrencyLimit.js';
import type { FallbackChain } from './FallbackChain.js';

/**
 * What the voice's healer reaches of one wrap (attached to its voice while the wrap lives): its
 * attempts in flight and the oldest one's start, whether a fallback or a last good value could
 * serve, and the `reconnect` action on the real adapter. `release()` ends the attachment.
 */
export class HealerHandle implements PipelineHandle {
  /** A method whose stale last-good value may stand in for it has one (defensive values could serve). */
  private substitutable = false;

  constructor(
    private readonly name: string,
    private readonly voice: Voice,
    private readonly source: AdapterSource,
    private readonly limit: ConcurrencyLimit,
    private readonly timeout: AttemptTimeout,
    private readonly chain: FallbackChain,
  ) {
    voice.attach(this);
  }

  inFlight(): number {
    return this.limit.attempting;
  }

  oldestAttemptStartedAt(): number | undefined {
    return this.timeout.oldestStartedAt();
  }

  attemptsStartedAfter(t: number): number {
    return this.timeout.startedAfter(t);
  }

  hasFallback(): boolean {
    return this.chain.any();
  }

  canSubstitute(): boolean {
    return this.substitutable;
  }

  /** A method whose stale last-good value may stand in for it has one now. */
  markSubstitutable(): void {
    this.substitutable = true;
  }

  reconnect(): Promise<void> {
    return reconnectAdapter(this.name, this.source);
  }

  /**
   * The wrap is disposed: idle timeout sweeps stopped, a loader's timer cleared and its loads
   * stopped, the voice's healer no longer reaching it. Calls in flight finish as they would have.
   */
  release(): void {
    this.timeout.dispose();
    this.source.dispose?.();
    this.voice.detach(this);
  }
}

/** The `reconnect` healing action: disconnect() then connect() on the real adapter. */
export async function reconnectAdapter(name: string, source: AdapterSource): Promise<void> {
  const adapter = source.current() as { disconnect?: () => unknown; connect?: () => unknown } | undefined;
  if (adapter === undefined || typeof adapter.connect !== 'function') {
    throw new Error(`${name} cannot reconnect: the adapter has no connect()`);
  }
  if (typeof adapter.disconnect === 'function') await adapter.disconnect();
  const connected = await adapter.connect();
  if (connected === false) throw new Error(`${name} connect() returned false`);
}

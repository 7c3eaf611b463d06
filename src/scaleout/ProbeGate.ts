import { systemScheduler, type Scheduler } from '../clock/Scheduler.js';
import type { CooldownGate } from '../voice/CooldownGate.js';
import { isThenable } from '../resilience/resultShapes.js';
import { SharedKeys } from './SharedKeys.js';

/**
 * Longest time the calls waiting behind a probe are held (ms): a 429 comes back fast, so a probe
 * still running after this is taken as an answer (a long completion) and the others go.
 */
export const PROBE_HOLD_MS = 1_000;

/**
 * One probe per cool-down end in this instance: of the calls that waited for the end of a
 * cool-down (of a voice, or of one of its models), the first goes; the others wait until its
 * result settles — a 429 has set a new cool-down by then, which they honour (fallback or a new
 * wait) — or until {@link PROBE_HOLD_MS} passed. Across instances the same job is done by the
 * staggered resume of the instances that did not set the deadline (SharedCooldowns), so a fleet
 * sends one request, not one per waiting call per instance, into a provider that just asked for a
 * pause. Passes every call straight through while Redis is not answering (the instance then works
 * exactly as a single one).
 */
export class ProbeGate implements CooldownGate {
  /** The outcome of the probe in flight, per cool-down member (`<voice>` or `<voice>:<model>`). */
  private readonly probes = new Map<string, Promise<void>>();

  constructor(
    /** Whether the shared state is connected (otherwise no gate). */
    private readonly active: () => boolean,
    /** The hold's timer. */
    private readonly scheduler: Scheduler = systemScheduler,
    private readonly holdMs = PROBE_HOLD_MS,
  ) {}

  /** Calls held behind a probe right now (for tests and the benchmark). */
  waiting = 0;

  pass(voice: string, model: string | undefined, go: () => unknown): unknown {
    if (!this.active()) return go();
    const member = SharedKeys.cooldownMember(voice, model);
    const probe = this.probes.get(member);
    if (probe !== undefined) {
      this.waiting += 1;
      return probe.then(() => {
        this.waiting -= 1;
        return go();
      });
    }
    const result = go();
    if (!isThenable(result)) return result;
    let release!: () => void;
    const outcome = new Promise<void>((resolve) => (release = resolve));
    const done = (): void => {
      this.scheduler.clearTimeout(timer);
      if (this.probes.get(member) === outcome) this.probes.delete(member);
      release();
    };
    const timer = this.scheduler.setTimeout(done, this.holdMs);
    timer.unref();
    this.probes.set(member, outcome);
    result.then(done, done);
    return result;
  }
}

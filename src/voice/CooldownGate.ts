/**
 * Who calls a provider first when a cool-down ends (shared state only): the calls that waited for
 * the end of a cool-down do not all go at once — one goes as the probe, the others, and calls
 * arriving while it is out, wait for its outcome (a new cool-down they then honour, or an answer).
 * Without shared state there is none and every waiting call goes at the deadline, as before.
 */
export interface CooldownGate {
  /** Probes out right now: while 0, no call is held (the call path reads only this). */
  readonly out: number;
  /** Whether the probe of the cool-down of `voice` (or of its `model`) is out. */
  probing(voice: string, model: string | undefined): boolean;
  /**
   * Runs `go` for a call whose wait for the end of the cool-down of `voice` (or of its `model`) is
   * over: at once when no probe of that cool-down is in flight (this call is the probe), otherwise
   * once the probe's result settled or the probe ran longer than the gate holds calls. Returns what
   * `go` returns (a promise of it when the call was held). A held call whose `signal` aborts is
   * rejected at once with the signal's reason, after `aborted` is called.
   */
  pass(
    voice: string,
    model: string | undefined,
    go: () => unknown,
    signal?: AbortSignal,
    aborted?: () => void,
  ): unknown;
  /**
   * Runs `go` for a call that did not wait for the cool-down: at once when no probe of it is out,
   * otherwise held like the calls behind the probe in {@link pass} (it does not become a probe).
   */
  hold(
    voice: string,
    model: string | undefined,
    go: () => unknown,
    signal?: AbortSignal,
    aborted?: () => void,
  ): unknown;
}

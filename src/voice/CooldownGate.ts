/**
 * Who calls a provider first when a cool-down ends (shared state only): the calls that waited for
 * the end of a cool-down do not all go at once — one goes as the probe, the others wait for its
 * outcome (a new cool-down they then honour, or an answer). Without shared state there is none and
 * every waiting call goes at the deadline, as before.
 */
export interface CooldownGate {
  /**
   * Runs `go` for a call whose wait for the end of the cool-down of `voice` (or of its `model`) is
   * over: at once when no probe of that cool-down is in flight (this call is the probe), otherwise
   * once the probe's result settled or the probe ran longer than the gate holds calls. Returns what
   * `go` returns (a promise of it when the call waited).
   */
  pass(voice: string, model: string | undefined, go: () => unknown): unknown;
}

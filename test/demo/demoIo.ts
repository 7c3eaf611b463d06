import type { CliIo } from '../../src/lab/cli.js';

/** An io that records what the demo prints; `stop()` aborts the run like SIGINT. */
export function recordingIo(cwd: string): CliIo & { out: () => string; err: () => string; stop: () => void } {
  let out = '';
  let err = '';
  const controller = new AbortController();
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    signal: controller.signal,
    cwd,
    out: () => out,
    err: () => err,
    stop: () => controller.abort(),
  };
}

/** Every metric family of DESIGN §8, with the default prefix. */
export const DESIGN_METRICS: readonly string[] = [
  'fire_circle_adapter_calls_total',
  'fire_circle_adapter_call_duration_seconds',
  'fire_circle_adapter_errors_total',
  'fire_circle_adapter_retries_total',
  'fire_circle_adapter_fallbacks_total',
  'fire_circle_stream_first_chunk_seconds',
  'fire_circle_circuit_state',
  'fire_circle_circuit_transitions_total',
  'fire_circle_adapter_up',
  'fire_circle_adapter_consecutive_failures',
  'fire_circle_adapter_response_time_p95_seconds',
  'fire_circle_consciousness_coherence',
  'fire_circle_voice_stability',
  'fire_circle_predicted_failure_probability',
  'fire_circle_patterns_detected_total',
  'fire_circle_pattern_active',
  'fire_circle_healing_actions_total',
  'fire_circle_infrastructure_consciousness_score',
];

/** Sample values of one metric in a text exposition (`name{labels} value` lines). */
export function samplesOf(exposition: string, name: string): number[] {
  const values: number[] = [];
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) values.push(value);
  }
  return values;
}

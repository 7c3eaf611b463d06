import { fileURLToPath } from 'node:url';

/** The providers the benchmark builds voices for (all served by the lab emulator). */
export type VoiceProvider = 'openai' | 'anthropic' | 'deepseek' | 'local';

/** One model voice: which reference adapter, on which emulated model. */
export interface VoiceSpec {
  readonly provider: VoiceProvider;
  readonly model: string;
}

/** A primary voice the scenario faults and the one fallback voice it leaves healthy. */
export interface VoicePair {
  readonly primary: VoiceSpec;
  readonly fallback: VoiceSpec;
}

/** One scenario of the suite: its fault timeline, how long callers run, and the voices they call. */
export interface ChaosCase {
  /** Short id (table rows, JSON keys, `--only`). */
  readonly id: string;
  /** Scenario JSON file (validated with the lab's ScenarioSchema). */
  readonly scenarioPath: string;
  /** How long callers keep calling. */
  readonly runMs: number;
  /** Caller call k of caller c goes to pair (c + k) mod pairs. */
  readonly pairs: readonly VoicePair[];
}

const scenario = (file: string): string => fileURLToPath(new URL(`./scenarios/${file}`, import.meta.url));

const GPT: VoicePair = {
  primary: { provider: 'openai', model: 'gpt-5.4' },
  fallback: { provider: 'openai', model: 'gpt-5.4-mini' },
};

/**
 * The suite: the built-in fault kinds, compressed to about 20 s each and aimed at the primary
 * model only, so that every client has the same healthy fallback to turn to.
 */
export const CHAOS_CASES: readonly ChaosCase[] = [
  { id: 'rate-limit-storm', scenarioPath: scenario('rate-limit-storm.json'), runMs: 21_000, pairs: [GPT] },
  {
    id: '5xx-burst',
    scenarioPath: scenario('5xx-burst.json'),
    runMs: 20_000,
    // The Anthropic adapter, failing over across providers.
    pairs: [
      {
        primary: { provider: 'anthropic', model: 'claude-sonnet-4-6' },
        fallback: { provider: 'openai', model: 'gpt-5.4-mini' },
      },
    ],
  },
  { id: 'latency-ramp', scenarioPath: scenario('latency-ramp.json'), runMs: 20_000, pairs: [GPT] },
  {
    id: 'outage-recovery',
    scenarioPath: scenario('outage-recovery.json'),
    runMs: 40_000,
    pairs: [
      {
        primary: { provider: 'openai', model: 'gpt-5.4' },
        fallback: { provider: 'anthropic', model: 'claude-haiku-4-5' },
      },
    ],
  },
  {
    id: 'api-change-null-content',
    scenarioPath: scenario('api-change-null-content.json'),
    runMs: 20_000,
    pairs: [GPT],
  },
  {
    id: 'resonance-outage',
    scenarioPath: scenario('resonance-outage.json'),
    runMs: 20_000,
    pairs: [
      GPT,
      {
        primary: { provider: 'anthropic', model: 'claude-sonnet-4-6' },
        fallback: { provider: 'anthropic', model: 'claude-haiku-4-5' },
      },
      {
        primary: { provider: 'deepseek', model: 'deepseek-chat' },
        fallback: { provider: 'local', model: 'llama3.2' },
      },
    ],
  },
  { id: 'flapping', scenarioPath: scenario('flapping.json'), runMs: 20_000, pairs: [GPT] },
];

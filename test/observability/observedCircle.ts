import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { createAdapter } from '../../src/firecircle/adapters/createAdapter.js';
import { createMessage, type ConsciousMessage } from '../../src/firecircle/ConsciousMessage.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { startMetricsServer, type MetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';

/** The scenario of these tests: an outage with resonance, an API change, then recovery of every voice. */
export const OBSERVED_SCENARIO = JSON.parse(
  readFileSync(new URL('./observed-circle.scenario.json', import.meta.url), 'utf8'),
) as ScenarioInput;

/** Traffic long enough for the scenario's last phase, the circuits closing and recovery being reported. */
export const SCENARIO_TRAFFIC_MS = 11_000;

const API_KEY = 'sk-lab-observability-0000';
const ROUND_PAUSE_MS = 100;
/** Every STREAM_EVERY-th round streams instead of sending, so first-chunk histograms fill too. */
const STREAM_EVERY = 4;

/** What happened while the traffic ran, as the brain reported it. */
export interface ObservedEvents {
  readonly patterns: Set<string>;
  readonly circuits: Set<string>;
  /** `action:result` of healing actions whose outcome was measured. */
  readonly completedHealings: Set<string>;
}

/** A wrapped Fire Circle on the provider emulator, served at /metrics. */
export interface ObservedCircle {
  readonly brain: InfrastructureConsciousness;
  readonly registry: Registry;
  readonly emulator: ProviderEmulator;
  readonly metricsServer: MetricsServer;
  /** `127.0.0.1:<port>` of the metrics server (the Prometheus target). */
  readonly target: string;
  readonly voiceNames: readonly string[];
  readonly events: ObservedEvents;
  /** Switches the emulator to `scenario` (its timeline restarts) and calls every voice each round for `ms`. */
  drive(scenario: ScenarioInput, ms: number): Promise<number>;
  /** Closes the metrics server and the emulator; safe to call more than once. */
  close(): Promise<void>;
}

/** A voice of this circle; null is a reply here: the silence a voice falls back to. */
interface Voice {
  sendMessage(
    message: ConsciousMessage,
    context: readonly ConsciousMessage[],
  ): Promise<ConsciousMessage | null>;
  streamMessage(message: ConsciousMessage, context: readonly ConsciousMessage[]): AsyncIterable<string>;
}

/**
 * Four voices (openai, mistral, anthropic through createAdapter on one emulator, deepseek as their
 * fallback) on a fresh brain with its own registry and an in-memory store. Breakers and healing
 * windows are short so a 10 s scenario opens and closes circuits and measures healing outcomes.
 */
export async function startObservedCircle(): Promise<ObservedCircle> {
  const emulator = await startProviderEmulator({
    scenario: { name: 'healthy', seed: 1, phases: [] },
    port: 0,
  });
  const registry = new Registry();
  const brain = new InfrastructureConsciousness({
    registry,
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    config: { healingActionTimeoutMs: 2_000 },
    // Lab prices (not real ones): the cost panel and cost_total need a price table.
    usage: { prices: { currency: 'USD', models: { 'lab-*': { input: 1, output: 4 } } } },
  });
  const events: ObservedEvents = { patterns: new Set(), circuits: new Set(), completedHealings: new Set() };
  brain.on('pattern', (p) => events.patterns.add(p.patternType));
  brain.on('circuit', (c) => events.circuits.add(`${c.adapter}:${c.to}`));
  brain.on('healing', (h) => {
    if (h.completed === true)
      events.completedHealings.add(`${h.actionType}:${h.success ? 'success' : 'failure'}`);
  });

  const common = {
    infrastructure: brain,
    retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 50 },
    breaker: { volumeThreshold: 3, resetTimeoutMs: 2_000 },
    timeout: 5_000,
  };
  const sdk = { apiKey: API_KEY, sdkMaxRetries: 0, timeoutMs: 5_000 };
  const openaiURL = emulator.openaiBaseURL;
  const deepseek = withConsciousness(
    createAdapter('deepseek', { ...sdk, baseURL: openaiURL, model: 'lab-deepseek' }),
    common,
  );
  const voices: Record<string, Voice> = {
    openai: withConsciousness(createAdapter('openai', { ...sdk, baseURL: openaiURL, model: 'lab-gpt' }), {
      ...common,
      fallbacks: [deepseek],
    }),
    mistral: withConsciousness<Voice>(
      createAdapter('mistral', { ...sdk, baseURL: openaiURL, model: 'lab-mistral' }),
      // The value rung of the fallback chain: mistral falls silent (null) instead of failing.
      { ...common, fallbackValue: null },
    ),
    // No fallback voice: every null answer reaches the detectors (with one, predictive routing would send most
    // calls to the fallback once failures are predicted, and the API change would be seen less).
    anthropic: withConsciousness<Voice>(
      createAdapter('anthropic', { ...sdk, baseURL: emulator.anthropicBaseURL, model: 'lab-claude' }),
      { ...common, fallbackValue: null },
    ),
    deepseek,
  };
  const metricsServer = await startMetricsServer({ port: 0, infrastructure: brain });
  const question = createMessage({
    role: 'user',
    sender: 'steward',
    content: 'What pattern do you see in our dialogue today?',
    type: 'question',
    dialogueId: 'observability',
  });

  async function call(voice: Voice, stream: boolean): Promise<void> {
    try {
      if (!stream) {
        await voice.sendMessage(question, []);
        return;
      }
      for await (const delta of voice.streamMessage(question, [])) void delta;
    } catch {
      // A silenced voice is part of the scenario; the metrics record it.
    }
  }

  let closing: Promise<void> | undefined;
  return {
    brain,
    registry,
    emulator,
    metricsServer,
    target: `127.0.0.1:${metricsServer.port}`,
    voiceNames: Object.keys(voices),
    events,
    async drive(scenario, ms) {
      emulator.setScenario(scenario);
      const end = Date.now() + ms;
      let rounds = 0;
      while (Date.now() < end) {
        const stream = rounds % STREAM_EVERY === STREAM_EVERY - 1;
        await Promise.all(Object.values(voices).map((voice) => call(voice, stream)));
        rounds += 1;
        await sleep(ROUND_PAUSE_MS);
      }
      return rounds;
    },
    close: () =>
      (closing ??= (async () => {
        await metricsServer.close();
        await emulator.close();
      })()),
  };
}

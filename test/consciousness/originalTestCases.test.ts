import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterHealthSignatureSchema } from '../../src/health/AdapterHealthSignature.js';
import { HealthTracker } from '../../src/health/HealthTracker.js';
import { heuristicFailureProbability } from '../../src/health/heuristicFailureProbability.js';
import { PatternEngine } from '../../src/patterns/PatternEngine.js';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { InfrastructureMetricsBridge } from '../../src/consciousness/bridge/InfrastructureMetricsBridge.js';
import { consciousnessFromHealth } from '../../src/consciousness/bridge/consciousnessFromHealth.js';
import { InMemoryConsciousnessMetricsCollector } from '../../src/consciousness/collector/InMemoryConsciousnessMetricsCollector.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { FileStore } from '../../src/memory/FileStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import type { CallObservation } from '../../src/patterns/CallObservation.js';
import type { ClockOption } from '../../src/clock/Scheduler.js';
import { settled, VirtualClock } from '../support/VirtualClock.js';

const silent = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 0, 1);
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function brain(
  options: { clock?: ClockOption; store?: MemoryStore | FileStore; config?: Record<string, unknown> } = {},
) {
  return new InfrastructureConsciousness({
    registry: new Registry(),
    logger: silent,
    store: options.store ?? new MemoryStore(),
    random: createSeededRandom(42),
    ...(options.clock ? { clock: options.clock } : {}),
    // Learn from every call: these cases feed calls faster than the 1 ms learning interval.
    config: { learningIntervalMs: 0, ...options.config },
  });
}

function observation(o: Partial<CallObservation>): CallObservation {
  return {
    adapter: 'adapter1',
    timestamp: T0,
    ok: true,
    category: undefined,
    latencyMs: 100,
    coherence: 1,
    responseShape: 'content',
    status: 'healthy',
    consecutiveFailures: 0,
    ...o,
  };
}

const signature = (overrides: Record<string, unknown>) => ({
  adapterId: 'test',
  timestamp: new Date(T0).toISOString(),
  status: 'healthy',
  isConnected: true,
  connectionLatencyMs: 10,
  responseTimeP95Ms: 20,
  lastSuccessfulRequest: null,
  consecutiveFailures: 0,
  totalCalls: 0,
  totalFailures: 0,
  errorRate: 0,
  errorPatterns: {},
  consciousnessCoherence: 1,
  voiceStability: 1,
  predictedFailureProbability: 0,
  circuitState: 'closed',
  selfHealingActionsTaken: [],
  trend: 'stable',
  ...overrides,
});

describe("the original system's 15 test cases", () => {
  it('1: a signature built with coherence 0.9 and stability 0.85 keeps them, probability 0.0', () => {
    const s = AdapterHealthSignatureSchema.parse(
      signature({ consciousnessCoherence: 0.9, voiceStability: 0.85, predictedFailureProbability: 0 }),
    );
    expect([s.consciousnessCoherence, s.voiceStability, s.predictedFailureProbability]).toEqual([
      0.9, 0.85, 0,
    ]);
  });

  it('2: error patterns {api_return_none: 2, timeout: 1} and 3 consecutive failures are kept', () => {
    const tracker = new HealthTracker('test', { clock: () => T0 });
    tracker.recordFailure('api_return_none', 10);
    tracker.recordFailure('api_return_none', 10);
    tracker.recordFailure('timeout', 10);
    const s = tracker.snapshot();
    expect(s.errorPatterns).toEqual({ api_return_none: 2, timeout: 1 });
    expect(s.consecutiveFailures).toBe(3);
  });

  it('3: start/stop monitoring toggles the active flag and keeps the adapters', async () => {
    const b = brain({ config: { checkIntervalMs: 100 } });
    const adapters = [{ providerName: 'a', checkHealth: async () => ({ isConnected: true }) }];
    b.startMonitoring(adapters);
    expect(b.isMonitoring).toBe(true);
    await b.stopMonitoring();
    expect(b.isMonitoring).toBe(false);
    expect(b.monitoredAdapters).toEqual(adapters);
  });

  it('4: a healthy probe gives connected, latency > 0, last success set', async () => {
    // Virtual time: the probe loop's timers and the brain's clock advance only when told to.
    const time = new VirtualClock();
    const b = brain({ clock: time, config: { checkIntervalMs: 100 } });
    let probes = 0;
    b.startMonitoring([
      {
        providerName: 'healthy',
        checkHealth: () => {
          probes += 1;
          return new Promise((r) => time.setTimeout(() => r({ is_connected: true }), 5));
        },
      },
    ]);
    await time.advance(60);
    expect(probes).toBe(1); // the first round at once, the next one after the 100 ms interval
    await b.stopMonitoring();
    const s = b.getHealthSignature('healthy')!;
    expect(s.isConnected).toBe(true);
    expect(s.connectionLatencyMs).toBeCloseTo(5, 6);
    expect(s.lastSuccessfulRequest).not.toBeNull();
  });

  it('5: a probe that throws "Connection failed" gives disconnected with that error counted', async () => {
    const time = new VirtualClock();
    const b = brain({ clock: time, config: { checkIntervalMs: 100 } });
    b.startMonitoring([
      {
        providerName: 'failing',
        checkHealth: async () => {
          throw new Error('Connection failed');
        },
      },
    ]);
    await time.advance(30);
    await b.stopMonitoring();
    const s = b.getHealthSignature('failing')!;
    expect(s.isConnected).toBe(false);
    expect(Object.values(s.errorPatterns).reduce((a, n) => a + (n ?? 0), 0)).toBeGreaterThanOrEqual(1);
  });

  it('6: five samples with consecutive failures 0..4 and coherence 1.0 → 0.6 raise degradation', () => {
    const engine = new PatternEngine();
    const coherence = [1, 0.9, 0.8, 0.7, 0.6];
    const seen = coherence.flatMap(
      (c, i) =>
        engine.observe(
          observation({
            timestamp: T0 + i * 1000,
            ok: i === 0,
            category: i === 0 ? undefined : 'timeout',
            coherence: c,
            consecutiveFailures: i,
            status: i === 0 ? 'healthy' : 'degraded',
          }),
        ).detected,
    );
    expect(seen.map((p) => p.patternType)).toContain('degradation');
  });

  it('7: four healthy samples then one api_return_none raise api_change', () => {
    const engine = new PatternEngine();
    for (let i = 0; i < 4; i++) engine.observe(observation({ timestamp: T0 + i * 1000 }));
    const changes = engine.observe(
      observation({ timestamp: T0 + 5000, ok: false, category: 'api_return_none', consecutiveFailures: 1 }),
    );
    expect(changes.detected.map((p) => [p.patternType, p.category])).toContainEqual([
      'api_change',
      'api_return_none',
    ]);
  });

  it('8: api_change on adapter1 and degradation on adapter2 → api_adaptation and retry_strategy', async () => {
    const b = brain();
    const actions: string[] = [];
    b.on('healing', (h) => actions.push(`${h.targetAdapter}:${h.actionType}`));
    b.voice('adapter1');
    b.voice('adapter2');
    for (let i = 0; i < 4; i++) b.voice('adapter1').attemptSucceeded(100, { content: { text: 'ok' } });
    b.voice('adapter1').health.recordFailure('api_return_none', 5);
    b.observe(b.voice('adapter1'), false, 'api_return_none', 5, undefined);
    for (let i = 0; i < 5; i++) {
      b.voice('adapter2').health.recordFailure('timeout', 5000);
      b.observe(b.voice('adapter2'), false, 'timeout', 5000, undefined);
    }
    await settled(); // healing acts after the calls that raised the patterns
    expect(actions).toContain('adapter1:api_adaptation');
    expect(actions).toContain('adapter2:retry_strategy');
  });

  it('9: an executed healing action is completed, successful, recorded on the adapter and listed', async () => {
    let now = T0;
    const b = brain({ clock: () => now, config: { healingActionTimeoutMs: 10_000, learningIntervalMs: 0 } });
    const voice = b.voice('adapter1');
    const cells = voice.method('sendMessage');
    const overloaded = { category: 'overloaded', message: '529', errorName: 'APIError' } as const;
    // One caller call: `attempts` upstream attempts, the last one answering unless `fails`.
    // What a pattern sets off, and the healer's verdicts, run after each call (AfterCalls).
    const call = async (attempts: number, fails: boolean): Promise<void> => {
      now += 100;
      for (let i = 1; i <= attempts; i++) {
        if (i < attempts || fails) voice.attemptFailed(cells, 'sendMessage', overloaded, 50, i);
        else voice.attemptSucceeded(50, { content: { text: 'ok' } });
      }
      voice.callEnded(cells, fails ? 'failure' : 'success', (attempts * 50) / 1000);
      await settled();
    };
    for (let i = 0; i < 20; i++) await call(1, false);
    // Overloaded: every call answers at its third attempt, until the degradation is healed.
    for (let i = 0; i < 200 && b.healingActions().length === 0; i++) await call(3, false);
    expect(b.healingActions()[0]).toMatchObject({ actionType: 'retry_strategy', completed: false });
    for (let i = 0; i < 30; i++) await call(1, false); // under the action, calls answer at the first attempt
    const [action] = b.successfulHealings();
    expect(action).toMatchObject({ completed: true, success: true, targetAdapter: 'adapter1' });
    expect(b.getHealthSignature('adapter1')!.selfHealingActionsTaken.map((a) => a.actionId)).toContain(
      action!.actionId,
    );
  });

  it('10: the two prediction examples', () => {
    const p1 = heuristicFailureProbability({
      isConnected: true,
      consecutiveFailures: 0,
      coherence: 0.9,
      historyLength: 0,
      failuresInLast10: 0,
    });
    const p2 = heuristicFailureProbability({
      isConnected: false,
      consecutiveFailures: 5,
      coherence: 0.2,
      historyLength: 0,
      failuresInLast10: 0,
    });
    expect(p1).toBeCloseTo(0.13, 10);
    expect(p2).toBe(1);
  });

  it('11: pattern memory saved, cleared and loaded returns the same entries', async () => {
    const store = new MemoryStore();
    const memory = new PatternMemory({ store });
    memory.learnAlias('google', 'sendMessage', 'send_message');
    memory.recordHealingOutcome('api_change', 'api_return_none', 'api_adaptation', true, T0);
    await memory.save();
    const entries = (): string => JSON.stringify({ ...memory.toDocument(), savedAt: undefined });
    const saved = entries();
    memory.clear();
    expect(memory.learnedAlias('google', 'sendMessage')).toBeUndefined();
    await memory.load();
    expect(entries()).toBe(saved);
    expect(memory.learnedAlias('google', 'sendMessage')).toBe('send_message');
  });

  it('12: a report for a healthy adapter says "healthy" and carries an insight', () => {
    const b = brain();
    for (let i = 0; i < 5; i++) b.voice('anthropic').attemptSucceeded(120, { content: { text: 'ok' } });
    const report = b.generateConsciousnessReport();
    expect(report.infrastructureHealth.anthropic!.status).toBe('healthy');
    expect(report.consciousnessInsights.length).toBeGreaterThanOrEqual(1);
  });

  it('13: the two health → consciousness examples', () => {
    const c = (isConnected: boolean, coherence: number, stability: number, p: number) =>
      consciousnessFromHealth({
        isConnected,
        consciousnessCoherence: coherence,
        voiceStability: stability,
        predictedFailureProbability: p,
      });
    expect(c(true, 0.8, 0.7, 0.1)).toBeCloseTo(0.84, 10);
    expect(c(false, 0.2, 0.1, 0.9)).toBe(0);
  });

  it('14: a bridged health check records exactly one `test_infrastructure` signature above 0.5', () => {
    const b = brain();
    const collector = new InMemoryConsciousnessMetricsCollector();
    const bridge = new InfrastructureMetricsBridge({ infrastructure: b, metricsCollector: collector });
    bridge.bridgeHealthCheck(
      AdapterHealthSignatureSchema.parse(signature({ predictedFailureProbability: 0.1 })),
    );
    const recorded = collector.signatures('test_infrastructure');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.value).toBeGreaterThan(0.5);
    bridge.close();
  });

  it('15: a full cycle with a healthy and a failing adapter gives both histories and a snapshot file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-cycle-'));
    dirs.push(dir);
    const time = new VirtualClock();
    const b = brain({
      clock: time,
      store: new FileStore({ directory: dir, logger: silent }),
      config: { checkIntervalMs: 100 },
    });
    b.startMonitoring([
      { providerName: 'healthy', checkHealth: async () => ({ isConnected: true }) },
      {
        providerName: 'failing',
        checkHealth: async () => {
          throw new Error('Connection failed');
        },
      },
    ]);
    // Rounds at 0, 100, 200 and 300 ms of virtual time.
    await time.advance(300);
    await b.stopMonitoring();
    expect(b.getHealthHistory('healthy')).toHaveLength(4);
    expect(b.getHealthHistory('failing')).toHaveLength(4);
    expect((await readdir(dir)).some((f) => /^infrastructure_state_\d{8}_\d{6}.*\.json$/.test(f))).toBe(true);
  });
});

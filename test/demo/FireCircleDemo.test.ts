import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleepOn } from '../../src/clock/Scheduler.js';
import { runDemoCli } from '../../src/demo/demoCli.js';
import { runDemo } from '../../src/demo/FireCircleDemo.js';
import { startProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { driveVirtualTime } from '../support/driveVirtualTime.js';
import { VirtualClock } from '../support/VirtualClock.js';
import { DESIGN_METRICS, recordingIo, samplesOf } from './demoIo.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fire-circle-demo-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const PATTERN_TYPES = ['degradation', 'api_change', 'resonance', 'recovery'] as const;

/**
 * Before the run starts, time moves only for waits this short: the emulator's answers to the
 * voices' `connect()` (its latencies), not the demo's warm-up limit, which bounds real work (loading
 * the SDKs) and must not pass while that work goes on.
 */
const WARM_UP_STEP_MS = 1_000;

/**
 * The run on `time`: a breaker's half-open time reads `Date.now()` (cockatiel takes no clock, see
 * VoiceBreaker), so `Date` follows it too, and breakers half-open on the run's time like everything else.
 */
function drive(
  time: VirtualClock,
  started: () => boolean,
  done: () => boolean,
  between?: () => Promise<void>,
): Promise<void> {
  return driveVirtualTime(time, done, {
    started,
    warmUpStepMs: WARM_UP_STEP_MS,
    fakeDate: true,
    ...(between === undefined ? {} : { between }),
  });
}

describe('npm start -- --duration 20 --no-tty (the Fire Circle demo)', () => {
  it('runs six voices through the timeline, serves every metric, detects all four pattern types and persists what it learned', async () => {
    const io = recordingIo(dir);
    const time = new VirtualClock(Date.now());
    let metricsUrl: string | undefined;
    let exposition: string | undefined;
    let ended = false;
    const running = runDemoCli(['--duration', '20', '--no-tty', '--port', '0', '--storage', 'store'], io, {
      clock: time,
      onStart: (info) => (metricsUrl = info.metricsUrl),
    }).finally(() => (ended = true));
    await drive(
      time,
      () => metricsUrl !== undefined,
      () => ended,
      async () => {
        // Scraped during the run once the resonance has been reported: a condition, not a time.
        if (exposition === undefined && /pattern resonance on/.test(io.out())) {
          exposition = await (await fetch(`${metricsUrl}/metrics`)).text();
        }
      },
    );
    const code = await running;
    const out = io.out();
    expect(io.err()).toBe('');
    expect(code).toBe(0);

    expect(out).toMatch(/📈 metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(exposition, `the run ended before a resonance was reported:\n${out}`).toBeDefined();
    const scraped = exposition ?? '';
    for (const name of DESIGN_METRICS) expect(scraped).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    const calls = samplesOf(scraped, 'fire_circle_adapter_calls_total');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);

    // The final report, then the summary naming every pattern type with a non-zero count.
    expect(out).toContain('📊 Infrastructure Health:');
    expect(out).toContain('🧠 Consciousness Insights:');
    for (const type of PATTERN_TYPES) {
      const count = new RegExp(`^\\s+${type}\\s+(\\d+)`, 'm').exec(out)?.[1];
      expect(Number(count), `${type} patterns`).toBeGreaterThan(0);
    }
    // The scenario's story: local degrades, openai's API changes, three voices resonate.
    expect(out).toMatch(/pattern degradation on local/);
    expect(out).toMatch(/pattern api_change on openai \(severe, api_return_none\)/);
    expect(out).toMatch(/pattern resonance on deepseek, grok, mistral \(critical, overloaded\)/);
    expect(out).toMatch(/Caller-visible failures: \d+ of \d+ dialogue calls/);
    expect(out).toMatch(/Calls saved: \d+ by retry, [1-9]\d* by fallback/);
    // Tokens and cost per voice, as the emulator reported them, in the summary and on the dashboard.
    const tokens =
      /Tokens: (\d+) input, (\d+) output, as the providers reported them; cost \$(\d+\.\d+)/.exec(out);
    expect(Number(tokens?.[1])).toBeGreaterThan(0);
    expect(Number(tokens?.[2])).toBeGreaterThan(0);
    expect(Number(tokens?.[3])).toBeGreaterThan(0);
    expect(out).toMatch(/^\s+anthropic +claude-demo( +\d+){5} +[\d.]+k?\/[\d.]+k? +\$\d+\.\d{4}/m);
    expect(samplesOf(scraped, 'fire_circle_tokens_total').reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(samplesOf(scraped, 'fire_circle_ratelimit_remaining').length).toBeGreaterThan(0);

    const files = await readdir(join(dir, 'store'));
    expect(files).toContain('pattern_memory.json');
    expect(files.some((f) => /^infrastructure_state_\d{8}_\d{6}\.json$/.test(f))).toBe(true);
  }, 90_000);

  it('--real talks to the providers whose variables are set and keeps the others on the emulator', async () => {
    // A stand-in "real" local model server: the lab emulator, reached through LOCAL_BASE_URL.
    const time = new VirtualClock(Date.now());
    const provider = await startProviderEmulator({ clock: time.clock, sleep: sleepOn(time) });
    try {
      const out: string[] = [];
      let started = false;
      let ended = false;
      const running = runDemo(
        {
          durationMs: 5_000,
          port: 0,
          storagePath: join(dir, 'store'),
          real: true,
          env: { LOCAL_BASE_URL: provider.openaiBaseURL },
          clock: time,
          onStart: () => (started = true),
        },
        { stdout: { write: (text: string) => out.push(text) } },
      ).finally(() => (ended = true));
      await drive(
        time,
        () => started,
        () => ended,
      );
      const summary = await running;
      const local = summary.voices.find((v) => v.name === 'local');
      expect(local).toMatchObject({ mode: 'real', model: 'llama3.2' });
      expect(local!.calls.calls).toBeGreaterThan(0);
      expect(provider.stats().routes.openai.requests).toBeGreaterThan(0);
      expect(summary.voices.filter((v) => v.mode === 'emulator').map((v) => v.name)).toEqual([
        'anthropic',
        'deepseek',
        'openai',
        'grok',
        'mistral',
      ]);
      expect(out.join('')).toContain('real: local');
    } finally {
      await provider.close();
    }
  }, 30_000);
});

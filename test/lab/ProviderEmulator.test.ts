import { request as httpRequest } from 'node:http';
import OpenAI, { APIConnectionError, APIUserAbortError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sleep } from '../../src/clock/Clock.js';
import { systemSleep } from '../../src/clock/Scheduler.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { ScenarioError } from '../../src/lab/ScenarioError.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import {
  ANTHROPIC_PARAMS,
  OPENAI_PARAMS,
  anthropicClient,
  openaiClient,
  rejectionOf,
  scenarioWith,
} from './labClients.js';
import { until } from '../support/until.js';

const emulators: ProviderEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function start(options: Parameters<typeof startProviderEmulator>[0] = {}): Promise<ProviderEmulator> {
  const emulator = await startProviderEmulator(options);
  emulators.push(emulator);
  return emulator;
}

/** A clock the test moves by hand. */
function manualClock(): { clock: () => number; set(ms: number): void } {
  let now = 0;
  return { clock: () => now, set: (ms) => void (now = ms) };
}

/** The outcome of one OpenAI call: its text, or the error class (and status) it failed with. */
async function outcome(client: OpenAI, prompt: string): Promise<string> {
  try {
    const r = await client.chat.completions.create({
      model: 'lab-gpt',
      messages: [{ role: 'user', content: prompt }],
    });
    return `ok:${String(r.choices[0]?.message.content)}`;
  } catch (err) {
    return `${(err as Error).constructor.name}:${(err as { status?: number }).status ?? ''}`;
  }
}

describe('startProviderEmulator', () => {
  it('serves the OpenAI baseURL under /v1 and the Anthropic one at the root', async () => {
    const emulator = await start();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.openaiBaseURL).toBe(`${emulator.url}/v1`);
    expect(emulator.anthropicBaseURL).toBe(emulator.url);
    expect(emulator.scenario.name).toBe('healthy');
    const root = await fetch(emulator.url);
    expect(await root.json()).toMatchObject({ scenario: 'healthy', openaiBaseURL: emulator.openaiBaseURL });
    const missing = await fetch(`${emulator.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: 'not_found_error' } });
  });

  it('plans a ramping latency that grows along the (injected) clock', async () => {
    const time = manualClock();
    const slept: number[] = [];
    const sleep: Sleep = async (ms) => {
      slept.push(ms);
      return true;
    };
    const emulator = await start({
      clock: time.clock,
      sleep,
      scenario: {
        name: 'ramp',
        seed: 1,
        phases: [
          { atMs: 0, faults: [{ kind: 'latency', rampFromMs: 0, rampToMs: 1000, rampOverMs: 10_000 }] },
        ],
      },
    });
    const client = openaiClient(emulator);
    for (const t of [0, 2_500, 5_000, 10_000, 20_000]) {
      time.set(t);
      await client.chat.completions.create(OPENAI_PARAMS);
    }
    expect(slept).toEqual([250, 500, 1000, 1000]);
    expect(emulator.stats().history.map((r) => [r.atMs, r.delayMs])).toEqual([
      [0, 0],
      [2_500, 250],
      [5_000, 500],
      [10_000, 1000],
      [20_000, 1000],
    ]);
    expect(emulator.stats().routes.openai.faults.latency).toBe(4);
  });

  it('really waits a fixed latency (real clock and sleep)', async () => {
    const client = openaiClient(await start({ scenario: scenarioWith({ kind: 'latency', fixedMs: 120 }) }));
    const began = performance.now();
    await client.chat.completions.create(OPENAI_PARAMS);
    expect(performance.now() - began).toBeGreaterThanOrEqual(100);
  });

  it('follows the timeline: outage for one route, recovery, other route untouched', async () => {
    const time = manualClock();
    const emulator = await start({
      clock: time.clock,
      scenario: {
        name: 'outage',
        seed: 3,
        phases: [
          { atMs: 1_000, route: 'openai', faults: [{ kind: 'status', code: 503 }] },
          { atMs: 2_000, route: 'openai', faults: [] },
        ],
      },
    });
    const openai = openaiClient(emulator);
    const anthropic = anthropicClient(emulator);
    const at = async (t: number): Promise<string[]> => {
      time.set(t);
      return [await outcome(openai, 'hi'), (await anthropic.messages.create(ANTHROPIC_PARAMS)).type];
    };
    expect((await at(500))[0]).toMatch(/^ok:/);
    expect(await at(1_500)).toEqual(['InternalServerError:503', 'message']);
    expect((await at(2_500))[0]).toMatch(/^ok:/);
    expect(emulator.stats().history.map((r) => r.phase)).toEqual([
      undefined,
      undefined,
      0,
      undefined,
      1,
      undefined,
    ]);
  });

  it('applies a per-model phase only to that model', async () => {
    const emulator = await start({
      scenario: {
        name: 'one-model',
        seed: 1,
        phases: [{ atMs: 0, model: 'lab-bad', faults: [{ kind: 'reset' }] }],
      },
    });
    const client = openaiClient(emulator);
    expect(await outcome(client, 'x')).toMatch(/^ok:/);
    const err = await rejectionOf(client.chat.completions.create({ ...OPENAI_PARAMS, model: 'lab-bad' }));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(emulator.stats().routes.openai.models).toMatchObject({
      'lab-gpt': { requests: 1, faults: {} },
      'lab-bad': { requests: 1, faults: { reset: 1 } },
    });
  });

  it('repeats a flapping timeline on the injected clock', async () => {
    const time = manualClock();
    const client = openaiClient(
      await start({
        clock: time.clock,
        scenario: {
          name: 'flap',
          seed: 1,
          repeat: true,
          durationMs: 100,
          phases: [{ atMs: 50, faults: [{ kind: 'status', code: 500 }] }],
        },
      }),
    );
    const results: string[] = [];
    for (const t of [10, 60, 110, 160]) {
      time.set(t);
      results.push((await outcome(client, 'x')).split(':')[0] ?? '');
    }
    expect(results).toEqual(['ok', 'InternalServerError', 'ok', 'InternalServerError']);
  });

  it('is deterministic: same seed and requests → same faults and texts; another seed differs', async () => {
    const scenario = (seed: number): ScenarioInput => ({
      name: 'mixed',
      seed,
      phases: [
        {
          atMs: 0,
          faults: [
            { kind: 'status', code: 429, rate: 0.25, retryAfterS: 1 },
            { kind: 'status', code: 500, rate: 0.15 },
            { kind: 'malformed_json', rate: 0.1 },
            { kind: 'schema_change', change: 'null_content', rate: 0.1 },
          ],
        },
      ],
    });
    const run = async (seed: number): Promise<string[]> => {
      const client = openaiClient(await start({ scenario: scenario(seed) }));
      const results: string[] = [];
      for (let i = 0; i < 24; i++) results.push(await outcome(client, `question number ${i}`));
      return results;
    };
    const first = await run(2024);
    expect(await run(2024)).toEqual(first);
    expect(new Set(first.map((r) => r.split(':')[0])).size).toBeGreaterThanOrEqual(4);
    expect(await run(2025)).not.toEqual(first);
  });

  it('counts requests per route and model, streams, faults and statuses; serves them at /_lab/stats', async () => {
    const emulator = await start({ scenario: scenarioWith({ kind: 'status', code: 429, rate: 0.5 }) });
    const openai = openaiClient(emulator);
    const anthropic = anthropicClient(emulator);
    for (let i = 0; i < 6; i++) await outcome(openai, `q${i}`);
    const stream = await anthropic.messages
      .create({ ...ANTHROPIC_PARAMS, stream: true })
      .catch(() => undefined);
    if (stream) for await (const _event of stream);
    await openai.models.list().catch(() => undefined);

    const stats = emulator.stats();
    expect(stats.requests).toBe(8);
    expect(stats.routes.openai.requests).toBe(7);
    const gpt = stats.routes.openai.models['lab-gpt'];
    expect(gpt?.requests).toBe(6);
    expect((gpt?.statuses['200'] ?? 0) + (gpt?.statuses['429'] ?? 0)).toBe(6);
    expect(gpt?.faults.status ?? 0).toBe(gpt?.statuses['429'] ?? 0);
    expect(stats.routes.anthropic).toMatchObject({ requests: 1, streamed: 1 });
    expect(stats.history.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(stats.history.at(-1)).toMatchObject({ endpoint: 'models', route: 'openai' });

    const served = (await (await fetch(`${emulator.url}/_lab/stats`)).json()) as typeof stats;
    expect(served.routes).toEqual(stats.routes);
  });

  it('setScenario switches faults and restarts the timeline; an invalid one is refused', async () => {
    const time = manualClock();
    time.set(5_000);
    const emulator = await start({ clock: time.clock });
    const client = openaiClient(emulator);
    expect(await outcome(client, 'x')).toMatch(/^ok:/);
    time.set(9_000);
    emulator.setScenario({
      name: 'late',
      seed: 1,
      phases: [{ atMs: 100, faults: [{ kind: 'status', code: 500 }] }],
    });
    expect(emulator.stats()).toMatchObject({ scenario: 'late', elapsedMs: 0 });
    expect(await outcome(client, 'x')).toMatch(/^ok:/);
    time.set(9_200);
    expect(await outcome(client, 'x')).toBe('InternalServerError:500');
    expect(() => emulator.setScenario({ name: 'bad', seed: 1, phases: [{ atMs: -1, faults: [] }] })).toThrow(
      /phases\[0\]\.atMs/,
    );
    expect(emulator.scenario.name).toBe('late');
  });

  it('close() destroys a hung request, is idempotent and leaves no timers behind', async () => {
    // Real timers, counted: close() must end every latency sleep it started, not leave it pending.
    const sleeps: Promise<boolean>[] = [];
    let pending = 0;
    const sleep: Sleep = (ms, signal) => {
      pending++;
      const done = systemSleep(ms, signal).finally(() => pending--);
      sleeps.push(done);
      return done;
    };
    const emulator = await start({
      sleep,
      scenario: {
        name: 'slow-and-stuck',
        seed: 1,
        phases: [
          { atMs: 0, model: 'slow', faults: [{ kind: 'latency', fixedMs: 60_000 }] },
          { atMs: 0, model: 'stuck', faults: [{ kind: 'hang' }] },
        ],
      },
    });
    const post = (model: string): Promise<string> =>
      new Promise((resolve) => {
        const req = httpRequest(`${emulator.openaiBaseURL}/chat/completions`, {
          method: 'POST',
          agent: false,
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        req.on('response', (res) => resolve(String(res.statusCode)));
        req.end(JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }));
      });
    const slow = post('slow');
    const stuck = post('stuck');
    await until(() => emulator.stats().requests === 2, 'two requests received', 2_000);
    expect(pending).toBe(1); // the slow request's 60 s latency

    const began = performance.now();
    const closing = emulator.close();
    expect(emulator.close()).toBe(closing);
    await closing;
    expect(await slow).toBe('ECONNRESET');
    expect(await stuck).toBe('ECONNRESET');
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(await Promise.all(sleeps)).toEqual([false]); // woken early by close(), its timer cleared
    expect(pending).toBe(0);
    await expect(fetch(emulator.url)).rejects.toThrow();
  });

  it('lets a hung request go when the client gives up', async () => {
    const emulator = await start({ scenario: scenarioWith({ kind: 'hang' }) });
    const controller = new AbortController();
    const call = openaiClient(emulator).chat.completions.create(OPENAI_PARAMS, { signal: controller.signal });
    await until(() => emulator.stats().requests === 1, 'one request received', 2_000);
    controller.abort();
    expect(await rejectionOf(call)).toBeInstanceOf(APIUserAbortError);
  });

  it('refuses bad options by path, and an unusable port with its code', async () => {
    await expect(startProviderEmulator({ port: -1 })).rejects.toThrow(/invalid options\.port/);
    await expect(startProviderEmulator({ clock: 5 as unknown as () => number })).rejects.toThrow(
      /invalid options\.clock/,
    );
    await expect(
      startProviderEmulator({
        scenario: { name: 'x', seed: 1, phases: [{ atMs: 0, faults: [{ kind: 'nope' }] }] } as never,
      }),
    ).rejects.toBeInstanceOf(ScenarioError);
    const taken = await start();
    await expect(startProviderEmulator({ port: taken.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

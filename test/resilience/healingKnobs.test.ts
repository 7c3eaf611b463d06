import { describe, expect, it } from 'vitest';
import { withConsciousness, pipelineOf } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';

/** Healing knobs really change what the call path does. */
describe('healing knobs on the call path', () => {
  it('routes to the fallback while routing is on, keeping a probe share on the primary', async () => {
    const { infrastructure } = freshInfrastructure();
    let primaryCalls = 0;
    const voice = withConsciousness(
      { providerName: 'grok', sendMessage: async () => (primaryCalls++, message('primary')) },
      {
        infrastructure,
        fallbacks: [{ providerName: 'local', sendMessage: async () => message('fallback') }],
      },
      {
        random: (() => {
          let i = 0;
          return () => (i++ % 10) / 10;
        })(),
      },
    );
    const tuning = infrastructure.voice('grok').tuning;
    tuning.routeToFallbackUntil = infrastructure.clock() + 60_000;
    tuning.probeShare = 0.2;
    tuning.touch();
    const replies: string[] = [];
    for (let i = 0; i < 10; i++) replies.push((await voice.sendMessage()).content.text);
    expect(replies.filter((r) => r === 'fallback')).toHaveLength(8);
    expect(primaryCalls).toBe(2); // the probe share keeps watching the primary
  });

  it('holds calls beyond the concurrency limit until a slot frees', async () => {
    const { infrastructure } = freshInfrastructure();
    let running = 0;
    let peak = 0;
    const voice = withConsciousness(
      {
        providerName: 'openai',
        async sendMessage(): Promise<unknown> {
          peak = Math.max(peak, ++running);
          await new Promise((r) => setTimeout(r, 10));
          running -= 1;
          return message('ok');
        },
      },
      { infrastructure },
    );
    const tuning = infrastructure.voice('openai').tuning;
    tuning.maxConcurrent = 2;
    tuning.touch();
    const replies = await Promise.all(Array.from({ length: 8 }, () => voice.sendMessage()));
    expect(replies).toHaveLength(8);
    expect(peak).toBe(2);
    expect(pipelineOf(voice)!.inFlight).toBe(0);
  });

  it('passes a concurrency slot on when a woken call ends without holding it (open breaker)', async () => {
    const { infrastructure } = freshInfrastructure();
    const releases: (() => void)[] = [];
    let started = 0;
    const voice = withConsciousness(
      {
        providerName: 'deepseek',
        sendMessage: () =>
          new Promise<{ content: { text: string } }>((resolve) => {
            started += 1;
            releases.push(() => resolve(message('ok')));
          }),
      },
      { infrastructure, fallbackValue: message('held back') },
    );
    const tuning = infrastructure.voice('deepseek').tuning;
    tuning.maxConcurrent = 1;
    tuning.touch();
    const first = voice.sendMessage();
    const waiting = [voice.sendMessage(), voice.sendMessage(), voice.sendMessage()];
    expect(started).toBe(1);
    // The breaker opens while they wait: each woken call goes to the fallback value without a slot.
    pipelineOf(voice)!.breakers.tripAll();
    releases[0]!();
    const replies = await Promise.all(waiting);
    expect(replies.map((r) => r.content.text)).toEqual(['held back', 'held back', 'held back']);
    await first;
    expect(started).toBe(1);
  });

  it('serves a failed probe of a routed-around voice from the fallback at once, without retrying', async () => {
    const { infrastructure } = freshInfrastructure();
    let primaryCalls = 0;
    const voice = withConsciousness(
      {
        providerName: 'google',
        sendMessage: async (): Promise<{ content: { text: string } }> => {
          primaryCalls += 1;
          throw Object.assign(new Error('bad gateway'), { status: 502 });
        },
      },
      {
        infrastructure,
        fallbacks: [{ providerName: 'local', sendMessage: async () => message('fallback') }],
      },
      { random: () => 0 }, // every call is a probe
    );
    const tuning = infrastructure.voice('google').tuning;
    tuning.routeToFallbackUntil = infrastructure.clock() + 60_000;
    tuning.touch();
    const start = infrastructure.clock();
    expect((await voice.sendMessage()).content.text).toBe('fallback');
    expect(primaryCalls).toBe(1);
    // The tally counts it as a probe that fell back after one failed attempt: faster than an un-routed call would
    // have been (it skipped the retries), which is why a route's verdict at a failure fault is not taken on probes.
    const w = infrastructure.voice('google').calls.window(start - 1_000, infrastructure.clock() + 1_000);
    expect(w).toMatchObject({
      calls: 1,
      probes: 1,
      fallbacks: 1,
      probeFailures: 0,
      attempts: 1,
      failedAttempts: 1,
    });
  });

  it('tells the healer whether defensive values could serve: never for dialogue methods', async () => {
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(
      {
        providerName: 'mistral',
        sendMessage: async () => message('hi'),
        listModels: async () => ['mistral-large'],
      },
      { infrastructure, responseSchemas: { listModels: true } },
    );
    const handle = infrastructure.voice('mistral').pipeline!;
    await voice.sendMessage();
    expect(handle.canSubstitute()).toBe(false); // dialogue is never answered with an old reply
    await voice.listModels();
    expect(handle.canSubstitute()).toBe(true);
  });

  it('serves the last good value on a None return when defensive values are on (never for dialogue)', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    let none = false;
    const voice = withConsciousness(
      { providerName: 'google', listModels: async () => (none ? null : ['gemini-pro']) },
      { infrastructure, responseSchemas: { listModels: true }, retry: { initialDelayMs: 1, maxDelayMs: 2 } },
    );
    expect(await voice.listModels()).toEqual(['gemini-pro']);
    none = true;
    await expect(voice.listModels()).rejects.toMatchObject({ category: 'api_return_none' });
    const tuning = infrastructure.voice('google').tuning;
    tuning.defensiveValues = true;
    tuning.touch();
    expect(await voice.listModels()).toEqual(['gemini-pro']);
    expect(await sampleValue(registry, 'fire_circle_adapter_fallbacks_total', { target: 'last_good' })).toBe(
      1,
    );
  });

  it('fails fast for a category when a retry override says so', async () => {
    const { infrastructure } = freshInfrastructure();
    let calls = 0;
    const voice = withConsciousness(
      {
        providerName: 'mistral',
        async sendMessage(): Promise<unknown> {
          calls += 1;
          throw Object.assign(new Error('busy'), { status: 503 });
        },
      },
      { infrastructure, retry: { initialDelayMs: 1, maxDelayMs: 2 }, fallbackValue: message('later') },
    );
    await voice.sendMessage();
    expect(calls).toBe(3);
    const tuning = infrastructure.voice('mistral').tuning;
    tuning.retry.set('overloaded', { maxAttempts: 1 });
    tuning.touch();
    await voice.sendMessage();
    expect(calls).toBe(4);
  });
});

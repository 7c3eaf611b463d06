// With shared state (a real Redis), the calls of an SDK client held behind a cool-down's probe keep
// the SDK's APIPromise members: withResponse() and asResponse() answer from their own request,
// sent after the probe's, as the unwrapped client's do.
import OpenAI, { APIPromise } from 'openai';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { CHAT, CHAT_PARAMS, closeLabs, expectOneAtATime, startLab, type FaultInput } from '../sdk/sdkLab.js';
import { connected, redisForSuite, until } from './sharedTestKit.js';

const suite = redisForSuite();
afterEach(closeLabs);

function brain(namespace: string): InfrastructureConsciousness {
  const infrastructure = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: memoryLogger().logger,
    store: new MemoryStore(),
    shared: { redis: suite.redis.url, namespace, syncIntervalMs: 100 },
  });
  suite.brains.push(infrastructure);
  return infrastructure;
}

/** Answered after 400 ms: the probe stays out while the test makes its held calls. */
const SLOW: FaultInput = { kind: 'latency', fixedMs: 400 };

/**
 * A wrapped openai client on a brain with shared state whose voice cools down for 100 ms; a first
 * call waits out the cool-down and probes (its request answered after 400 ms, or as `probe` says).
 * Returns once the probe's request is out.
 */
async function probeOut(namespace: string, probe: FaultInput = SLOW) {
  const infrastructure = brain(namespace);
  await connected(infrastructure);
  const lab = await startLab({ plan: (n) => (n === 1 ? [probe] : undefined) });
  const wrapped = withConsciousness(lab.openai(), {
    name: 'sdk',
    infrastructure,
    retry: { initialDelayMs: 1, maxDelayMs: 2_000 },
    breaker: { volumeThreshold: 1_000 },
  });
  // The method's first call: the probe's attempt teaches the wrapper that it returns an APIPromise.
  infrastructure.voice('sdk').coolDown(Date.now() + 100, 'rate_limited');
  const probing = wrapped.chat.completions.create(CHAT_PARAMS);
  await until(() => lab.sent(CHAT).length === 1, 'the probe is out');
  const gate = infrastructure.voice('sdk').cooldownGate!;
  return { lab, wrapped, probing, gate };
}

describe('calls held behind a shared cool-down probe (real Redis)', () => {
  it('withResponse() and asResponse() of a held call answer from its own request, sent after the probe', async () => {
    const { lab, wrapped, probing, gate } = await probeOut('hrp1');
    expect(gate.probing('sdk', CHAT_PARAMS.model)).toBe(true);
    const viaResponse = wrapped.chat.completions.create(CHAT_PARAMS);
    const viaRaw = wrapped.chat.completions.create(CHAT_PARAMS);
    expect(viaResponse).toBeInstanceOf(APIPromise);
    const [probe, ours, raw] = await Promise.all([
      probing.withResponse(),
      viaResponse.withResponse(),
      viaRaw.asResponse(),
    ]);
    const plain = await lab.openai().chat.completions.create(CHAT_PARAMS).withResponse();
    expect(ours.data.choices[0]?.message.content).toBe(plain.data.choices[0]?.message.content);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(plain).sort());
    expect(ours.response.headers.get('x-request-id')).toBe(ours.request_id);
    expect((ours.data as { _request_id?: string })._request_id).toBe(ours.request_id);
    expect(raw.bodyUsed).toBe(false);
    const body = (await raw.json()) as OpenAI.ChatCompletion;
    expect(body.choices[0]?.message.content).toBe(plain.data.choices[0]?.message.content);
    // The probe answered first; the held calls went after it, each on its own request.
    const sent = lab.sent(CHAT).slice(0, 3);
    expect(sent[1]!.startTick).toBeGreaterThan(sent[0]!.endTick!);
    expect(sent[2]!.startTick).toBeGreaterThan(sent[0]!.endTick!);
    const ids = new Set([probe.request_id, ours.request_id, raw.headers.get('x-request-id')]);
    expect(ids.size).toBe(3);
  });

  it('a probe answered with a 429 sends the held call into the new cool-down; its withResponse() answers after it', async () => {
    const { lab, wrapped, probing } = await probeOut('hrp2', {
      kind: 'status',
      code: 429,
      rate: 1,
      retryAfterMs: 300,
    });
    const held = wrapped.chat.completions.create(CHAT_PARAMS);
    const [probe, ours] = await Promise.all([probing.withResponse(), held.withResponse()]);
    expect(probe.response.status).toBe(200);
    expect(ours.response.status).toBe(200);
    expect((ours.data as { _request_id?: string })._request_id).toBe(ours.request_id);
    // Nothing went upstream while the provider asked for a pause: the probe's 429, then one at a time.
    const statuses = (await lab.exchanges(CHAT)).map((e) => e.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.slice(1)).toEqual([200, 200]);
    expectOneAtATime(lab.sent(CHAT).slice(0, 2));
  });
});

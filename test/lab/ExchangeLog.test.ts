import { afterEach, describe, expect, it } from 'vitest';
import { APIConnectionError } from 'openai';
import { ExchangeLog } from '../../src/lab/ExchangeLog.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { OPENAI_PARAMS, openaiClient, rejectionOf, scenarioWith } from './labClients.js';

let emulator: ProviderEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('ExchangeLog', () => {
  it('orders starts and ends by tick, tells who closed, and wakes whenIdle waiters', async () => {
    const log = new ExchangeLog();
    const a = log.start('POST /v1/x', 0);
    const b = log.start('GET /v1/y', 1);
    let idle = false;
    const waiting = log.whenIdle().then(() => (idle = true));
    log.end(a, 5, { answered: true, closedByServer: false, status: 200 });
    await Promise.resolve();
    expect(idle).toBe(false);
    log.end(b, 6, { answered: false, closedByServer: false, status: undefined });
    await waiting;
    const [first, second] = log.list();
    expect([first?.startTick, second?.startTick, first?.endTick, second?.endTick]).toEqual([1, 2, 3, 4]);
    expect(first?.closedByClient).toBe(false);
    expect(second?.closedByClient).toBe(true);
    expect(log.list('GET /v1/y').map((r) => r.id)).toEqual([2]);
  });

  it('keeps at most `limit` records, dropping the oldest', () => {
    const log = new ExchangeLog(2);
    for (let i = 0; i < 3; i++)
      log.end(log.start('GET /', i), i, { answered: true, closedByServer: false, status: 200 });
    expect(log.list().map((r) => r.id)).toEqual([2, 3]);
  });
});

describe('the emulator records each exchange', () => {
  it('an answered request ends with its status and closedByClient false', async () => {
    emulator = await startProviderEmulator();
    await openaiClient(emulator).chat.completions.create(OPENAI_PARAMS);
    await emulator.whenIdle();
    const [exchange] = emulator.exchanges('POST /v1/chat/completions');
    expect(exchange).toMatchObject({ status: 200, closedByClient: false });
    expect(exchange?.endTick).toBeGreaterThan(exchange?.startTick ?? Infinity);
    expect(emulator.stats().endpoints['POST /v1/chat/completions']?.requests).toBe(1);
  });

  it('a reset is closed by the emulator, not the client', async () => {
    emulator = await startProviderEmulator({ scenario: scenarioWith({ kind: 'reset', rate: 1 }) });
    expect(await rejectionOf(openaiClient(emulator).chat.completions.create(OPENAI_PARAMS))).toBeInstanceOf(
      APIConnectionError,
    );
    await emulator.whenIdle();
    expect(emulator.exchanges('POST /v1/chat/completions')[0]?.closedByClient).toBe(false);
  });

  it('a request the client aborts while the emulator waits is closedByClient, ended before the next starts', async () => {
    emulator = await startProviderEmulator({ scenario: scenarioWith({ kind: 'hang', rate: 1 }) });
    const client = openaiClient(emulator);
    const controller = new AbortController();
    const call = client.chat.completions.create(OPENAI_PARAMS, { signal: controller.signal });
    while (emulator.exchanges().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await rejectionOf(call);
    await emulator.whenIdle();
    emulator.setScenario({ name: 'healthy', seed: 1, phases: [] });
    await client.chat.completions.create(OPENAI_PARAMS);
    const [aborted, next] = emulator.exchanges('POST /v1/chat/completions');
    expect(aborted?.closedByClient).toBe(true);
    expect(aborted?.status).toBeUndefined();
    expect(next?.startTick).toBeGreaterThan(aborted?.endTick ?? Infinity);
  });
});

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { InfrastructureEvents } from '../../src/voice/CallEvents.js';
import { CallLedger } from '../../src/demo/CallLedger.js';
import type { AdapterHealthSignature } from '../../src/health/AdapterHealthSignature.js';

/** Stands in for the brain: emits attempt events synchronously, as the call path does. */
class Events extends EventEmitter<InfrastructureEvents> {
  failed(adapter: string): void {
    this.emit('failure', {
      adapter,
      method: 'sendMessage',
      category: 'overloaded',
      message: '503',
      latencyMs: 1,
      attempt: 1,
    });
    this.emit('signature', { adapterId: adapter, consecutiveFailures: 1 } as AdapterHealthSignature);
  }
  succeeded(adapter: string): void {
    this.emit('signature', { adapterId: adapter, consecutiveFailures: 0 } as AdapterHealthSignature);
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CallLedger', () => {
  it('tells answered, saved-by-retry, served-by-fallback, failed and cancelled calls apart', async () => {
    const events = new Events();
    const ledger = new CallLedger(events);
    const running = new AbortController().signal;

    await ledger.run('openai', running, async () => {
      await tick();
      events.succeeded('openai');
    });
    await ledger.run('openai', running, async () => {
      events.failed('openai');
      await tick();
      events.succeeded('openai');
    });
    await ledger.run('openai', running, async () => {
      events.failed('openai');
      await tick();
      events.succeeded('grok'); // a fallback answered
    });
    await expect(
      ledger.run('openai', running, async () => {
        events.failed('openai');
        throw new Error('silenced');
      }),
    ).rejects.toThrow('silenced');
    const ended = new AbortController();
    ended.abort();
    await expect(
      ledger.run('openai', ended.signal, () => Promise.reject(new Error('aborted'))),
    ).rejects.toThrow();

    expect(ledger.countsOf('openai')).toEqual({
      calls: 5,
      answered: 1,
      savedByRetry: 1,
      servedByFallback: 1,
      failed: 1,
      cancelled: 1,
    });
    expect(ledger.totals().calls).toBe(5);
  });

  it('attributes concurrent calls to their own records', async () => {
    const events = new Events();
    const ledger = new CallLedger(events);
    const signal = new AbortController().signal;
    await Promise.all([
      ledger.run('a', signal, async () => {
        await tick();
        events.failed('a');
        await tick();
        events.succeeded('a');
      }),
      ledger.run('b', signal, async () => {
        await tick();
        events.succeeded('b');
      }),
    ]);
    expect(ledger.countsOf('a').savedByRetry).toBe(1);
    expect(ledger.countsOf('b').answered).toBe(1);
  });

  it('forwards fallbacks to the voice, never visiting a voice twice in one call', async () => {
    const events = new Events();
    const ledger = new CallLedger(events);
    const signal = new AbortController().signal;
    const voices = new Map<string, { sendMessage: () => Promise<string> }>();
    const toA = ledger.fallbackTo('a', () => voices.get('a') as never) as {
      providerName: string;
      sendMessage: (...args: unknown[]) => Promise<string>;
    };
    expect(toA.providerName).toBe('a');
    await expect(ledger.run('b', signal, () => toA.sendMessage())).rejects.toThrow(/not in the circle/);
    voices.set('a', { sendMessage: async () => 'from a' });
    expect(await ledger.run('b', signal, () => toA.sendMessage())).toBe('from a');
    await expect(ledger.run('a', signal, () => toA.sendMessage())).rejects.toThrow(/already tried/);
  });
});

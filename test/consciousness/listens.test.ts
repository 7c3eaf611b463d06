import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure } from '../support/fixtures.js';

describe('listening: payloads built only while somebody listens', () => {
  it('follows on, off and removeAllListeners, per event', () => {
    const { infrastructure } = freshInfrastructure();
    const a = (): void => undefined;
    const b = (): void => undefined;
    expect(infrastructure.listening.signature).toBe(false);
    infrastructure.on('signature', a);
    infrastructure.on('signature', b);
    infrastructure.on('operation', a);
    expect(infrastructure.listening.signature).toBe(true);
    expect(infrastructure.listening.operation).toBe(true);
    expect(infrastructure.listening.failure).toBe(false);
    infrastructure.off('signature', a);
    expect(infrastructure.listening.signature).toBe(true);
    infrastructure.off('signature', b);
    expect(infrastructure.listening.signature).toBe(false);
    expect(infrastructure.listening.operation).toBe(true);
    infrastructure.removeAllListeners('operation');
    expect(infrastructure.listening.operation).toBe(false);
    infrastructure.once('circuit', a);
    infrastructure.removeAllListeners();
    expect(infrastructure.listening.circuit).toBe(false);
    // Still tracked after everything was removed.
    infrastructure.on('signature', a);
    expect(infrastructure.listening.signature).toBe(true);
  });

  it('a signature listener added after calls began gets every later call, and none once removed', async () => {
    const { infrastructure } = freshInfrastructure();
    const wrapped = withConsciousness(
      {
        async ping() {
          return 'pong';
        },
      },
      { infrastructure, name: 'v' },
    );
    await wrapped.ping();
    const seen: number[] = [];
    const listener = (s: { totalCalls: number }): void => void seen.push(s.totalCalls);
    infrastructure.on('signature', listener);
    await wrapped.ping();
    await wrapped.ping();
    infrastructure.off('signature', listener);
    await wrapped.ping();
    expect(seen).toEqual([2, 3]);
  });
});

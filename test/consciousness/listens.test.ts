import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure } from '../support/fixtures.js';

describe('listens: payloads built only while somebody listens', () => {
  it('follows on, off and removeAllListeners, per event', () => {
    const { infrastructure } = freshInfrastructure();
    const a = (): void => undefined;
    const b = (): void => undefined;
    expect(infrastructure.listens('signature')).toBe(false);
    infrastructure.on('signature', a);
    infrastructure.on('signature', b);
    infrastructure.on('operation', a);
    expect(infrastructure.listens('signature')).toBe(true);
    expect(infrastructure.listens('operation')).toBe(true);
    expect(infrastructure.listens('failure')).toBe(false);
    // The call path's form of the same question.
    expect(infrastructure.listening).toMatchObject({ signature: true, operation: true, failure: false });
    infrastructure.off('signature', a);
    expect(infrastructure.listens('signature')).toBe(true);
    infrastructure.off('signature', b);
    expect(infrastructure.listens('signature')).toBe(false);
    expect(infrastructure.listens('operation')).toBe(true);
    infrastructure.removeAllListeners('operation');
    expect(infrastructure.listens('operation')).toBe(false);
    expect(infrastructure.listening.operation).toBe(false);
    infrastructure.once('circuit', a);
    infrastructure.removeAllListeners();
    expect(infrastructure.listens('circuit')).toBe(false);
    // Still tracked after everything was removed.
    infrastructure.on('signature', a);
    expect(infrastructure.listens('signature')).toBe(true);
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

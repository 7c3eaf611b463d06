import { describe, expect, it } from 'vitest';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message } from '../support/fixtures.js';
import { settled } from '../support/VirtualClock.js';

describe('a failure that opens the breaker is degradation', () => {
  it('reports the voice when its breaker opens on failures that never made a streak of three', async () => {
    // Alternating outcomes: the breaker sees 3 failures of 5 calls (60 % > 50 %) and opens at the fifth,
    // a streak of two; from then on it refuses calls for its reset time, so no later failure is seen.
    const { infrastructure } = freshInfrastructure(undefined, { config: { enablePrediction: false } });
    const patterns: InfrastructurePattern[] = [];
    infrastructure.on('pattern', (p) => patterns.push(p));
    const outcomes = [true, false, true, false, false];
    let i = 0;
    const voice = withConsciousness(
      {
        providerName: 'shaky',
        sendMessage: async (_m?: unknown) => {
          if (outcomes[i++] === false) throw Object.assign(new Error('upstream 503'), { status: 503 });
          return message('ok');
        },
      },
      { infrastructure, retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 5 } },
    );
    for (let k = 0; k < outcomes.length; k++) await voice.sendMessage(message()).catch(() => undefined);
    await settled(); // the pattern event comes after the call
    expect(infrastructure.getHealthSignature('shaky')?.circuitState).toBe('open');
    const degradation = patterns.filter((p) => p.patternType === 'degradation');
    expect(degradation).toHaveLength(1);
    expect(degradation[0]!.affectedAdapters).toEqual(['shaky']);
    expect(degradation[0]!.evidence).toMatchObject({ trigger: 'breaker_open', consecutiveFailures: 2 });
  });
});

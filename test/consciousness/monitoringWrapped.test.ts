import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure } from '../support/fixtures.js';
import { VirtualClock } from '../support/VirtualClock.js';

describe('monitoring wrapped adapters', () => {
  it("probes the wrapped adapter itself, under the wrapper's voice name, and loaders once loaded", async () => {
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time);
    let probes = 0;
    const raw = {
      providerName: 'openai',
      checkHealth: async () => (probes++, { isConnected: true }),
    };
    const wrapped = withConsciousness(raw, { infrastructure, name: 'gpt-main' });
    const loaded = { providerName: 'anthropic', checkHealth: async () => ({ isConnected: false }) };
    const loader = Object.assign(async () => loaded, { adapterName: 'claude' });
    const lazy = withConsciousness(loader, { infrastructure });
    await time.advance(0); // the loader loads at wrap time
    infrastructure.startMonitoring([wrapped, lazy]);
    expect(infrastructure.monitoredAdapters).toEqual([raw, loaded]);
    await time.advance(0); // the first round runs at once
    await infrastructure.stopMonitoring();
    expect(probes).toBe(1);
    expect(infrastructure.getHealthSignature('gpt-main')?.isConnected).toBe(true);
    expect(infrastructure.getHealthSignature('claude')?.isConnected).toBe(false);
    expect(infrastructure.adapterNames).not.toContain('openai');
  });
});

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure } from '../support/fixtures.js';
import { startScriptedServer, type ScriptedServer } from '../support/scriptedOpenAIServer.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const body = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('a wrap per request (issue 10, finding 1)', () => {
  it('shares the voice: its breaker opens against a failing upstream as with one shared wrap', async () => {
    const upstream = await startScriptedServer(() => ({ status: 503 }));
    servers.push(upstream);
    const { infrastructure } = freshInfrastructure();
    for (let i = 0; i < 50; i++) {
      // A web handler building its client per request.
      const client = withConsciousness(new OpenAI({ baseURL: upstream.url, apiKey: 'k', maxRetries: 2 }), {
        infrastructure,
        name: 'openai',
        retry: { initialDelayMs: 1, maxDelayMs: 2 },
        breaker: { volumeThreshold: 5, resetTimeoutMs: 60_000 },
      });
      await client.chat.completions.create(body).catch(() => undefined);
    }
    // 3 attempts per call until the breaker opened (after the 5th failed request), then none.
    expect(upstream.requests.length).toBeLessThanOrEqual(9);
    expect(infrastructure.getHealthSignature('openai')!.circuitState).toBe('open');
  });

  it('unnamed clients of the same kind and endpoint are one voice; another endpoint is another', async () => {
    const upstream = await startScriptedServer(() => ({ text: 'ok' }));
    servers.push(upstream);
    const { infrastructure } = freshInfrastructure();
    for (let i = 0; i < 20; i++) {
      const client = withConsciousness(new OpenAI({ baseURL: upstream.url, apiKey: 'k' }), {
        infrastructure,
      });
      await client.chat.completions.create(body);
    }
    withConsciousness(new OpenAI({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k' }), { infrastructure });
    expect(infrastructure.adapterNames.sort()).toEqual(['OpenAI', 'OpenAI-2']);
    expect(infrastructure.getHealthSignature('OpenAI')!.totalCalls).toBe(20);
  });

  it('leaves nothing behind: 10,000 wraps of real OpenAI clients cost about what 10 do (child process, GC)', () => {
    const script = fileURLToPath(new URL('./perRequestHeap.script.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const { after10, after10000 } = JSON.parse(out.trim().split('\n').pop()!) as {
      after10: number;
      after10000: number;
    };
    expect(after10000 - after10).toBeLessThan(5 * 1024 * 1024);
  });
});

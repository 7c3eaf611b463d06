import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { startMetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import type { ScriptedServer } from '../support/scriptedOpenAIServer.js';
import { CLIENT_KEY, LEAKS, startLeakyUpstream } from './fixtures/leakyUpstream.js';

const run = promisify(execFile);
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A user's own pino logger, with no redaction configured, writing JSON lines into memory. */
function userLogger(): { logger: pino.Logger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => chunks.join('') };
}

describe('credentials echoed by an upstream (issue 10, finding 2)', () => {
  it('never reach a user logger, the report, /health or persisted memory', async () => {
    const upstream = await startLeakyUpstream();
    servers.push(upstream);
    const { logger, text } = userLogger();
    const store = new MemoryStore();
    const infrastructure = new InfrastructureConsciousness({ registry: new Registry(), logger, store });
    const client = withConsciousness(
      new OpenAI({ apiKey: CLIENT_KEY, baseURL: upstream.url, maxRetries: 0 }),
      { name: 'leaky', infrastructure },
    );
    for (let i = 0; i < LEAKS.length; i++) {
      await client.chat.completions
        .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
        .catch(() => undefined);
    }
    await infrastructure.saveMemory();
    const logged = text();
    // The failures were logged (one line each), with their messages: only the secrets are gone.
    expect(logged.match(/leaky\.chat\.completions\.create failed: bad_request/g)).toHaveLength(LEAKS.length);
    expect(logged).toContain('Incorrect API key provided: [REDACTED]');
    expect(logged).toContain('Ocp-Apim-Subscription-Key: [REDACTED]');
    const http = await startMetricsServer({ port: 0, infrastructure });
    const served = await Promise.all(
      ['/health', '/report', '/report?format=text'].map(async (path) =>
        (await fetch(http.url + path)).text(),
      ),
    );
    await http.close();
    const reported = [
      ...served,
      JSON.stringify(infrastructure.generateConsciousnessReport()),
      JSON.stringify(await store.readJson('pattern_memory.json')),
    ].join('\n');
    expect(served[0]).toContain('"leaky"');
    for (const { shape, secret } of LEAKS) {
      expect(logged, shape).not.toContain(secret);
      expect(reported, shape).not.toContain(secret);
    }
  });

  it('never reach the default logger (stderr of a child process)', async () => {
    const upstream = await startLeakyUpstream();
    servers.push(upstream);
    const script = fileURLToPath(new URL('./fixtures/defaultLoggerCalls.ts', import.meta.url));
    const { stderr } = await run(process.execPath, ['--import', 'tsx', script, upstream.url], {
      env: { ...process.env, INFRA_CONSCIOUSNESS_LOG_LEVEL: 'debug' },
      timeout: 60_000,
    });
    expect(upstream.requests).toHaveLength(LEAKS.length);
    expect(stderr.match(/leaky\.chat\.completions\.create failed: bad_request/g)).toHaveLength(LEAKS.length);
    expect(stderr).toContain('MISTRAL_API_KEY=[REDACTED]');
    for (const { shape, secret } of LEAKS) expect(stderr, shape).not.toContain(secret);
  });
});

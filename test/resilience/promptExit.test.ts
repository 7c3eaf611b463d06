import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../support/scriptedOpenAIServer.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/oneCallScript.ts', import.meta.url));
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function exitReport(upstream?: string): Promise<{ resources: string[]; exitLagMs: number }> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', script, ...(upstream ? [upstream] : [])],
    {
      timeout: 60_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as { resources: string[]; exitLagMs: number };
}

describe('prompt exit (issue 10, finding 11)', () => {
  it('leaves no timer keeping the process alive once the last call has settled', async () => {
    const report = await exitReport();
    // Before: the timeout sweep's interval kept the process alive up to a second after the call.
    expect(report.resources).not.toContain('Timeout');
    expect(report.resources).not.toContain('Immediate');
    console.info(`exit ${report.exitLagMs.toFixed(1)} ms after the last call (in-process adapters)`);
  });

  it('adds no timer to a wrapped openai client over real HTTP', async () => {
    const upstream = await startScriptedServer(() => ({ text: 'hi' }));
    servers.push(upstream);
    const report = await exitReport(upstream.url);
    expect(upstream.requests).toHaveLength(1);
    expect(report.resources).not.toContain('Timeout');
    console.info(`exit ${report.exitLagMs.toFixed(1)} ms after the last call (with an openai client)`);
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('./fixtures/clusterApp.ts', import.meta.url));

describe('one /metrics for all workers of a node:cluster', () => {
  it('serves every metric family once, counters summed across real workers', async () => {
    const primary = spawn(process.execPath, ['--import', 'tsx', app], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        primary.stdout.setEncoding('utf8').once('data', (line: string) => resolve(line.trim()));
        primary.once('exit', (code) => reject(new Error(`the cluster primary exited (${code})`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const types = text.split('\n').filter((l) => l.startsWith('# TYPE '));
      expect(new Set(types).size).toBe(types.length);
      expect(types).toContain('# TYPE fire_circle_adapter_calls_total counter');
      // Worker 1 made 3 calls, worker 2 made 6.
      expect(text).toMatch(
        /^fire_circle_adapter_calls_total\{adapter="noop",method="ping",outcome="success"\} 9$/m,
      );
      expect(text).toMatch(
        /^fire_circle_adapter_call_duration_seconds_count\{adapter="noop",method="ping",outcome="success"\} 9$/m,
      );
      expect((await fetch(`${url}/other`)).status).toBe(404);
    } finally {
      primary.kill('SIGTERM');
      await new Promise((r) => primary.once('exit', r));
    }
  }, 60_000);
});

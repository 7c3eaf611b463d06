import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/lab/cli.js';

/** An io that records output and can be stopped; `printed(re)` waits for stdout to match. */
function testIo(
  cwd?: string,
): CliIo & { out: () => string; err: () => string; stop(): void; printed(re: RegExp): Promise<string> } {
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  const controller = new AbortController();
  return {
    stdout: {
      write: (text: string) => {
        out += text;
        for (const w of waiters.splice(0)) w();
      },
    },
    stderr: { write: (text: string) => (err += text) },
    signal: controller.signal,
    ...(cwd === undefined ? {} : { cwd }),
    out: () => out,
    err: () => err,
    stop: () => controller.abort(),
    async printed(re) {
      while (!re.test(out)) await new Promise<void>((resolve) => waiters.push(resolve));
      return out;
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('infra-consciousness lab (runCli)', () => {
  it('runs a built-in scenario, prints the base URLs, serves, and stops on the signal', async () => {
    const io = testIo();
    const running = runCli(['--scenario', 'rate-limit-storm', '--port', '0', '--verbose'], io);
    const out = await io.printed(/Press Ctrl\+C/);
    expect(out).toContain('scenario "rate-limit-storm" (seed 7)');
    const url = /url\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(out).toContain(`openai baseURL     ${url}/v1`);
    expect(out).toContain(`anthropic baseURL  ${url}\n`);
    const models = await fetch(`${url}/v1/models`);
    expect(models.status).toBe(200);
    await io.printed(/#1 t=\d+ms openai GET \/v1\/models -> 200/);
    io.stop();
    expect(await running).toBe(0);
    expect(io.out()).toMatch(/stopped after 1 requests \(openai 1, anthropic 0\)/);
    await expect(fetch(`${url}/v1/models`)).rejects.toThrow();
  });

  it('loads a scenario file relative to cwd and applies --seed', async () => {
    await writeFile(join(dir, 's.json'), JSON.stringify({ name: 'mine', seed: 1, phases: [] }));
    const io = testIo(dir);
    const running = runCli(['-s', 's.json', '--seed', '99'], io);
    await io.printed(/Press Ctrl\+C/);
    expect(io.out()).toContain('scenario "mine" (seed 99)');
    io.stop();
    expect(await running).toBe(0);
  });

  it('an invalid scenario file → exit 2 with the file and the bad path', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'bad',
        seed: 1,
        phases: [{ atMs: 0, faults: [{ kind: 'status', code: 999 }] }],
      }),
    );
    const io = testIo();
    expect(await runCli(['--scenario', file], io)).toBe(2);
    expect(io.err()).toContain(`invalid scenario ${file}`);
    expect(io.err()).toMatch(/\n {2}phases\[0\]\.faults\[0\]\.code: /);
    expect(io.out()).toBe('');
  });

  it.each([
    [[], /missing --scenario/],
    [['--scenario', 'nope.json'], /cannot read scenario file .*nope\.json/],
    [['--scenario', 'no-such-builtin'], /unknown built-in scenario "no-such-builtin"/],
    [
      ['--scenario', 'healthy', '--port', 'eighty'],
      /--port must be an integer from 0 to 65535 \(got 'eighty'\)/,
    ],
    [['--scenario', 'healthy', '--port', '70000'], /--port must be an integer/],
    [['--scenario', 'healthy', '--seed', '1.5'], /--seed must be an integer/],
    [['--scenario', 'healthy', '--colour'], /Unknown option '--colour'/],
    [['--scenario', 'healthy', 'extra'], /positional/],
  ])('bad arguments %j → exit 2 with a clear message', async (argv, message) => {
    const io = testIo(dir);
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('a taken port → exit 1 with the reason', async () => {
    const first = testIo();
    const running = runCli(['--scenario', 'healthy'], first);
    const port = /127\.0\.0\.1:(\d+)/.exec(await first.printed(/Press Ctrl\+C/))?.[1] ?? '';
    const second = testIo();
    expect(await runCli(['--scenario', 'healthy', '--port', port], second)).toBe(1);
    expect(second.err()).toMatch(/EADDRINUSE|in use/);
    first.stop();
    await running;
  });

  it('--help prints the usage and the built-in scenarios', async () => {
    const io = testIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: infra-consciousness lab --scenario NAME|FILE');
    expect(io.out()).toMatch(/Built-in scenarios: .*flapping.*healthy/);
  });
});

describe('the infra-consciousness bin', () => {
  const bin = fileURLToPath(new URL('../../src/bin/infra-consciousness.ts', import.meta.url));
  const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        bin,
        ...args,
      ]);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('dispatches to the lab sub-command and passes its exit code on', async () => {
    const result = await run('lab', '--scenario', join(dir, 'missing.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read scenario file/);
  });

  it('rejects an unknown sub-command with exit 2 and lists the commands', async () => {
    const result = await run('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'[\s\S]*lab/);
  });
});

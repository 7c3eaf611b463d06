import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDemoArguments, runDemoCli } from '../../src/demo/demoCli.js';
import { recordingIo } from './demoIo.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fire-circle-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo arguments', () => {
  it('defaults to the two-minute demo scenario on port 9464, live only on a terminal', () => {
    expect(parseDemoArguments([], true)).toEqual({
      help: false,
      options: {
        scenario: 'fire-circle-demo',
        durationMs: 120_000,
        port: 9464,
        storagePath: 'infrastructure_consciousness',
        live: true,
        real: false,
      },
    });
    expect(parseDemoArguments([], false).options.live).toBe(false);
    expect(parseDemoArguments(['--no-tty'], true).options.live).toBe(false);
    expect(
      parseDemoArguments(['-s', './mine.json', '-d', '20', '-p', '0', '--storage', 'x', '--real'], true)
        .options,
    ).toMatchObject({ scenario: './mine.json', durationMs: 20_000, port: 0, storagePath: 'x', real: true });
  });

  it.each([
    [['--duration', 'soon'], /--duration must be a number of seconds from 5 to 86400 \(got 'soon'\)/],
    [['--duration', '2'], /--duration must be a number of seconds/],
    [['--duration', ''], /--duration must be a number of seconds/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535 \(got '70000'\)/],
    [['--port', '-1'], /--port/],
    [['--port', '9464.5'], /--port must be an integer/],
    [['--scenario', ''], /--scenario must not be empty/],
    [['--storage', ''], /--storage must not be empty/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('rejects %j with exit 2 and a message', async (argv, message) => {
    const io = recordingIo(dir);
    expect(await runDemoCli(argv, io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).toContain('Run with --help for usage.');
    expect(io.out()).toBe('');
  });

  it('--help prints the usage and the built-in scenarios, exit 0', async () => {
    const io = recordingIo(dir);
    expect(await runDemoCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: npm start -- [options]');
    expect(io.out()).toMatch(/Built-in scenarios: .*fire-circle-demo/);
  });
});

describe('demo start-up errors', () => {
  it('--real without any provider key explains what to set, exit 2', async () => {
    const io = recordingIo(dir);
    expect(await runDemoCli(['--real', '--port', '0'], io, { env: {} })).toBe(2);
    expect(io.err()).toMatch(/--real needs at least one provider key .*ANTHROPIC_API_KEY.*OPENAI_API_KEY/);
  });

  it('an unknown scenario is a usage error naming the built-in ones, exit 2', async () => {
    const io = recordingIo(dir);
    expect(await runDemoCli(['--scenario', 'no-such-scenario', '--port', '0'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown built-in scenario "no-such-scenario".*fire-circle-demo/);
  });

  it('a metrics port in use is reported clearly, exit 1, nothing written', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const io = recordingIo(dir);
      expect(await runDemoCli(['--port', String(port), '--no-tty'], io)).toBe(1);
      expect(io.err()).toContain(
        `port ${port} is already in use; pass --port N, or --port 0 for any free port`,
      );
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
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

  // Three processes compiling the bin with tsx: seconds each on a loaded machine, so a budget of a minute.
  it('lists the demo sub-command and dispatches to it', async () => {
    const [usage, bad, help] = await Promise.all([
      run(),
      run('demo', '--duration', 'soon'),
      run('demo', '--help'),
    ]);
    expect(usage.stderr).toMatch(/demo\s+run the six-voice Fire Circle demo/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/infra-consciousness demo: --duration must be a number/);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm start -- [options]');
  }, 60_000);
});

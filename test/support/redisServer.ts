import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freeLoopbackPort } from './freePort.js';

/** A throwaway redis-server on a loopback port: temporary directory, no persistence. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The temporary working directory (removed by stop()). */
  readonly dir: string;
  /** SIGKILLs the server (the port stays reserved for restart()). */
  kill(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, commands wait unanswered until resume(). */
  pause(): void;
  /** Lets a paused server run again (SIGCONT): it then answers what it received meanwhile. */
  resume(): void;
  /** Starts the server again on the same port (after kill()); resolves once it accepts connections. */
  restart(): Promise<void>;
  /** What the server logged (the last 64 KB). */
  logs(): string;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 64 * 1024;
const READY_TIMEOUT_MS = 15_000;

/**
 * The absolute path of `redis-server` on PATH. Throws saying how to install it: these tests never
 * skip, CI installs Debian's package (.ci/run) and so must a developer.
 */
export function redisServerBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry.
    }
  }
  throw new Error(
    'redis-server is not installed (not found on PATH). The shared-state tests run a real Redis ≥ 7: ' +
      'install it with `apt-get update && apt-get install -y redis-server`; .ci/run does this in CI.',
  );
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts `redis-server` bound to 127.0.0.1 on a free port, with no RDB/AOF persistence, and
 * resolves once it logs that it accepts connections. Retries on another port if the one picked was
 * taken meanwhile. The server is killed when the test process exits, even without stop().
 */
export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'fire-circle-redis-'));
  let output = '';
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    if (child !== undefined && !exited(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const launch = (port: number): Promise<void> => {
    const proc = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'notice',
        // Tests block the server with DEBUG SLEEP to play a slow Redis.
        '--enable-debug-command',
        'local',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`));
      }, READY_TIMEOUT_MS);
      const keep = (chunk: string): void => {
        output = (output + chunk).slice(-LOG_LIMIT);
        if (/Ready to accept connections/.test(chunk)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.setEncoding('utf8').on('data', keep);
      proc.stderr?.setEncoding('utf8').on('data', keep);
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (code ${code}) before it was ready:\n${output}`));
      });
    });
  };

  let port = 0;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freeLoopbackPort();
    try {
      await launch(candidate);
      port = candidate;
    } catch (err) {
      lastError = err as Error;
      if (!/Address already in use/i.test(output)) break;
    }
  }
  if (port === 0) {
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw lastError ?? new Error('redis-server did not start');
  }

  const kill = async (): Promise<void> => {
    if (child === undefined || exited(child)) return;
    const proc = child;
    proc.kill('SIGKILL');
    await waitForExit(proc, 5_000);
  };
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill,
    pause: () => {
      if (child !== undefined && !exited(child)) child.kill('SIGSTOP');
    },
    resume: () => {
      if (child !== undefined && !exited(child)) child.kill('SIGCONT');
    },
    restart: async () => {
      await kill();
      await launch(port);
    },
    logs: () => output,
    stop: () =>
      (stopping ??= (async () => {
        if (child !== undefined && !exited(child)) {
          const proc = child;
          proc.kill('SIGTERM');
          proc.kill('SIGCONT'); // a paused server handles the SIGTERM once it runs
          await waitForExit(proc, 5_000);
          if (!exited(proc)) proc.kill('SIGKILL');
        }
        process.off('exit', killOnExit);
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}

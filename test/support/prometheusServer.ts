import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeLoopbackPort } from './freePort.js';
import { prometheusBinary } from './prometheusBinaries.js';

/** What to run a throwaway Prometheus with. */
export interface PrometheusOptions {
  /** `host:port` targets of the one scrape job. */
  readonly targets: readonly string[];
  /** Job name of the scrape job (the `job` label). */
  readonly jobName?: string;
  /** Absolute paths of rule files to load. */
  readonly ruleFiles?: readonly string[];
  /** Scrape and rule evaluation interval in seconds (default 1). */
  readonly intervalSeconds?: number;
  /** How long to wait for /-/ready (default 20 s). */
  readonly readyTimeoutMs?: number;
}

/** One series of an instant-query result. */
export interface InstantSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** A running Prometheus on a loopback port, with a temporary TSDB. */
export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The temporary directory holding the config and the TSDB (removed by stop()). */
  readonly dir: string;
  /** Instant query at the current time; throws with Prometheus's error text when the query fails. */
  query(expr: string): Promise<InstantSample[]>;
  /** GET of an /api/v1 path (e.g. `rules`, `targets`); returns `data`, throws on an API error. */
  api<T>(path: string): Promise<T>;
  /** What Prometheus logged so far (the last 64 KB). */
  logs(): string;
  /** SIGTERM, then SIGKILL after 5 s; removes the temporary directory. Safe to call more than once. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 64 * 1024;
const KILL_AFTER_MS = 5_000;

interface ApiEnvelope<T> {
  readonly status: 'success' | 'error';
  readonly data?: T;
  readonly errorType?: string;
  readonly error?: string;
}

// JSON is YAML, so the config needs no YAML writer.
function configText(options: PrometheusOptions): string {
  const interval = `${options.intervalSeconds ?? 1}s`;
  return `${JSON.stringify(
    {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: [
        {
          job_name: options.jobName ?? 'fire-circle',
          metrics_path: '/metrics',
          static_configs: [{ targets: options.targets }],
        },
      ],
    },
    null,
    2,
  )}\n`;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, KILL_AFTER_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, KILL_AFTER_MS);
}

/** Starts `prometheus` and resolves once /-/ready answers 200; retries on another port if the one picked was taken. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = prometheusBinary('prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'fire-circle-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, configText(options));
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(binary, dir, configFile, options);
    } catch (err) {
      lastError = err as Error;
      if (!/address already in use/i.test(lastError.message)) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError ?? new Error('prometheus did not start');
}

async function launch(
  binary: string,
  dir: string,
  configFile: string,
  options: PrometheusOptions,
): Promise<PrometheusServer> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, `data-${port}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: string): void => {
    output = (output + chunk).slice(-LOG_LIMIT);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  // Should the test process die without its hooks running, Prometheus must not outlive it.
  const killOnExit = (): void => {
    if (!exited(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (spawnError !== undefined || exited(child)) {
      process.off('exit', killOnExit);
      await stopChild(child);
      throw new Error(
        `prometheus exited before it was ready (${spawnError?.message ?? `exit code ${child.exitCode}`}):\n${output}`,
      );
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      process.off('exit', killOnExit);
      await stopChild(child);
      throw new Error(`prometheus was not ready within ${options.readyTimeoutMs ?? 20_000} ms:\n${output}`);
    }
    await sleep(100);
  }

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${url}/api/v1/${path}`);
    const body = (await res.json()) as ApiEnvelope<T>;
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`Prometheus API ${path}: ${body.errorType ?? res.status}: ${body.error ?? 'no data'}`);
    }
    return body.data;
  }

  return {
    url,
    dir,
    api,
    async query(expr: string): Promise<InstantSample[]> {
      const data = await api<{ resultType: string; result: unknown }>(
        `query?query=${encodeURIComponent(expr)}`,
      ).catch((err: unknown) => {
        throw new Error(`query failed: ${expr}\n${(err as Error).message}`);
      });
      if (data.resultType === 'vector') return data.result as InstantSample[];
      if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
      throw new Error(`query returned a ${data.resultType}, not an instant vector: ${expr}`);
    },
    logs: () => output,
    stop,
  };
}

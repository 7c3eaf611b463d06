import { parseArgs } from 'node:util';
import type { RequestRecord } from './EmulatorLedger.js';
import { builtinScenarioNames, loadScenario } from './loadScenario.js';
import { startProviderEmulator } from './ProviderEmulator.js';
import { ScenarioError } from './ScenarioError.js';
import type { Scenario } from './ScenarioSchema.js';

/** What a sub-command reads and writes, so it runs the same in the bin and in a test. */
export interface CliIo {
  /** Normal output (process.stdout in the bin). */
  readonly stdout: { write(text: string): unknown };
  /** Diagnostics (process.stderr in the bin). */
  readonly stderr: { write(text: string): unknown };
  /** Aborted when the command should stop (SIGINT/SIGTERM in the bin). */
  readonly signal: AbortSignal;
  /** Base for relative file paths; process.cwd() by default. */
  readonly cwd?: string;
}

/** Exit code for bad arguments and invalid scenario files. */
export const EXIT_USAGE = 2;
/** Exit code when the emulator cannot start (e.g. the port is taken). */
export const EXIT_FAILURE = 1;

/** Help text of `infra-consciousness lab`. */
export const LAB_USAGE = `Usage: infra-consciousness lab --scenario NAME|FILE [options]

Runs the provider emulator (OpenAI chat completions, Responses, embeddings, files and models;
Anthropic messages, count_tokens and models) with a fault scenario until SIGINT/SIGTERM, so any
client can be pointed at it.

Options:
  -s, --scenario NAME|FILE  built-in scenario name or path to a scenario JSON file (required)
  -p, --port N              port to listen on (default 0 = any free port)
      --host H              address to bind (default 127.0.0.1)
      --seed N              override the scenario's seed
  -v, --verbose             print one line per request
  -h, --help                show this help
`;

const OPTIONS = {
  scenario: { type: 'string', short: 's' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  seed: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`infra-consciousness lab: ${message}\nRun 'infra-consciousness lab --help' for usage.\n`);
  return EXIT_USAGE;
}

function integerArg(value: string, min: number, max: number): number | undefined {
  if (!/^-?\d+$/u.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

function formatRecord(r: RequestRecord): string {
  const what = r.endpoint === 'models' ? 'GET /v1/models' : `${r.model ?? '?'}${r.stream ? ' (stream)' : ''}`;
  const outcome =
    r.fault === undefined
      ? String(r.status ?? '-')
      : `${r.fault}${r.status === undefined ? '' : ` ${r.status}`}`;
  const extras = [
    r.detail,
    r.delayMs > 0 ? `+${r.delayMs}ms` : undefined,
    r.phase === undefined ? undefined : `phase ${r.phase}`,
  ].filter((x) => x !== undefined);
  return `#${r.seq} t=${Math.round(r.atMs)}ms ${r.route} ${what} -> ${outcome}${extras.length > 0 ? ` [${extras.join(', ')}]` : ''}\n`;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * `infra-consciousness lab --scenario NAME|FILE [--port N] [--host H] [--seed N] [--verbose]`:
 * runs the emulator and prints its base URLs until `io.signal` aborts. `argv` excludes the
 * sub-command name. Resolves to the exit code: 0, 2 for bad arguments or an invalid scenario,
 * 1 when the emulator cannot start.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let values: {
    scenario?: string;
    port?: string;
    host?: string;
    seed?: string;
    verbose?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    return usageError(io, (err as Error).message);
  }
  if (values.help === true) {
    const names = await builtinScenarioNames().catch(() => []);
    io.stdout.write(`${LAB_USAGE}\nBuilt-in scenarios: ${names.join(', ')}\n`);
    return 0;
  }
  if (values.scenario === undefined || values.scenario === '')
    return usageError(io, 'missing --scenario NAME|FILE');
  const port = values.port === undefined ? 0 : integerArg(values.port, 0, 65_535);
  if (port === undefined)
    return usageError(io, `--port must be an integer from 0 to 65535 (got '${values.port}')`);
  const seed = values.seed === undefined ? undefined : integerArg(values.seed, -(2 ** 31), 2 ** 32 - 1);
  if (values.seed !== undefined && seed === undefined) {
    return usageError(io, `--seed must be an integer (got '${values.seed}')`);
  }
  if (values.host === '') return usageError(io, '--host must not be empty');

  let scenario: Scenario;
  try {
    scenario = await loadScenario(values.scenario, io.cwd === undefined ? {} : { cwd: io.cwd });
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    const detail = err.issues.length > 0 ? `invalid scenario ${err.source ?? values.scenario}` : err.message;
    io.stderr.write(`infra-consciousness lab: ${detail}\n${err.issues.map((i) => `  ${i}\n`).join('')}`);
    return EXIT_USAGE;
  }
  if (seed !== undefined) scenario = { ...scenario, seed };

  let emulator;
  try {
    emulator = await startProviderEmulator({
      scenario,
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values.verbose === true
        ? { onRequest: (r: RequestRecord) => void io.stdout.write(formatRecord(r)) }
        : {}),
    });
  } catch (err) {
    io.stderr.write(`infra-consciousness lab: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }

  io.stdout.write(
    [
      `infra-consciousness lab: scenario "${scenario.name}" (seed ${scenario.seed})`,
      `  url                ${emulator.url}`,
      `  openai baseURL     ${emulator.openaiBaseURL}`,
      `  anthropic baseURL  ${emulator.anthropicBaseURL}`,
      `  stats              ${emulator.url}/_lab/stats`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await untilAborted(io.signal);
  await emulator.close();
  const stats = emulator.stats();
  io.stdout.write(
    `infra-consciousness lab: stopped after ${stats.requests} requests ` +
      `(openai ${stats.routes.openai.requests}, anthropic ${stats.routes.anthropic.requests})\n`,
  );
  return 0;
}

import { parseArgs } from 'node:util';
import type { CliIo } from '../lab/cli.js';
import { builtinScenarioNames } from '../lab/loadScenario.js';
import { ScenarioError } from '../lab/ScenarioError.js';
import {
  DEFAULT_DEMO_PORT,
  DEFAULT_DEMO_SCENARIO,
  DEFAULT_DEMO_STORAGE,
  runDemo,
  type DemoOptions,
  type DemoStartInfo,
} from './FireCircleDemo.js';
import { NoRealVoicesError } from './NoRealVoicesError.js';

/** Exit code for bad arguments, an invalid scenario, or `--real` without keys. */
export const DEMO_EXIT_USAGE = 2;
/** Exit code when the demo cannot run (e.g. the metrics port is taken). */
export const DEMO_EXIT_FAILURE = 1;

/** Shortest and longest run accepted, in seconds. */
const MIN_DURATION_S = 5;
const MAX_DURATION_S = 86_400;

/** Help text of `npm start` / `infra-consciousness demo`. */
export const DEMO_USAGE = `Usage: npm start -- [options]     (or: infra-consciousness demo [options])

Runs a Fire Circle of six voices (anthropic, deepseek, openai, grok, local, mistral), each wrapped
with withConsciousness, in dialogue on the provider emulator while a fault scenario plays:
healthy → one voice degrading → one voice's API changing → three voices failing together →
recovery. Shows a live dashboard, serves /metrics, /health and /report, writes pattern memory and
state snapshots, and ends with the consciousness report and a summary.

Options:
  -s, --scenario NAME|FILE  built-in scenario or scenario JSON file (default ${DEFAULT_DEMO_SCENARIO});
                            its timeline is rescaled to --duration
  -d, --duration S          length of the run in seconds, ${MIN_DURATION_S} to ${MAX_DURATION_S} (default 120)
  -p, --port N              port of /metrics, /health, /report on 127.0.0.1 (default ${DEFAULT_DEMO_PORT}; 0 = any free port)
      --storage DIR         where pattern memory and state snapshots go (default ./${DEFAULT_DEMO_STORAGE})
      --no-tty              plain output (also when stdout is not a terminal)
      --real                talk to the real providers whose keys are set (ANTHROPIC_API_KEY,
                            OPENAI_API_KEY, DEEPSEEK_API_KEY, XAI_API_KEY, MISTRAL_API_KEY,
                            LOCAL_BASE_URL); the other voices stay on the emulator. Costs money.
  -h, --help                show this help
`;

const OPTIONS = {
  scenario: { type: 'string', short: 's' },
  duration: { type: 'string', short: 'd' },
  port: { type: 'string', short: 'p' },
  storage: { type: 'string' },
  'no-tty': { type: 'boolean' },
  real: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the command line asked for. */
export interface DemoArguments {
  readonly help: boolean;
  readonly options: DemoOptions & { readonly live: boolean };
}

/** A usage error: the message to print (exit code 2). */
export class DemoUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoUsageError';
  }
}

function integerIn(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/u.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/**
 * Parses the demo's arguments (after the sub-command name). `isTTY` is whether stdout is a
 * terminal: the dashboard is live only there, and never with `--no-tty`. Throws a DemoUsageError.
 */
export function parseDemoArguments(argv: readonly string[], isTTY: boolean): DemoArguments {
  let values: {
    scenario?: string;
    duration?: string;
    port?: string;
    storage?: string;
    'no-tty'?: boolean;
    real?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new DemoUsageError((err as Error).message);
  }
  const help = values.help === true;
  if (values.scenario === '') throw new DemoUsageError('--scenario must not be empty');
  const durationS = values.duration === undefined ? 120 : Number(values.duration);
  if (
    values.duration?.trim() === '' ||
    !Number.isFinite(durationS) ||
    durationS < MIN_DURATION_S ||
    durationS > MAX_DURATION_S
  ) {
    throw new DemoUsageError(
      `--duration must be a number of seconds from ${MIN_DURATION_S} to ${MAX_DURATION_S} (got '${values.duration}')`,
    );
  }
  const port = values.port === undefined ? DEFAULT_DEMO_PORT : integerIn(values.port, 0, 65_535);
  if (port === undefined) {
    throw new DemoUsageError(`--port must be an integer from 0 to 65535 (got '${values.port}')`);
  }
  if (values.storage === '') throw new DemoUsageError('--storage must not be empty');
  return {
    help,
    options: {
      scenario: values.scenario ?? DEFAULT_DEMO_SCENARIO,
      durationMs: Math.round(durationS * 1000),
      port,
      storagePath: values.storage ?? DEFAULT_DEMO_STORAGE,
      live: isTTY && values['no-tty'] !== true,
      real: values.real === true,
    },
  };
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`infra-consciousness demo: ${message}\nRun with --help for usage.\n`);
  return DEMO_EXIT_USAGE;
}

/**
 * `npm start` / `infra-consciousness demo`: runs the demo and resolves to the exit code — 0 when it
 * ran (also when stopped early by `io.signal`), 2 for bad arguments, an invalid scenario or `--real`
 * without keys, 1 when it cannot run (e.g. the metrics port is in use).
 */
export async function runDemoCli(
  argv: readonly string[],
  io: CliIo,
  hooks: {
    readonly env?: DemoOptions['env'];
    readonly onStart?: (info: DemoStartInfo) => void;
    /** The run's clock (DemoOptions.clock): a virtual clock in tests. */
    readonly clock?: DemoOptions['clock'];
  } = {},
): Promise<number> {
  const isTTY = (io.stdout as { isTTY?: unknown }).isTTY === true;
  let parsed: DemoArguments;
  try {
    parsed = parseDemoArguments(argv, isTTY);
  } catch (err) {
    if (err instanceof DemoUsageError) return usageError(io, err.message);
    throw err;
  }
  if (parsed.help) {
    const names = await builtinScenarioNames().catch(() => []);
    io.stdout.write(`${DEMO_USAGE}\nBuilt-in scenarios: ${names.join(', ')}\n`);
    return 0;
  }
  try {
    await runDemo(
      {
        ...parsed.options,
        signal: io.signal,
        ...(io.cwd === undefined ? {} : { cwd: io.cwd }),
        ...(hooks.env === undefined ? {} : { env: hooks.env }),
        ...(hooks.onStart === undefined ? {} : { onStart: hooks.onStart }),
        ...(hooks.clock === undefined ? {} : { clock: hooks.clock }),
      },
      { stdout: io.stdout },
    );
    return 0;
  } catch (err) {
    if (err instanceof NoRealVoicesError) return usageError(io, err.message);
    if (err instanceof ScenarioError) {
      const detail = err.issues.length > 0 ? `invalid scenario ${err.source ?? ''}`.trim() : err.message;
      io.stderr.write(`infra-consciousness demo: ${detail}\n${err.issues.map((i) => `  ${i}\n`).join('')}`);
      return DEMO_EXIT_USAGE;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr.write(
        `infra-consciousness demo: port ${parsed.options.port} is already in use; ` +
          'pass --port N, or --port 0 for any free port\n',
      );
      return DEMO_EXIT_FAILURE;
    }
    io.stderr.write(`infra-consciousness demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return DEMO_EXIT_FAILURE;
  }
}

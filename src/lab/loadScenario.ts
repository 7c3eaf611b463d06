import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from './ScenarioError.js';
import { parseScenario, type Scenario } from './ScenarioSchema.js';

// Built-in scenarios sit next to this module (copied to dist/lab/scenarios by the build).
const SCENARIO_DIR = new URL('./scenarios/', import.meta.url);
const BUILTIN_NAME = /^[a-z0-9][a-z0-9-]*$/iu;

/** Names of the scenarios shipped with the library (`healthy`, `rate-limit-storm`, …), sorted. */
export async function builtinScenarioNames(): Promise<string[]> {
  const files = await readdir(SCENARIO_DIR);
  return files
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Where the built-in scenario `name` lives. */
export function builtinScenarioUrl(name: string): URL {
  return new URL(`${name}.json`, SCENARIO_DIR);
}

/**
 * Loads and validates a scenario: a built-in name (`rate-limit-storm`) or a JSON file path
 * (relative to `cwd`). Throws a ScenarioError for an unknown name, an unreadable file, bad JSON or
 * a schema violation (naming the path, e.g. `phases[2].faults[0].rate`).
 */
export async function loadScenario(nameOrPath: string, options: { cwd?: string } = {}): Promise<Scenario> {
  const builtin = BUILTIN_NAME.test(nameOrPath);
  const location = builtin
    ? builtinScenarioUrl(nameOrPath)
    : resolve(options.cwd ?? process.cwd(), nameOrPath);
  const source = builtin ? `built-in scenario "${nameOrPath}"` : location.toString();
  let text: string;
  try {
    text = await readFile(location, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (builtin && code === 'ENOENT') {
      const known = await builtinScenarioNames().catch(() => []);
      const message =
        known.length === 0
          ? `no built-in scenarios found in ${fileURLToPath(SCENARIO_DIR)} (were the scenario JSON files copied next to the build?)`
          : `unknown built-in scenario "${nameOrPath}" (built-in: ${known.join(', ')}); give a file path to load your own`;
      throw new ScenarioError(message, { source, cause: err });
    }
    const reason = code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ScenarioError(`cannot read scenario file ${source}: ${reason}`, { source, cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario file ${source} is not valid JSON: ${(err as Error).message}`, {
      source,
      cause: err,
    });
  }
  return parseScenario(json, source);
}

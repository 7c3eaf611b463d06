import type { z } from 'zod';

/** Formats a zod path as `phases[1].faults[0].rate` (`(root)` when empty). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** A scenario that cannot be used: unreadable file, bad JSON, or a schema violation at a named path. */
export class ScenarioError extends Error {
  /** Each problem as `path: message`, e.g. `phases[0].faults[1].rate: Too big: expected number to be <=1`. */
  readonly issues: readonly string[];
  /** The file or built-in name the scenario came from, when known. */
  readonly source: string | undefined;

  constructor(
    message: string,
    options: { issues?: readonly string[]; source?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ScenarioError';
    this.issues = options.issues ?? [];
    this.source = options.source;
  }

  /** A ScenarioError listing every zod issue with its path. */
  static fromZod(error: z.ZodError, source?: string): ScenarioError {
    const issues = error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
    const where = source === undefined ? 'invalid scenario' : `invalid scenario ${source}`;
    return new ScenarioError(`${where}: ${issues.join('; ')}`, { issues, source, cause: error });
  }
}

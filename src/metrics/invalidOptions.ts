import type { z } from 'zod';

/** A TypeError naming the first bad option by its path, e.g. `startMetricsServer: invalid options.port: ...`. */
export function invalidOptions(owner: string, error: z.ZodError): TypeError {
  const issue = error.issues[0];
  const path = issue !== undefined && issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
  return new TypeError(`${owner}: invalid ${path}: ${issue?.message ?? 'bad options'}`);
}

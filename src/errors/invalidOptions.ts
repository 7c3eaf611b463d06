import type { z } from 'zod';

/**
 * A TypeError naming every bad option by its path, e.g.
 * `withConsciousness: invalid options.breaker.volumeThreshold: Too small: expected number to be >=0`,
 * or `…: invalid options: unknown option(s) "colour"`.
 */
export function invalidOptions(owner: string, error: z.ZodError): TypeError {
  const details = error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `options.${issue.path.map(String).join('.')}` : 'options';
      return issue.code === 'unrecognized_keys'
        ? `${path}: unknown option(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : `${path}: ${issue.message}`;
    })
    .join('; ');
  return new TypeError(`${owner}: invalid ${details || 'options'}`);
}

import { redactSecrets } from '../classify/redactSecrets.js';
import { ImportFailureError } from '../errors/ImportFailureError.js';
import type { AdapterLoader } from './AdapterLoader.js';

/** Options of importAdapter. */
export interface ImportAdapterOptions {
  /** Export to use (default: `default`, else the module itself). */
  readonly exportName?: string;
  /** Constructor / factory arguments. */
  readonly args?: readonly unknown[];
  /** Voice name (default: the export name or the first specifier's base name). */
  readonly name?: string;
}

const isClass = (fn: unknown): fn is new (...args: unknown[]) => object =>
  typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));

/**
 * A defensive import: a loader that tries each module specifier in turn and builds the adapter
 * from the export (a class is constructed with `args`, a function is called with them, an object
 * is used as is). Failing every specifier is one ImportFailureError naming them all.
 */
export function importAdapter(
  specifiers: readonly string[],
  options: ImportAdapterOptions = {},
): AdapterLoader {
  if (
    !Array.isArray(specifiers) ||
    specifiers.length === 0 ||
    !specifiers.every((s) => typeof s === 'string')
  ) {
    throw new TypeError(
      'importAdapter(specifiers): specifiers must be a non-empty array of module specifiers',
    );
  }
  const args = options.args ?? [];
  const loader: AdapterLoader = async () => {
    const reasons: string[] = [];
    let lastError: unknown;
    for (const specifier of specifiers) {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(specifier)) as Record<string, unknown>;
      } catch (err) {
        lastError = err;
        const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
        reasons.push(`${specifier}: ${redactSecrets(reason ?? '')}`);
        continue;
      }
      const exported = options.exportName ? mod[options.exportName] : (mod.default ?? mod);
      if (exported === undefined || exported === null) {
        reasons.push(`${specifier}: no export ${options.exportName ?? 'default'}`);
        continue;
      }
      if (isClass(exported)) return new exported(...args);
      if (typeof exported === 'function')
        return (await (exported as (...a: unknown[]) => unknown)(...args)) as object;
      return exported as object;
    }
    throw new ImportFailureError(`no adapter could be imported (${reasons.join('; ')})`, {
      cause: lastError,
    });
  };
  const first = specifiers[0] ?? 'adapter';
  loader.adapterName =
    options.name ?? options.exportName ?? (first.split('/').pop() ?? first).replace(/\.[cm]?[jt]s$/, '');
  return loader;
}

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  /**
   * The module relative specifiers (`./…`, `../…`) are resolved against: `import.meta.url` in ES
   * modules, `__filename` (or its file URL) in CommonJS. Required when a specifier is relative: an
   * `import()` inside this package would otherwise resolve it against the package's own folder.
   */
  readonly base?: string | URL;
}

const RELATIVE = /^\.{1,2}\//;

/** `base` as a URL: a URL as is, a string that parses as one, or an absolute file path. */
function baseUrl(base: string | URL): URL {
  if (base instanceof URL) return base;
  if (typeof base === 'string' && isAbsolute(base)) return pathToFileURL(base);
  if (typeof base === 'string' && URL.canParse(base)) return new URL(base);
  throw new TypeError(
    `importAdapter: options.base must be a URL or an absolute file path (import.meta.url, __filename), got ${JSON.stringify(base)}`,
  );
}

/** A relative specifier resolved against `base` (a file URL), others unchanged. */
function resolveSpecifier(specifier: string, base: URL | undefined): string {
  if (!RELATIVE.test(specifier)) return specifier;
  if (base === undefined) {
    throw new TypeError(
      `importAdapter: the relative specifier "${specifier}" needs options.base (import.meta.url in an ES module, __filename in CommonJS): without it, it would be resolved inside this package`,
    );
  }
  return new URL(specifier, base).href;
}

const isClass = (fn: unknown): fn is new (...args: unknown[]) => object =>
  typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));

/**
 * A defensive import: a loader that tries each module specifier in turn and builds the adapter
 * from the export (a class is constructed with `args`, a function is called with them, an object
 * is used as is). Failing every specifier is one ImportFailureError naming them all. Relative
 * specifiers are resolved against `options.base`; `T` types the adapter the loader delivers (not
 * checked at run time), so the wrapped voice has its methods.
 */
export function importAdapter<T extends object = object>(
  specifiers: readonly string[],
  options: ImportAdapterOptions = {},
): AdapterLoader<T> {
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
  const base = options.base === undefined ? undefined : baseUrl(options.base);
  const targets = specifiers.map((specifier) => resolveSpecifier(specifier, base));
  const loader: AdapterLoader<T> = async () => {
    const reasons: string[] = [];
    let lastError: unknown;
    for (const [i, specifier] of specifiers.entries()) {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(targets[i] ?? specifier)) as Record<string, unknown>;
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
      if (isClass(exported)) return new exported(...args) as T;
      if (typeof exported === 'function')
        return (await (exported as (...a: unknown[]) => unknown)(...args)) as T;
      return exported as T;
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

import { ImportFailureError } from '../../errors/ImportFailureError.js';

/** A client class of an official SDK, as the adapters construct it. */
export type SdkClientClass = new (options: Record<string, unknown>) => unknown;

/**
 * The client class exported by an imported SDK module (`default`, else one of `names`). A module
 * without it (an SDK whose exports changed) is an ImportFailureError, like a missing module.
 */
export function sdkConstructor(module: unknown, sdk: string, names: readonly string[]): SdkClientClass {
  if ((typeof module === 'object' || typeof module === 'function') && module !== null) {
    const exports = module as Record<string, unknown>;
    for (const name of ['default', ...names]) {
      if (typeof exports[name] === 'function') return exports[name] as SdkClientClass;
    }
  }
  throw new ImportFailureError(`${sdk} was imported but exports no client class (${names.join(', ')})`);
}

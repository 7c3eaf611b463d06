import { isAdapterMethod } from './adapterMethod.js';

/** `sendMessage` → `send_message`. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `send_message` → `sendMessage`. */
export function toCamelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Names to try, in order, when `method` is missing: the learned alias, configured aliases, then
 * the other spelling (camelCase ↔ snake_case). Never includes `method` itself.
 */
export function aliasCandidates(
  method: string,
  configured: readonly string[] | undefined,
  learned: string | undefined,
): string[] {
  const out: string[] = [];
  const push = (name: string | undefined): void => {
    if (name !== undefined && name !== method && !out.includes(name)) out.push(name);
  };
  push(learned);
  configured?.forEach(push);
  push(toSnakeCase(method));
  push(toCamelCase(method));
  return out;
}

/**
 * The one alias lookup (the call path's resolver, the wrapper deciding what to intercept, and
 * fallbacks all use it): the first of `aliasCandidates` that is a method of the adapter itself
 * (`isAdapterMethod`), or undefined when none is.
 */
export function findAlias(
  owner: object,
  method: string,
  configured: readonly string[] | undefined,
  learned: string | undefined,
): string | undefined {
  return aliasCandidates(method, configured, learned).find((alias) => isAdapterMethod(owner, alias));
}

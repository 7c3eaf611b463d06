/**
 * False for names every object answers through Object.prototype (`constructor`, `toString`,
 * `__proto__`, …): a learned alias naming one would call that member instead of the provider
 * (`{"generate": "constructor"}` made `generate(x)` return `x`). Such aliases are never learned,
 * loaded or answered.
 */
export function isSafeAlias(alias: string): boolean {
  return alias.length > 0 && !(alias in Object.prototype) && alias !== '__proto__';
}

/**
 * True when `name` is a method of the adapter itself: a function found on `owner` or a prototype
 * below Object.prototype / Function.prototype. Aliases must name one; a member every object has
 * (`constructor`, `toString`, …) never answers for a missing provider method.
 */
export function isAdapterMethod(owner: object, name: string): boolean {
  try {
    for (
      let o: object | null = owner;
      o !== null && o !== Object.prototype && o !== Function.prototype;
      o = Object.getPrototypeOf(o) as object | null
    ) {
      if (Object.prototype.hasOwnProperty.call(o, name)) {
        return typeof (owner as Record<string, unknown>)[name] === 'function';
      }
    }
  } catch {
    // A hostile proxy: not a method we can vouch for.
  }
  return false;
}

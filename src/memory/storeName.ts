/** Longest document name a store accepts, leaving room for temp and quarantine suffixes in a file name. */
export const MAX_STORE_NAME_LENGTH = 200;

const STORE_NAME = /^[^./\\\0][^/\\\0]*$/;

/** True for a flat name a store can hold: no path separators, no leading dot (reserved for temp files). */
export function isStoreName(name: string): boolean {
  return name.length <= MAX_STORE_NAME_LENGTH && STORE_NAME.test(name);
}

/** Throws a TypeError for a name {@link isStoreName} rejects; a bad name is a bug, not an I/O condition. */
export function assertStoreName(name: string): void {
  if (!isStoreName(name)) {
    throw new TypeError(`invalid store name ${JSON.stringify(name)}: a flat file name without a leading dot`);
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `<name>.corrupt-<UTC yyyyMMddTHHmmss.SSSZ>`: where a document that failed to load is moved aside. */
export function quarantineNameFor(name: string, epochMs: number): string {
  const d = new Date(Math.floor(epochMs));
  const stamp =
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}` +
    `.${pad(d.getUTCMilliseconds(), 3)}Z`;
  return `${name}.corrupt-${stamp}`;
}

/** `value` (or `fallback` when undefined) after checking it is a positive number, an integer when asked; throws RangeError. */
export function positiveOption(
  name: string,
  value: number | undefined,
  fallback: number,
  integer: boolean,
): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
  return v;
}

/** `x` limited to [lo, hi] (NaN stays NaN). */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** `x` as a share in [0, 1]: limited to it, NaN read as 0. */
export function clampUnit(x: number): number {
  return Number.isNaN(x) ? 0 : clamp(x, 0, 1);
}

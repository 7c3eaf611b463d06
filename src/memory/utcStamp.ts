const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const STAMP = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/;

/** `yyyyMMdd_HHmmss` in UTC for an epoch-millisecond time (the snapshot file-name stamp, docs/architecture.md, Persistence). */
export function formatUtcStamp(epochMs: number): string {
  const d = new Date(Math.floor(epochMs));
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}_` +
    `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`
  );
}

/** Epoch milliseconds of a `yyyyMMdd_HHmmss` UTC stamp, or undefined when it is not a real time. */
export function parseUtcStamp(stamp: string): number | undefined {
  const m = STAMP.exec(stamp);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20250231 over to March; only a stamp that formats back to itself is real.
  return formatUtcStamp(ms) === stamp ? ms : undefined;
}

import { REDACTED } from '../../classify/redactSecrets.js';

// Keys shorter than this are placeholders (`local`), not secrets worth a scan.
const MIN_SECRET_LENGTH = 8;
const MAX_DEPTH = 4;

/**
 * Removes `apiKey` from an error before it leaves an adapter: its message and stack, string
 * fields of the provider's parsed error body, and its causes. Some providers echo the key in a
 * 401 message; a thrown error is logged, reported and shown, so it must not carry it. The error
 * keeps its class (callers still see the SDK's AuthenticationError). Returns `err`.
 */
export function redactApiKey<E>(err: E, apiKey: string | undefined): E {
  if (apiKey === undefined || apiKey.length < MIN_SECRET_LENGTH) return err;
  scrub(err, apiKey, 0, new Set());
  return err;
}

function scrub(value: unknown, apiKey: string, depth: number, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return;
  seen.add(value);
  const isError = value instanceof Error;
  if (!isError && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return;
  const record = value as Record<string, unknown>;
  const keys = isError ? ['message', 'stack', ...Object.keys(value), 'cause'] : Object.keys(value);
  for (const key of new Set(keys)) {
    try {
      const field = record[key];
      if (typeof field === 'string') {
        if (field.includes(apiKey)) record[key] = field.split(apiKey).join(REDACTED);
      } else {
        scrub(field, apiKey, depth + 1, seen);
      }
    } catch {
      // A read-only or throwing property: leave it; the error must still reach the caller.
    }
  }
}

import { redactingReplacer } from '../classify/redactSecrets.js';

/**
 * Serializes a document for a store, every string scrubbed of credentials; a value JSON cannot
 * represent is a bug, so it throws a TypeError.
 */
export function jsonText(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, redactingReplacer);
  } catch (err) {
    throw new TypeError(
      `value cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  if (text === undefined) throw new TypeError(`value cannot be stored as JSON: ${typeof value}`);
  return text;
}

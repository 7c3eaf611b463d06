import { redactSecrets } from '../classify/redactSecrets.js';

/** Where two resolved option sets first differ, and how (for the error of a conflicting re-wrap). */
export interface OptionConflict {
  /** `options.timeout`, `options.retry.maxAttempts`, `options.classifiers[0]`. */
  readonly path: string;
  readonly before: unknown;
  readonly now: unknown;
}

/** Plain data is compared by value; everything else (functions, adapters, schemas, loggers) by identity. */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 8;

/**
 * The first option (in key order) whose value differs between `before` and `now`, or undefined
 * when they are the same: plain objects and arrays compare member by member, anything else with
 * `Object.is` (so an inline function made anew per call differs from the first one).
 */
export function optionConflict(
  before: unknown,
  now: unknown,
  path = 'options',
  depth = 0,
): OptionConflict | undefined {
  if (Object.is(before, now)) return undefined;
  if (depth < MAX_DEPTH && Array.isArray(before) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(before.length, now.length); i++) {
      const found = optionConflict(before[i], now[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (depth < MAX_DEPTH && isPlain(before) && isPlain(now)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
    for (const key of keys) {
      const found = optionConflict(before[key], now[key], `${path}.${key}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return { path, before, now };
}

/** A short, secret-free description of an option value for an error message. */
export function describeOption(value: unknown): string {
  switch (typeof value) {
    case 'function':
      return 'a function';
    case 'string': {
      const text = redactSecrets(value);
      return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
    }
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
    default:
      return String(value);
  }
}

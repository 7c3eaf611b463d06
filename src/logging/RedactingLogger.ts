import { redactSecrets } from '../classify/redactSecrets.js';
import type { ConsciousnessLogger } from './createLogger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];
const MAX_DEPTH = 4;
const MAX_ENTRIES = 100;
/** Marks a logger that already redacts, so wrapping twice costs nothing. */
const REDACTING: unique symbol = Symbol('redacting');

/**
 * A logger that scrubs every string it is given — the message and each string field, nested —
 * with redactSecrets (credential patterns and the wrapped clients' own keys) before the logger
 * underneath sees it. Works for any pino-compatible logger through its public methods, so a
 * user's logger gets the same protection as the default one. Errors are logged as their name and
 * redacted message, never as the raw object.
 */
export function redactingLogger(logger: ConsciousnessLogger): ConsciousnessLogger {
  if ((logger as { [REDACTING]?: true })[REDACTING]) return logger;
  const enabled = (level: Level): boolean => {
    const check = (logger as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled;
    return typeof check !== 'function' || check.call(logger, level);
  };
  const method =
    (level: Level) =>
    (obj: object, msg?: string): void => {
      if (!enabled(level)) return;
      const fields = redactValue(obj, 0) as object;
      if (msg === undefined) logger[level](fields);
      else logger[level](fields, redactSecrets(String(msg)));
    };
  const wrapped: ConsciousnessLogger & { [REDACTING]: true } = {
    [REDACTING]: true,
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
  };
  if (typeof logger.child === 'function') {
    const child = logger.child.bind(logger);
    wrapped.child = (bindings: object) => redactingLogger(child(redactValue(bindings, 0) as object));
  }
  for (const level of LEVELS) {
    if (typeof logger[level] !== 'function') wrapped[level] = () => undefined;
  }
  return wrapped;
}

/** A copy of `value` with every string scrubbed (bounded depth and breadth). */
export function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[object]';
  if (value instanceof Error) return { type: value.name, message: redactSecrets(value.message) };
  if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n++ >= MAX_ENTRIES) break;
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    out[key] = redactValue(field, depth + 1);
  }
  return out;
}

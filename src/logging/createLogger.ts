import { pino, type Logger } from 'pino';

/** The pino paths scrubbed from every log line, wherever an object carrying them is logged. */
export const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers',
  '*.headers',
  '*.*.headers',
  'x-api-key',
  '*["x-api-key"]',
];

/** Minimal logger shape the library needs; pino's Logger satisfies it. */
export interface ConsciousnessLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child?(bindings: object): ConsciousnessLogger;
}

/**
 * The default logger: pino to stderr (stdout belongs to the application), level from
 * INFRA_CONSCIOUSNESS_LOG_LEVEL (default `warn`), secrets redacted.
 */
export function createDefaultLogger(): Logger {
  return pino(
    {
      name: 'infrastructure-consciousness',
      level: process.env.INFRA_CONSCIOUSNESS_LOG_LEVEL ?? 'warn',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    pino.destination({ dest: 2, sync: false }),
  );
}

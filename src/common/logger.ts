import { pino, type Logger } from 'pino';

/**
 * The engine's logger: structured JSON lines on stderr (stdout carries data, such as NDJSON bars), one
 * line per state change, never per tick. Level from MIA_LOG_LEVEL (default info).
 */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.MIA_LOG_LEVEL ?? 'info' }, pino.destination(2));
}

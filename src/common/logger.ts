import { pino, type Logger } from 'pino';
import { configError, ErrorCode } from './errors.js';

/** Levels `--log-level` and `MIA_LOG_LEVEL` accept, most to least severe. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines are written: `auto` is `pretty` on a terminal and `json` when stderr is piped or a file. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Logger settings from the command line (`--log-level`, `--log-format`). */
export interface LogSettings {
  level?: string;
  format?: LogFormat;
}

/** Validates a level name (from the command line or MIA_LOG_LEVEL): a coded error names the choices. */
export function logLevel(text: string, from = '--log-level'): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw configError(ErrorCode.BAD_ARGUMENT, `${from} must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  }
  return text as LogLevel;
}

/**
 * The engine's logger on stderr (stdout carries data, such as NDJSON bars), one line per state change,
 * never per tick. Level: `--log-level`, else MIA_LOG_LEVEL, else info. On a terminal the lines are made
 * readable by pino-pretty in pino's transport worker (formatting never runs on the engine's thread); piped
 * or redirected they stay JSON, one object a line, for log shippers and tests.
 */
export function createLogger(name: string, settings: LogSettings = {}): Logger {
  const env = process.env.MIA_LOG_LEVEL;
  const level = settings.level !== undefined ? logLevel(settings.level) : env !== undefined && env !== '' ? logLevel(env, 'MIA_LOG_LEVEL') : 'info';
  const logger = prettyLogs(settings)
    ? pino({ name, level }, pino.transport({
      target: 'pino-pretty',
      options: { destination: 2, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' },
    }))
    // Synchronous, as Node's own stderr is on a pipe or file: lines are state changes, never per tick, and a
    // command's final `mia: … (CODE)` line, written directly, must come after the log lines that led to it.
    : pino({ name, level }, pino.destination({ dest: 2, sync: true }));
  loggers.add(logger);
  return logger;
}

/** Whether lines are pretty-printed: `pretty`, or `auto` on a terminal (another thread writing lines matches them). */
export function prettyLogs(settings: LogSettings): boolean {
  const format = settings.format ?? 'auto';
  return format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
}

/** Every logger made, so a command's last line can wait for their buffered lines. */
const loggers = new Set<Logger>();

/**
 * Waits for what the loggers still hold: the terminal's pino-pretty transport formats in a worker thread, so
 * a command's final `mia: … (CODE)` line, written directly, could otherwise come before the lines that led to it.
 */
export function flushLogs(): Promise<void> {
  return Promise.all([...loggers].map((l) => new Promise<void>((resolve) => {
    try {
      l.flush(() => resolve());
    } catch {
      resolve(); // a transport already ended: nothing left to write
    }
  }))).then(() => undefined);
}

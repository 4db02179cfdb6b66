import type { Command } from 'commander';
import type { LogFormat, LogSettings } from '../common/logger.js';

/** The global `--log-level` and `--log-format` of the `mia` program, as the command `cmd` sees them. */
export function logSettings(cmd: Command): LogSettings {
  const g = cmd.optsWithGlobals<{ logLevel?: string; logFormat?: LogFormat }>();
  return { ...(g.logLevel !== undefined ? { level: g.logLevel } : {}), ...(g.logFormat !== undefined ? { format: g.logFormat } : {}) };
}

import { Command, CommanderError } from 'commander';
import { isMiaError } from '../common/errors.js';
import { flushLogs, LOG_LEVELS, logLevel } from '../common/logger.js';
import { featuresCommand } from './features-command.js';
import { journalCommand } from './journal-command.js';
import { oneOf } from './options.js';
import { runCommand } from './run-command.js';
import { backtestCommand } from './backtest-command.js';
import { reportCommand } from './report-command.js';
import { serveCommand } from './serve-command.js';
import { trainCommand } from './train-command.js';
import { EXIT_CODES_HELP, unknownOptionFirst, usageErrorLine } from './usage-error.js';


/**
 * The `mia` command line. Returns the exit code: 0 on success, 1 on a coded error (one line on stderr:
 * message and code), 2 on a usage error.
 */
export async function main(argv: string[]): Promise<number> {
  // A reader that closes the pipe early (`mia … | head`) ends the output, not the process with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const program = new Command('mia')
    .description('MIA engine: order-flow features from CME futures trades, in WebAssembly over shared memory')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    // Global: accepted before or after the command (`mia --log-level debug serve`, `mia serve --log-level debug`).
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default: env MIA_LOG_LEVEL, else info)`, (t: string) => logLevel(t))
    .option('--log-format <format>', 'auto (readable on a terminal, JSON lines when piped), json or pretty', oneOf('--log-format', ['auto', 'json', 'pretty'] as const), 'auto');
  // Usage errors print the help of the command at fault, then the coded line of the catch below, which says
  // what commander's own "error: ..." line would (left out). Set before the commands, which inherit it.
  program.showHelpAfterError().showSuggestionAfterError().configureOutput({ outputError: () => undefined })
    .addHelpText('after', EXIT_CODES_HELP);
  featuresCommand(program);
  runCommand(program);
  serveCommand(program);
  trainCommand(program);
  backtestCommand(program);
  reportCommand(program);
  journalCommand(program);

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      process.stderr.write(`${usageErrorLine(unknownOptionFirst(program, e))}\n`);
      return 2;
    }
    if (isMiaError(e)) {
      await flushLogs();
      process.stderr.write(`mia: ${e.message} (${e.code})\n`);
      return 1;
    }
    throw e;
  }
}

import { Command, CommanderError } from 'commander';
import { isMiaError } from '../common/errors.js';
import { flushLogs, LOG_LEVELS, logLevel } from '../common/logger.js';
import { oneOf } from './options.js';
import { EXIT_CODES_HELP, unknownOptionFirst, usageErrorLine } from './usage-error.js';

/**
 * The commands, in the order help lists them, each loaded when needed: loading every command's modules (the
 * server, the IB client, DuckDB, onnxruntime) took ~0.3 s of every run, more than `mia backtest` needs.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  features: async () => (await import('./features-command.js')).featuresCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  gateway: async () => (await import('./gateway-command.js')).gatewayCommand,
  train: async () => (await import('./train-command.js')).trainCommand,
  backtest: async () => (await import('./backtest-command.js')).backtestCommand,
  report: async () => (await import('./report-command.js')).reportCommand,
  journal: async () => (await import('./journal-command.js')).journalCommand,
  explain: async () => (await import('./explain-command.js')).explainCommand,
};


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
  // The command named is the first word that is a command's name (global options take no such value); without
  // one (`mia --help`, a misspelt command), every command is registered, for the list and the suggestions.
  const named = argv.slice(2).find((a) => Object.hasOwn(COMMANDS, a));
  for (const name of named !== undefined ? [named] : Object.keys(COMMANDS)) (await COMMANDS[name]!())(program);

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

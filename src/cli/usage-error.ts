import { CommanderError, type Command } from 'commander';
import { ErrorCode } from '../common/errors.js';

/** Exit codes of `mia`, as `mia --help` and README "Error codes" state them. */
export const EXIT_CODES_HELP = [
  '',
  'Exit codes:',
  '  0  success (and --help)',
  '  1  a coded error, an invalid option value among them: one line "mia: <message> (MIA_ERR_...)"',
  '     on stderr (README "Error codes")',
  '  2  a usage error (unknown command or option, missing option or value): the usage, then the line',
  '     "mia: <message> (MIA_ERR_BAD_ARGUMENT)"',
  '  75 mia serve: the engine thread stalled for 20 s (MIA_ERR_ENGINE_STALLED); a supervisor restarts it',
  '',
].join('\n');

/**
 * The last stderr line of a usage error, printed after the help of the command at fault: commander's message
 * in the form of every coded error, `mia: unknown command "fetures"; did you mean features? (MIA_ERR_BAD_ARGUMENT)`.
 * `commander.help` with a non-zero exit code is `mia` without a command (commander printed the help).
 */
export function usageErrorLine(e: CommanderError): string {
  if (e.code === 'commander.help') return `mia: no command given (${ErrorCode.BAD_ARGUMENT})`;
  const [first = '', ...rest] = e.message.split('\n');
  const what = first.replace(/^error: /, '').replace(/'([^']*)'/g, '"$1"').replace(/\.$/, '');
  const hint = rest.map((l) => /^\(Did you mean (.*)\?\)$/.exec(l)?.[1]).find((h) => h !== undefined);
  return `mia: ${what}${hint ? `; did you mean ${hint}?` : ''} (${ErrorCode.BAD_ARGUMENT})`;
}

/**
 * Commander checks required options before unknown ones, so `mia features --inptu x` would only say that
 * --input is missing. When a command that failed so was also given an unknown option, this is the unknown-option
 * error instead, with commander's own suggestion (its `unknownOption`, not in its typings; without it, `e` as is).
 */
export function unknownOptionFirst(program: Command, e: CommanderError): CommanderError {
  if (e.code !== 'commander.missingMandatoryOptionValue') return e;
  // Only commands that parse options themselves: a group such as `journal` holds its subcommand's words in args.
  const leaves = (cs: readonly Command[]): Command[] => cs.flatMap((c) => (c.commands.length > 0 ? leaves(c.commands) : [c]));
  for (const c of leaves(program.commands)) {
    const flag = c.args.find((a) => a.startsWith('-'));
    const cmd = c as Command & { unknownOption?: (flag: string) => void };
    if (flag === undefined || typeof cmd.unknownOption !== 'function') continue;
    // Its help is out already, with the first error.
    cmd.showHelpAfterError(false);
    try {
      cmd.unknownOption(flag);
    } catch (u) {
      if (u instanceof CommanderError) return u;
      throw u;
    }
  }
  return e;
}

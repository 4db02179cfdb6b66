import { Command, CommanderError } from 'commander';
import { describe, expect, test } from 'vitest';
import { unknownOptionFirst, usageErrorLine } from './usage-error.js';

/** A program shaped like `mia` (one command with a required option), its usage errors thrown, its output dropped. */
function program(): Command {
  const p = new Command('mia').exitOverride().showHelpAfterError().showSuggestionAfterError()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  p.command('features').requiredOption('--input <file>', 'trade file').option('--tick-size <price>', 'row size').action(() => undefined);
  return p;
}

async function usageError(args: string[]): Promise<{ p: Command; e: CommanderError }> {
  const p = program();
  try {
    await p.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { p, e };
    throw e;
  }
  throw new Error('no usage error');
}

describe('usageErrorLine', () => {
  test('commander\'s message becomes one coded line with double quotes and its suggestion', async () => {
    const { e } = await usageError(['fetures']);
    expect(usageErrorLine(e)).toBe('mia: unknown command "fetures"; did you mean features? (MIA_ERR_BAD_ARGUMENT)');
  });

  test('no suggestion when nothing is close', async () => {
    const { e } = await usageError(['zzzzzzzz']);
    expect(usageErrorLine(e)).toBe('mia: unknown command "zzzzzzzz" (MIA_ERR_BAD_ARGUMENT)');
  });

  test('mia without a command', async () => {
    const { e } = await usageError([]);
    expect(usageErrorLine(e)).toBe('mia: no command given (MIA_ERR_BAD_ARGUMENT)');
  });

  test('a missing option value', async () => {
    const { e } = await usageError(['features', '--input']);
    expect(usageErrorLine(e)).toBe('mia: option "--input <file>" argument missing (MIA_ERR_BAD_ARGUMENT)');
  });
});

describe('unknownOptionFirst (the contract with commander\'s unknownOption)', () => {
  test('a misspelt required option is reported as unknown, with the suggestion, not as the required one missing', async () => {
    const { p, e } = await usageError(['features', '--inptu', 'x.csv']);
    expect(e.code).toBe('commander.missingMandatoryOptionValue');
    expect(usageErrorLine(unknownOptionFirst(p, e))).toBe('mia: unknown option "--inptu"; did you mean --input? (MIA_ERR_BAD_ARGUMENT)');
  });

  test('a required option missing without any unknown option stays that error', async () => {
    const { p, e } = await usageError(['features', '--tick-size', '0.25']);
    expect(usageErrorLine(unknownOptionFirst(p, e))).toBe('mia: required option "--input <file>" not specified (MIA_ERR_BAD_ARGUMENT)');
  });
});

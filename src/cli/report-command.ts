import { join } from 'node:path';
import type { Command } from 'commander';
import { configError, ErrorCode } from '../common/errors.js';
import { checkOutputFolder, writeOutputFolder, type OutputSpec } from '../common/atomic-output.js';
import { readJournal } from '../report/journal-reader.js';
import { count, usd } from '../report/lessons.js';
import { buildReport, SVG_NAME } from '../report/mentor-report.js';
import type { ReportPeriod } from '../report/report-input.js';
import { datePeriod, weekPeriod } from '../report/report-period.js';
import { DEFAULT_ML_THRESHOLD } from '../report/report-rules.js';
import { positiveNumber, probability } from './options.js';

interface ReportCliOptions {
  date?: ReportPeriod;
  week?: ReportPeriod;
  journal: string;
  out: string;
  balance?: number;
  mlThreshold?: number;
}

/** Default journal path: `mia serve --journal`'s default. */
export const DEFAULT_JOURNAL = './mia-journal.duckdb';

/** A --date or --week that is not a date or week is an invalid option value: BAD_ARGUMENT, exit 1, as everywhere. */
function period(flag: string, parse: (text: string) => ReportPeriod | undefined, form: string) {
  return (text: string): ReportPeriod => {
    const p = parse(text);
    if (!p) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be ${form}, got "${text}"`);
    return p;
  };
}

/** What `mia report` writes into --out (then the completion marker). */
function reportOutputSpec(): OutputSpec {
  return { command: 'mia report', files: ['report.md', SVG_NAME], notice: (line) => void process.stderr.write(`mia report: ${line}\n`) };
}

/** `mia report`: the performance and mentor report of a trade date or a week, from the journal. */
export function reportCommand(program: Command): void {
  program
    .command('report')
    .description('performance and mentor report of a CME trade date or an ISO week from the journal: report.md (metrics overall, by regime, ' +
      'signal and hour; lessons with their evidence; penalties) and equity.svg')
    .option('--date <YYYY-MM-DD>', 'CME trade date (a session opening 18:00 New York time belongs to the next date; a trade counts on its exit\'s date)',
      period('--date', datePeriod, 'a date YYYY-MM-DD'))
    .option('--week <YYYY-Www>', 'ISO week, Monday to Sunday trade dates (2026-W25)', period('--week', weekPeriod, 'an ISO week YYYY-Www of that year'))
    .option('--journal <path>', 'journal database written by mia serve or mia backtest', DEFAULT_JOURNAL)
    .requiredOption('--out <dir>', 'folder for report.md, equity.svg and the _COMPLETE marker, written all or nothing (checked before the ' +
      'journal is read; a previous report there is replaced, a folder of other files refused)')
    .option('--balance <usd>', 'starting balance for the Sharpe ratio and drawdown % (default: the session\'s config, else 25000)', positiveNumber('--balance'))
    .option('--ml-threshold <p>', `ML approval threshold the near-threshold lesson measures from (default ${DEFAULT_ML_THRESHOLD})`, probability('--ml-threshold'))
    .addHelpText('after', '\nExamples:\n  mia report --date 2023-12-26 --out out/report\n  mia report --week 2026-W25 --journal runs/mia-journal.duckdb --out out/week25\n' +
      '\nThresholds of the lessons: docs/report.md.\n')
    .action(async function (this: Command, o: ReportCliOptions) {
      if ((o.date === undefined) === (o.week === undefined)) this.error('error: give one of --date or --week', { exitCode: 2, code: 'commander.missingMandatoryOptionValue' });
      const p = (o.date ?? o.week)!;
      await checkOutputFolder(o.out, reportOutputSpec());
      const input = await readJournal(o.journal, p);
      const r = buildReport(input, { ...(o.balance !== undefined ? { balance: o.balance } : {}), ...(o.mlThreshold !== undefined ? { mlThreshold: o.mlThreshold } : {}) });
      const files = [['report.md', r.markdown], [SVG_NAME, r.svg]] as const;
      await writeOutputFolder(o.out, reportOutputSpec(), async (staging) => {
        for (const [name, text] of files) await staging.writeFile(name, text);
      });
      const m = r.performance.overall;
      const points = r.lessons.penalties.reduce((a, x) => a + x.points, 0);
      process.stderr.write(`mia: report ${p.label}: ${count(m.trades, 'trade')}, net ${usd(m.netProfit)}, ${count(r.lessons.lessons.length, 'lesson')}, ` +
        `${count(points, 'penalty point')}; wrote ${files.map(([f]) => join(o.out, f)).join(', ')}\n`);
    });
}

import type { Command } from 'commander';
import { writeOutputFile } from '../common/atomic-output.js';
import { EXPORT_TABLES, type RowTable } from '../journal/journal-schema.js';
import { age } from './journal-options.js';
import { isoTime, oneOf } from './options.js';

const DEFAULT_JOURNAL = (): string => process.env.MIA_JOURNAL ?? './mia-journal.duckdb';

interface ExportOptions {
  journal: string;
  table: RowTable;
  from?: number;
  to?: number;
  format: 'json' | 'csv' | 'parquet';
  out: string;
}

/** Prints `value` as a cell of the text table (lists and objects as JSON). */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Rows as an aligned text table with a header. */
function textTable(columns: string[], rows: Record<string, unknown>[]): string {
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.min(40, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
  const line = (xs: string[]): string => xs.map((x, i) => (x.length > widths[i]! ? `${x.slice(0, widths[i]! - 1)}…` : x.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/**
 * `mia journal export|archive|query`: the journal of `mia serve` and `mia backtest --journal` (docs/journal.md).
 * DuckDB is loaded by the subcommand that needs it (about 0.2 s), not by every `mia` command.
 */
export function journalCommand(program: Command): void {
  const journal = program
    .command('journal')
    .description('export, archive or query the DuckDB journal of mia serve and mia backtest --journal (docs/journal.md)');

  journal
    .command('export')
    .description('write one table of the journal to a JSON (one object per line), CSV or Parquet file')
    .option('--journal <path>', 'journal file (default: env MIA_JOURNAL, else ./mia-journal.duckdb)', DEFAULT_JOURNAL())
    .requiredOption('--table <name>', `table: ${EXPORT_TABLES.join(', ')}`, oneOf('--table', EXPORT_TABLES))
    .option('--from <iso>', 'rows at or after this time (the table\'s time column, UTC), e.g. 2023-12-25T00:00:00Z', isoTime('--from'))
    .option('--to <iso>', 'rows before this time', isoTime('--to'))
    .option('--format <format>', 'json, csv or parquet', oneOf('--format', ['json', 'csv', 'parquet'] as const), 'parquet')
    .option('--out <file>', 'output file, replaced whole once the export is complete (default: <table>.<format> in the current folder, e.g. trades.parquet)')
    .addHelpText('after', '\nExample:\n  mia journal export --table trades --format parquet --out trades.parquet\n')
    .action(async (opts: Omit<ExportOptions, 'out'> & { out?: string }) => {
      const o: ExportOptions = { ...opts, out: opts.out ?? `${opts.table}.${opts.format}` };
      const r = await import('../journal/journal-reader.js');
      const j = await r.openJournal(o.journal, true);
      try {
        process.stderr.write(`mia: exporting ${o.table} from ${o.journal}\n`);
        // Written beside --out under a hidden name and renamed over it when complete (src/common/atomic-output.ts).
        const rows = await writeOutputFile(o.out, (staging) => r.exportTable(j.conn, o.table, o.from, o.to, o.format, staging, o.out),
          (line) => void process.stderr.write(`mia journal export: ${line}\n`));
        process.stderr.write(`mia: wrote ${rows.toLocaleString('en-US')} ${o.table} rows to ${o.out}\n`);
      } finally {
        j.close();
      }
    });

  journal
    .command('archive')
    .description('move rows older than an age to day-partitioned Parquet files and delete them from the journal, which is then compacted; all or nothing: a killed run is settled by the next (docs/journal.md)')
    .option('--journal <path>', 'journal file (default: env MIA_JOURNAL, else ./mia-journal.duckdb)', DEFAULT_JOURNAL())
    .requiredOption('--older-than <age>', 'rows older than this (by their time column, from now): 30d, 12h, 90m', age)
    .requiredOption('--out <dir>', 'archive folder (new, empty, or an earlier archive): <table>/date=<YYYY-MM-DD>/part-<run>.parquet, and _COMPLETE listing every part')
    .addHelpText('after', '\nExample:\n  mia journal archive --older-than 30d --out journal-archive\n')
    .action(async (o: { journal: string; olderThan: number; out: string }) => {
      const { archiveJournal } = await import('../journal/journal-archive.js');
      const r = await archiveJournal(o.journal, Date.now() - o.olderThan, o.out, (line) => process.stderr.write(`mia: ${line}\n`));
      const mb = (b: number): string => (b / 1_048_576).toFixed(1);
      process.stderr.write(`mia: archived ${r.rows.toLocaleString('en-US')} rows in ${r.files.length} files to ${o.out}; journal ${mb(r.bytesBefore)} MB → ${mb(r.bytesAfter)} MB\n`);
    });

  journal
    .command('query')
    .description('run one SQL statement on the journal, read-only, and print its rows')
    .argument('<sql>', 'the SQL, e.g. "SELECT count(*) FROM trades"')
    .option('--journal <path>', 'journal file (default: env MIA_JOURNAL, else ./mia-journal.duckdb)', DEFAULT_JOURNAL())
    .option('--format <format>', 'table (aligned text), json (one object per line) or csv', oneOf('--format', ['table', 'json', 'csv'] as const), 'table')
    .addHelpText('after', '\nExample:\n  mia journal query "SELECT exit_reason, count(*), sum(pnl_usd) FROM trades GROUP BY ALL"\n')
    .action(async (sql: string, o: { journal: string; format: 'table' | 'json' | 'csv' }) => {
      const r = await import('../journal/journal-reader.js');
      const j = await r.openJournal(o.journal, true);
      try {
        const { columns, rows } = await r.queryRows(j.conn, sql);
        if (o.format === 'json') for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
        else if (o.format === 'csv') {
          const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
          process.stdout.write([columns.map(q).join(','), ...rows.map((row) => columns.map((c) => q(cell(row[c]))).join(','))].join('\n') + '\n');
        } else process.stdout.write(textTable(columns, rows));
      } finally {
        j.close();
      }
    });
}

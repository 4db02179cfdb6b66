import { ErrorCode, MiaError } from '../common/errors.js';
import { splitCsvLine } from './csv-fields.js';

/** Column indexes of a trade file's header; -1 where the file has no such column. */
export interface Columns {
  ts: number;
  price: number;
  size: number;
  side: number;
  action: number;
  symbol: number;
  /** Fields of the header: every row must have as many (a row cut short, or lacking the action column, is BAD_ROW). */
  count: number;
}

/** Header names the reader recognises, in priority order (event time before receive time). */
const TS_COLUMNS = ['ts_event_ns', 'ts_event', 'ts', 'timestamp'];
const SIZE_COLUMNS = ['size', 'qty', 'amount', 'volume'];
const SIDE_COLUMNS = ['side', 'aggressor_side'];

/** The columns of a trade file's header line (README "Features of a trade file"); BAD_HEADER when one it needs is missing. */
export function parseCsvHeader(line: string, path: string): Columns {
  const names = (splitCsvLine(line) ?? []).map((n) => n.trim().toLowerCase());
  const find = (options: string[]): number => {
    for (const o of options) {
      const i = names.indexOf(o);
      if (i >= 0) return i;
    }
    return -1;
  };
  const cols = {
    ts: find(TS_COLUMNS), price: names.indexOf('price'), size: find(SIZE_COLUMNS), side: find(SIDE_COLUMNS),
    action: names.indexOf('action'), symbol: names.indexOf('symbol'), count: names.length,
  };
  const missing = [cols.ts < 0 && 'timestamp', cols.price < 0 && 'price', cols.size < 0 && 'size'].filter((m) => m !== false);
  if (missing.length) {
    const found = names.filter(Boolean);
    throw new MiaError(ErrorCode.BAD_HEADER,
      `${path}: the header has no ${orList(missing)} column (found: ${found.length ? found.join(', ') : 'no column names'}); ${NEEDED}`,
      { file: path, row: 1, missing, found });
  }
  return cols;
}

/** What every trade file's header must name, for BAD_HEADER messages. */
const NEEDED = `a trade file needs a timestamp (${orList(TS_COLUMNS)}), a price (price) and a size (${orList(SIZE_COLUMNS)}) column`;

/** BAD_HEADER for a file without even a header line. */
export function emptyFileError(path: string): MiaError {
  return new MiaError(ErrorCode.BAD_HEADER, `${path}: the file is empty, with no header line; ${NEEDED}`, { file: path, row: 1 });
}

/** `a`, `a or b`, `a, b or c`. */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

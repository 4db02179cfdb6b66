import { ErrorCode, inputError, MiaError, type ErrorCodeValue } from '../common/errors.js';
import { Side } from '../model/side.js';
import { type ReaderOptions, type ReadStats, type TradeBatch } from '../model/trade-batch.js';
import { joinNs, splitNs } from '../model/time.js';
import { parseRawSize, parseSide, parseTimestampNs, sizeDecimalsOf, splitCsvLine } from './csv-fields.js';
import type { CsvLines, RowVisitor } from './csv-lines.js';
import { CsvRowWalker, Role, rolesOf, TEXT_ROW } from './csv-row-walker.js';
import type { PriceRange } from './price-range.js';
import { TIME_RANGE_TEXT, tradeTimeInRange, tradeTimeNsInRange } from './trade-time-range.js';

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

/** What the rows of one read share with their reader. */
export interface RowContext {
  readonly path: string;
  readonly cols: Columns;
  /** Size precision in use. */
  readonly decimals: number;
  /** Plausible prices of the file's instrument: others are BAD_PRICE. */
  readonly prices: PriceRange;
  /** The symbol chosen with --symbol, when the file has a symbol column. */
  readonly chosen: string | undefined;
  /** `chosen` as UTF-8 bytes. */
  readonly chosenBytes: Uint8Array | undefined;
  readonly stats: ReadStats;
  readonly options: ReaderOptions;
  /** Where the trades go; the reader hands it on whenever it is full. */
  readonly batch: TradeBatch;
}

/** Largest raw size a Trade struct holds (u32). */
const MAX_RAW_SIZE = 0xffffffff;

const TWO_64 = 1n << 64n;

/**
 * True when field `buf[s, e)` reads as `text`: bytes compared when ASCII, decoded otherwise (only a
 * decoded comparison says how invalid UTF-8 or a lone surrogate compares).
 */
export function fieldIs(buf: Buffer, s: number, e: number, text: string, bytes: Uint8Array): boolean {
  for (let i = s; i < e; i++) if (buf[i]! >= 0x80) return buf.toString('utf8', s, e) === text;
  if (e - s !== bytes.length) return false;
  for (let i = s; i < e; i++) if (buf[i] !== bytes[i - s]) return false;
  return true;
}

/**
 * The data rows of one read of a CSV trade file, into a TradeBatch. Each row takes the byte path when it
 * can ({@link CsvRowWalker}: fields parsed in place, no string per row). Anything the byte path does not
 * read (a quote, an unusual number, any error) goes to the text path instead: the reader's original
 * per-row code, which therefore decides every result the byte path does not, and words every error.
 */
export class CsvTradeRows implements RowVisitor {
  private readonly ctx: RowContext;
  private readonly walker: CsvRowWalker;
  /** The instrument of the tape and its bytes: the one chosen with --symbol, else that of the first trade once known. */
  private symbol: string | undefined;
  private symbolBytes: Uint8Array | undefined;
  /** The previous trade's time; hi = -1 before the first, so that any time follows it. */
  private lastHi = -1;
  private lastLo = 0;
  /** The previous trade's time when outside [0, 2^64) (an odd ISO or huge value): only the text path compares it. */
  private lastOdd: bigint | undefined;

  constructor(ctx: RowContext) {
    this.ctx = ctx;
    const c = ctx.cols;
    this.walker = new CsvRowWalker(rolesOf([[c.ts, Role.Ts], [c.price, Role.Price], [c.size, Role.Size], [c.side, Role.Side],
      [c.action, Role.Action], [c.symbol, Role.Symbol]]), ctx.decimals);
    this.symbol = ctx.chosen;
    this.symbolBytes = ctx.chosenBytes;
  }

  /** True when the batch is full: the reader hands it on before the next row. */
  get pause(): boolean {
    return this.ctx.batch.length === this.ctx.batch.capacity;
  }

  /**
   * Reads the row at `lines.at` in place: returns where the next row starts, INCOMPLETE when the row goes
   * on in the next chunk, or TEXT_ROW when it must go to {@link text} (nothing counted yet).
   */
  bytes(lines: CsvLines, row: number): number {
    const w = this.walker;
    const next = w.walk(lines.buf, lines.at, lines.end, lines.atEnd);
    if (next < 0) return next;
    const { cols: c, stats, batch } = this.ctx;
    if (w.fields !== c.count) return TEXT_ROW; // the text path words the error
    if (c.action >= 0 && !w.isTrade) {
      stats.read++;
      stats.ignored++;
      return next;
    }
    if (c.symbol >= 0) {
      if (this.symbol === undefined) return TEXT_ROW; // the text path takes the first symbol
      if (!fieldIs(lines.buf, w.symbolStart, w.symbolEnd, this.symbol, this.symbolBytes!)) {
        if (this.ctx.chosen === undefined) return TEXT_ROW; // a second instrument: the text path words the error
        stats.read++;
        stats.ignored++;
        return next;
      }
    }
    const t = w.token;
    if (!w.tsOk || !tradeTimeInRange(t.hi, t.lo) || !(w.price >= this.ctx.prices.min && w.price <= this.ctx.prices.max) || !(w.size > 0 && w.size <= MAX_RAW_SIZE) || w.side < 0 || this.lastOdd !== undefined ||
      t.hi < this.lastHi || (t.hi === this.lastHi && t.lo < this.lastLo)) return TEXT_ROW;
    this.lastHi = t.hi;
    this.lastLo = t.lo;
    batch.push(t.hi, t.lo, w.price, w.size, w.side, row);
    stats.read++;
    stats.trades++;
    return next;
  }

  /** Reads one row from its text: the reader's original row code, unchanged in what it accepts and reports. */
  text(line: string, row: number): void {
    const { cols: c, stats, options, path, decimals, batch } = this.ctx;
    stats.read++;
    const fail = (code: ErrorCodeValue, reason: string): void => {
      const err = inputError(code, { file: path, row }, reason);
      if (!options.skipBad) throw err;
      stats.skipped[code] = (stats.skipped[code] ?? 0) + 1;
      options.onSkip?.(err);
    };
    const f = splitCsvLine(line);
    if (!f) {
      fail(ErrorCode.BAD_ROW, 'unbalanced quote');
      return;
    }
    if (f.length !== c.count) {
      // A row cut short (a truncated last row read as size 1) or lacking the action column (read as a book event).
      fail(ErrorCode.BAD_ROW, `the row has ${f.length} fields, the header ${c.count}`);
      return;
    }
    if (c.action >= 0 && f[c.action] !== 'T') {
      stats.ignored++;
      return;
    }
    if (c.symbol >= 0) {
      const s = f[c.symbol] ?? '';
      if (this.symbol === undefined) {
        this.symbol = s;
        this.symbolBytes = Buffer.from(s, 'utf8');
      } else if (s !== this.symbol) {
        if (this.ctx.chosen !== undefined) {
          stats.ignored++;
          return;
        }
        // One tape is one instrument: mixing two symbols' prices would make every bar wrong.
        throw inputError(ErrorCode.MULTIPLE_INSTRUMENTS, { file: path, row }, `trades of ${this.symbol} and ${s} in one file: choose one with --symbol`);
      }
    }
    const tsText = f[c.ts]?.trim();
    const priceText = f[c.price]?.trim();
    const sizeText = f[c.size]?.trim();
    if (tsText === undefined || priceText === undefined || sizeText === undefined) {
      fail(ErrorCode.BAD_ROW, `expected at least ${Math.max(c.ts, c.price, c.size) + 1} fields, found ${f.length}`);
      return;
    }
    const ts = parseTimestampNs(tsText);
    if (ts === undefined) {
      fail(ErrorCode.BAD_ROW, `timestamp "${tsText}" is not an integer or ISO-8601 time`);
      return;
    }
    const price = priceText === '' ? Number.NaN : Number(priceText);
    if (!Number.isFinite(price) || price <= 0) {
      fail(ErrorCode.BAD_PRICE, `price "${priceText}" is not a positive number`);
      return;
    }
    const { prices } = this.ctx;
    if (!(price >= prices.min && price <= prices.max)) {
      fail(ErrorCode.BAD_PRICE, `price "${priceText}" is outside ${prices.label} (docs/hostile-input.md)`);
      return;
    }
    const size = parseRawSize(sizeText, decimals);
    if (size === undefined || size <= 0 || size > MAX_RAW_SIZE) {
      const d = sizeDecimalsOf(sizeText);
      fail(ErrorCode.BAD_SIZE, d > decimals
        ? `size "${sizeText}" has ${d} decimals, more than the ${decimals} in use (--size-decimals)`
        : `size "${sizeText}" is not a positive number up to ${MAX_RAW_SIZE / 10 ** decimals}`);
      return;
    }
    const side = c.side >= 0 ? parseSide(f[c.side]?.trim() ?? '') : Side.None;
    if (side === undefined) {
      fail(ErrorCode.BAD_ROW, `side "${f[c.side]}" is not B, buy, S, A, sell, N or empty`);
      return;
    }
    if (!tradeTimeNsInRange(ts)) {
      fail(ErrorCode.TIMESTAMP_OUT_OF_RANGE, `timestamp "${tsText}" is ${TIME_RANGE_TEXT}`);
      return;
    }
    if (ts < this.lastTs()) {
      fail(ErrorCode.OUT_OF_ORDER, `timestamp ${tsText} is earlier than the row before`);
      return;
    }
    const [hi, lo] = splitNs(ts);
    if (ts >= 0n && ts < TWO_64) {
      this.lastHi = hi;
      this.lastLo = lo;
      this.lastOdd = undefined;
    } else this.lastOdd = ts;
    batch.push(hi, lo, price, size, side, row);
    stats.trades++;
  }

  /** The previous trade's time as the text path compares it (-1 before the first trade). */
  private lastTs(): bigint {
    return this.lastOdd ?? (this.lastHi < 0 ? -1n : joinNs(this.lastHi, this.lastLo));
  }
}

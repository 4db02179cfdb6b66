import { ErrorCode, inputError, type ErrorCodeValue } from '../common/errors.js';
import { Side } from '../model/side.js';
import { joinNs, splitNs } from '../model/time.js';
import { parseRawSize, parseSide, parseTimestampNs, sizeDecimalsOf, splitCsvLine } from './csv-fields.js';
import type { CsvLines, RowVisitor } from './csv-lines.js';
import { CsvRowWalker, Role, rolesOf, TEXT_ROW } from './csv-row-walker.js';
import { fieldIs, MAX_RAW_SIZE, readTradeRun, RowState, type RowContext } from './csv-trade-run.js';
import { TIME_RANGE_TEXT, tradeTimeInRange, tradeTimeNsInRange } from './trade-time-range.js';

const TWO_64 = 1n << 64n;

/**
 * The data rows of one read of a CSV trade file, into a TradeBatch. Each row takes the byte path when it
 * can ({@link CsvRowWalker}: fields parsed in place, no string per row). Anything the byte path does not
 * read (a quote, an unusual number, any error) goes to the text path instead: the reader's original
 * per-row code, which therefore decides every result the byte path does not, and words every error.
 */
export class CsvTradeRows implements RowVisitor {
  private readonly ctx: RowContext;
  private readonly walker: CsvRowWalker;
  /** Role of each column up to the last one needed. */
  private readonly roles: Uint8Array;
  /** The instrument and the previous trade's time, shared with the bulk path. */
  private readonly state = new RowState();

  constructor(ctx: RowContext) {
    this.ctx = ctx;
    const c = ctx.cols;
    this.roles = rolesOf([[c.ts, Role.Ts], [c.price, Role.Price], [c.size, Role.Size], [c.side, Role.Side],
      [c.action, Role.Action], [c.symbol, Role.Symbol]]);
    this.walker = new CsvRowWalker(this.roles, ctx.decimals);
    this.state.symbol = ctx.chosen;
    this.state.symbolBytes = ctx.chosenBytes;
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
      if (this.state.symbol === undefined) return TEXT_ROW; // the text path takes the first symbol
      if (!fieldIs(lines.buf, w.symbolStart, w.symbolEnd, this.state.symbol, this.state.symbolBytes!)) {
        if (this.ctx.chosen === undefined) return TEXT_ROW; // a second instrument: the text path words the error
        stats.read++;
        stats.ignored++;
        return next;
      }
    }
    const t = w.token;
    if (!w.tsOk || !tradeTimeInRange(t.hi, t.lo) || !(w.price >= this.ctx.prices.min && w.price <= this.ctx.prices.max) || !(w.size > 0 && w.size <= MAX_RAW_SIZE) || w.side < 0 || this.state.lastOdd !== undefined ||
      t.hi < this.state.lastHi || (t.hi === this.state.lastHi && t.lo < this.state.lastLo)) return TEXT_ROW;
    this.state.lastHi = t.hi;
    this.state.lastLo = t.lo;
    batch.push(t.hi, t.lo, w.price, w.size, w.side, row);
    stats.read++;
    stats.trades++;
    return next;
  }

  /** Reads rows in bulk from `lines.at` ({@link readTradeRun}); returns how many. */
  run(lines: CsvLines, row: number): number {
    return readTradeRun(this.ctx, this.roles, this.state, lines, row);
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
      if (this.state.symbol === undefined) {
        this.state.symbol = s;
        this.state.symbolBytes = Buffer.from(s, 'utf8');
      } else if (s !== this.state.symbol) {
        if (this.ctx.chosen !== undefined) {
          stats.ignored++;
          return;
        }
        // One tape is one instrument: mixing two symbols' prices would make every bar wrong.
        throw inputError(ErrorCode.MULTIPLE_INSTRUMENTS, { file: path, row }, `trades of ${this.state.symbol} and ${s} in one file: choose one with --symbol`);
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
      this.state.lastHi = hi;
      this.state.lastLo = lo;
      this.state.lastOdd = undefined;
    } else this.state.lastOdd = ts;
    batch.push(hi, lo, price, size, side, row);
    stats.trades++;
  }

  /** The previous trade's time as the text path compares it (-1 before the first trade). */
  private lastTs(): bigint {
    return this.state.lastOdd ?? (this.state.lastHi < 0 ? -1n : joinNs(this.state.lastHi, this.state.lastLo));
  }
}

import type { CsvLines } from './csv-lines.js';
import { ns19At, plainPriceAt, priceAt, sideAt, sizeAt, timestampAt, Token } from './csv-byte-fields.js';
import { Role, skipFieldWide } from './csv-row-walker.js';
import type { Columns } from './csv-header.js';
import type { PriceRange } from './price-range.js';
import type { ReaderOptions, ReadStats, TradeBatch } from '../model/trade-batch.js';
import { tradeTimeInRange } from './trade-time-range.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const T = 0x54;

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
export const MAX_RAW_SIZE = 0xffffffff;

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

/** What the row paths of one read share: the instrument of the tape and the previous trade's time. */
export class RowState {
  /** The instrument and its bytes: the one chosen with --symbol, else that of the first trade once known. */
  symbol: string | undefined;
  symbolBytes: Uint8Array | undefined;
  /** The previous trade's time; hi = -1 before the first, so that any time follows it. */
  lastHi = -1;
  lastLo = 0;
  /** The previous trade's time when outside [0, 2^64) (an odd ISO or huge value): only the text path compares it. */
  lastOdd: bigint | undefined;
  /** Where the token parsers of the bulk path stop. */
  readonly token = new Token();
}

/**
 * Reads rows in bulk from `lines.at` into the batch, in one loop with the row's values in locals: the rows
 * CsvTradeRows.bytes would take (trades and ignored rows, whole in the buffer, every field in a form the token
 * parsers read, valid and in order), with the same results. Stops at the first row it does not take (left to
 * CsvTradeRows.bytes and .text), at the end of the buffer's whole lines, or when the batch is full.
 * `row` is the line number of the row before; returns the rows read and moves `lines.at` past them.
 */
export function readTradeRun(ctx: RowContext, roles: Uint8Array, state: RowState, lines: CsvLines, row: number): number {
  const { cols: c, stats, batch, prices, decimals } = ctx;
  const symbolBytes = state.symbolBytes;
  if (state.lastOdd !== undefined || (c.symbol >= 0 && symbolBytes === undefined)) return 0;
  const symbol = state.symbol!;
  const chosen = ctx.chosen;
  const buf = lines.buf;
  const end = lines.end;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const last = roles.length - 1;
  const count = c.count;
  const min = prices.min;
  const max = prices.max;
  const t = state.token;
  const cap = batch.capacity;
  const { tsHi, tsLo, price: priceCol, size: sizeCol, side: sideCol, origin } = batch;
  let n = batch.length;
  let lastHi = state.lastHi;
  let lastLo = state.lastLo;
  let p = lines.at;
  let done = 0;
  let ignored = 0;
  rows: while (n < cap && p < end) {
    let hi = 0;
    let lo = 0;
    let tsOk = false;
    let price = Number.NaN;
    let size = -1;
    let side = 0;
    let isTrade = false;
    let symbolStart = -1;
    let symbolEnd = -1;
    let fields = 0;
    let f = p; // start of the field
    let q = p;
    for (let k = 0; ; k++) {
      const role = roles[k]!;
      if (role === Role.Ts) {
        tsOk = (f + 20 <= end && ns19At(view, buf, f, t)) || timestampAt(buf, f, end, t);
        hi = t.hi;
        lo = t.lo;
        q = t.q;
      } else if (role === Role.Price) {
        price = plainPriceAt(buf, f, end, t);
        if (Number.isNaN(price)) price = priceAt(buf, f, end, t); // NaN: not the plain form
        q = t.q;
      } else if (role === Role.Size) {
        size = sizeAt(buf, f, end, decimals, t);
        q = t.q;
      } else if (role === Role.Side) {
        side = sideAt(buf, f, end, t);
        q = t.q;
      } else q = skipFieldWide(view, buf, f, end);
      if (q + 1 >= end) break rows; // the row may go on in the next chunk: bytes() knows
      let b = buf[q]!;
      if (b === CR && buf[q + 1] === LF) b = LF; // a token stopped at the \r of \r\n
      else if (b !== COMMA && b !== LF) break rows; // a quote, or a token short of its field's end
      if (role === Role.Action || role === Role.Symbol) {
        // The field as the text split gives it: up to the comma, or to the line end without its \r.
        const e = b === LF && q > f && buf[q - 1] === CR ? q - 1 : q;
        if (role === Role.Action) isTrade = e - f === 1 && buf[f] === T;
        else {
          symbolStart = f;
          symbolEnd = e;
        }
      }
      if (b === LF) {
        if (buf[q] === CR) q++;
        fields = k + 1;
        break;
      }
      if (k === last) {
        // The fields after the last needed one: counted, never parsed.
        let commas = 0;
        for (q++; q < end; q++) {
          const x = buf[q]!;
          if (x <= COMMA) {
            if (x === COMMA) commas++;
            else if (x === LF) break;
            else if (x === QUOTE) break rows;
          }
        }
        if (q >= end) break rows;
        fields = k + 2 + commas;
        break;
      }
      f = q + 1;
    }
    // Here buf[q] is the row's line feed.
    if (fields !== count || q === p || (q === p + 1 && buf[p] === CR)) break; // bytes() and text() word it
    if (c.action >= 0 && !isTrade) {
      ignored++;
    } else if (c.symbol >= 0 && !fieldIs(buf, symbolStart, symbolEnd, symbol, symbolBytes!)) {
      if (chosen === undefined) break; // a second instrument: the text path words the error
      ignored++;
    } else {
      if (!tsOk || !tradeTimeInRange(hi, lo) || !(price >= min && price <= max) || !(size > 0 && size <= MAX_RAW_SIZE) || side < 0 ||
        hi < lastHi || (hi === lastHi && lo < lastLo)) break;
      tsHi[n] = hi;
      tsLo[n] = lo;
      priceCol[n] = price;
      sizeCol[n] = size;
      sideCol[n] = side;
      origin[n] = row + done + 1;
      n++;
      lastHi = hi;
      lastLo = lo;
    }
    done++;
    p = q + 1;
  }
  batch.length = n;
  state.lastHi = lastHi;
  state.lastLo = lastLo;
  stats.read += done;
  stats.ignored += ignored;
  stats.trades += done - ignored;
  lines.at = p;
  return done;
}

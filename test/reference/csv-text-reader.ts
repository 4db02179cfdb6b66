import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { ErrorCode, inputError, MiaError, unreadable, type ErrorCodeValue } from '../../src/common/errors.js';
import { Side } from '../../src/model/side.js';
import { TradeBatch, type ReaderOptions, type ReadStats, type SourceInfo, type TradeSource } from '../../src/model/trade-batch.js';
import { splitNs } from '../../src/model/time.js';
import { parseRawSize, parseSide, parseTimestampNs, sizeDecimalsOf, splitCsvLine } from '../../src/data/csv-fields.js';
import { emptyFileError, parseCsvHeader, type Columns } from '../../src/data/csv-header.js';
import { plausiblePriceRange } from '../../src/data/price-range.js';
import { TIME_RANGE_TEXT, tradeTimeNsInRange } from '../../src/data/trade-time-range.js';
import { textLines } from './text-lines.js';

/** Largest raw size a Trade struct holds (u32). */
const MAX_RAW_SIZE = 0xffffffff;

/**
 * The CSV trade reader as it was before its byte path: every line decoded to a string, split, and parsed
 * field by field through strings (~0.4 M rows/s). It is the oracle the byte path of
 * CsvTradeReader (src/data/csv-trade-reader.ts) is property-tested against, so it shares no code with it
 * beyond the text field parsers of csv-fields.ts and the header parser; keep it as it is, except for the
 * hostile-input rules of issue 14 (docs/hostile-input.md), added here as plainly as the reader applies them.
 */
export class CsvTextReader implements TradeSource {
  readonly info: SourceInfo;
  readonly stats: ReadStats = { read: 0, trades: 0, ignored: 0, skipped: {} };
  private readonly path: string;
  private readonly options: ReaderOptions;
  /** The symbol chosen with --symbol, when the file has a symbol column. */
  private readonly chosen: string | undefined;
  private cols: Columns | undefined;

  private constructor(path: string, options: ReaderOptions & { symbol?: string }, info: SourceInfo) {
    this.path = path;
    this.options = options;
    this.info = info;
    this.chosen = options.symbol;
  }

  /** Opens the file, reads the header and settles the size precision. */
  static async open(path: string, options: ReaderOptions & { symbol?: string } = {}): Promise<CsvTextReader> {
    try {
      await access(path);
    } catch {
      throw unreadable(path);
    }
    const info: SourceInfo = { symbol: options.symbol ?? '', sizeDecimals: options.sizeDecimals ?? 0, hasSides: false };
    const reader = new CsvTextReader(path, options, info);
    await reader.scan(options.sizeDecimals === undefined, options.symbol === undefined);
    return reader;
  }

  /** First pass: header, the finest size precision in the file, the symbol of the first trade. */
  private async scan(detectDecimals: boolean, detectSymbol: boolean): Promise<void> {
    let row = 0;
    let decimals = 0;
    let chosenSeen = false;
    for await (const line of textLines(this.path)) {
      row++;
      if (row === 1) {
        this.cols = parseCsvHeader(line, this.path);
        this.info.hasSides = this.cols.side >= 0;
        // No symbol column: the file is one instrument, named by the file, and --symbol must be that name.
        if (this.chosen !== undefined && this.cols.symbol < 0) {
          const name = basename(this.path).replace(/\..*$/, '');
          const word = (/^[A-Za-z0-9]+/.exec(name)?.[0] ?? name).toUpperCase();
          if (![name.toUpperCase(), word].includes(this.chosen.toUpperCase())) {
            throw new MiaError(ErrorCode.UNKNOWN_SYMBOL,
              `${this.path}: the file has no symbol column, so it holds one instrument, known by its file name as "${word}"; ` +
                `--symbol "${this.chosen}" is not that name (leave --symbol out, or give "${word}")`,
              { file: this.path, symbol: this.chosen });
          }
        }
        if (!detectDecimals && !detectSymbol && (this.chosen === undefined || this.cols.symbol < 0)) return;
        continue;
      }
      if (!line) continue;
      const f = splitCsvLine(line);
      const c = this.cols!;
      if (!f || (c.action >= 0 && f[c.action] !== 'T')) continue;
      if (detectSymbol && !this.info.symbol && c.symbol >= 0 && f[c.symbol]) this.info.symbol = f[c.symbol]!;
      if (this.chosen !== undefined && c.symbol >= 0 && f[c.symbol] === this.chosen) chosenSeen = true;
      if (detectDecimals) decimals = Math.max(decimals, sizeDecimalsOf(f[c.size]?.trim() ?? ''));
    }
    if (!this.cols) throw emptyFileError(this.path);
    if (this.chosen !== undefined && this.cols.symbol >= 0 && !chosenSeen) {
      throw new MiaError(ErrorCode.UNKNOWN_SYMBOL, `${this.path}: no trades of symbol "${this.chosen}" in the file`, { file: this.path });
    }
    if (detectDecimals) this.info.sizeDecimals = Math.min(decimals, 12);
    if (!this.info.symbol) this.info.symbol = basename(this.path).replace(/\..*$/, '');
  }

  async *batches(): AsyncGenerator<TradeBatch> {
    const batch = new TradeBatch(this.options.batchSize ?? 65536);
    const c = this.cols!;
    const decimals = this.info.sizeDecimals;
    let row = 0;
    let lastTs = -1n;
    let symbol: string | undefined;
    const prices = plausiblePriceRange(this.info.symbol);
    for await (const line of textLines(this.path)) {
      row++;
      if (row === 1 || line.length === 0) continue;
      this.stats.read++;
      const fail = (code: ErrorCodeValue, reason: string): void => {
        const err = inputError(code, { file: this.path, row }, reason);
        if (!this.options.skipBad) throw err;
        this.stats.skipped[code] = (this.stats.skipped[code] ?? 0) + 1;
        this.options.onSkip?.(err);
      };
      const f = splitCsvLine(line);
      if (!f) {
        fail(ErrorCode.BAD_ROW, 'unbalanced quote');
        continue;
      }
      if (f.length !== c.count) {
        fail(ErrorCode.BAD_ROW, `the row has ${f.length} fields, the header ${c.count}`);
        continue;
      }
      if (c.action >= 0 && f[c.action] !== 'T') {
        this.stats.ignored++;
        continue;
      }
      if (c.symbol >= 0) {
        const s = f[c.symbol] ?? '';
        if (this.chosen !== undefined && s !== this.chosen) {
          this.stats.ignored++;
          continue;
        }
        // One tape is one instrument: mixing two symbols' prices would make every bar wrong.
        symbol ??= s;
        if (s !== symbol) {
          throw inputError(ErrorCode.MULTIPLE_INSTRUMENTS, { file: this.path, row }, `trades of ${symbol} and ${s} in one file: choose one with --symbol`);
        }
      }
      const tsText = f[c.ts]?.trim();
      const priceText = f[c.price]?.trim();
      const sizeText = f[c.size]?.trim();
      if (tsText === undefined || priceText === undefined || sizeText === undefined) {
        fail(ErrorCode.BAD_ROW, `expected at least ${Math.max(c.ts, c.price, c.size) + 1} fields, found ${f.length}`);
        continue;
      }
      const ts = parseTimestampNs(tsText);
      if (ts === undefined) {
        fail(ErrorCode.BAD_ROW, `timestamp "${tsText}" is not an integer or ISO-8601 time`);
        continue;
      }
      const price = priceText === '' ? Number.NaN : Number(priceText);
      if (!Number.isFinite(price) || price <= 0) {
        fail(ErrorCode.BAD_PRICE, `price "${priceText}" is not a positive number`);
        continue;
      }
      if (!(price >= prices.min && price <= prices.max)) {
        fail(ErrorCode.BAD_PRICE, `price "${priceText}" is outside ${prices.label} (docs/hostile-input.md)`);
        continue;
      }
      const size = parseRawSize(sizeText, decimals);
      if (size === undefined || size <= 0 || size > MAX_RAW_SIZE) {
        const d = sizeDecimalsOf(sizeText);
        fail(ErrorCode.BAD_SIZE, d > decimals
          ? `size "${sizeText}" has ${d} decimals, more than the ${decimals} in use (--size-decimals)`
          : `size "${sizeText}" is not a positive number up to ${MAX_RAW_SIZE / 10 ** decimals}`);
        continue;
      }
      const side = c.side >= 0 ? parseSide(f[c.side]?.trim() ?? '') : Side.None;
      if (side === undefined) {
        fail(ErrorCode.BAD_ROW, `side "${f[c.side]}" is not B, buy, S, A, sell, N or empty`);
        continue;
      }
      if (!tradeTimeNsInRange(ts)) {
        fail(ErrorCode.TIMESTAMP_OUT_OF_RANGE, `timestamp "${tsText}" is ${TIME_RANGE_TEXT}`);
        continue;
      }
      if (ts < lastTs) {
        fail(ErrorCode.OUT_OF_ORDER, `timestamp ${tsText} is earlier than the row before`);
        continue;
      }
      lastTs = ts;
      const [hi, lo] = splitNs(ts);
      batch.push(hi, lo, price, size, side, row);
      this.stats.trades++;
      if (batch.length === batch.capacity) {
        yield batch;
        batch.clear();
      }
    }
    if (batch.length > 0) yield batch;
  }
}

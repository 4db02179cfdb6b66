import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { configError, ErrorCode, inputError, MiaError } from '../common/errors.js';
import { TradeBatch, type ReaderOptions, type ReadStats, type SourceInfo, type TradeSource } from '../model/trade-batch.js';
import { sizeDecimalsOf, splitCsvLine } from './csv-fields.js';
import { CsvLines, DEFAULT_CHUNK_BYTES } from './csv-lines.js';
import { CsvRowWalker, INCOMPLETE, Role, rolesOf } from './csv-row-walker.js';
import { CsvTradeRows, fieldIs, type Columns } from './csv-trade-rows.js';

/** Header names the reader recognises, in priority order (event time before receive time). */
const TS_COLUMNS = ['ts_event_ns', 'ts_event', 'ts', 'timestamp'];
const SIZE_COLUMNS = ['size', 'qty', 'amount', 'volume'];
const SIDE_COLUMNS = ['side', 'aggressor_side'];

/** Options of {@link CsvTradeReader.open}. */
export interface CsvReaderOptions extends ReaderOptions {
  /** Symbol to read (--symbol) when the file has a symbol column; default: the only one. */
  symbol?: string;
  /** Bytes read per chunk (default 1 MiB); tests set a few bytes so that rows straddle chunks. */
  chunkBytes?: number;
}

/**
 * Trades from a CSV file whose columns are found by header (README "Features of a trade file"). Sizes
 * become exact integers at the file's size precision (detected by a first pass unless given). Rows with an
 * `action` other than `T` (Databento book events) are counted as ignored, not read as trades.
 *
 * Both passes read the file in chunks into one buffer kept by the reader and parse the fields as bytes
 * ({@link CsvTradeRows}): decoding every line into a string and splitting it held the reader to ~0.4 M
 * rows/s. Rows the byte path does not handle go through the original text code.
 */
export class CsvTradeReader implements TradeSource {
  readonly info: SourceInfo;
  readonly stats: ReadStats = { read: 0, trades: 0, ignored: 0, skipped: {} };
  private readonly path: string;
  private readonly options: CsvReaderOptions;
  /** The symbol chosen with --symbol, when the file has a symbol column. */
  private readonly chosen: string | undefined;
  private readonly chunkBytes: number;
  private cols: Columns | undefined;
  /** The chunk buffer between passes: allocated once, then reused (its pages already touched). */
  private spare: Buffer | undefined;

  private constructor(path: string, options: CsvReaderOptions, info: SourceInfo) {
    this.path = path;
    this.options = options;
    this.info = info;
    this.chosen = options.symbol;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  /** Opens the file, reads the header and settles the size precision. */
  static async open(path: string, options: CsvReaderOptions = {}): Promise<CsvTradeReader> {
    const { chunkBytes } = options;
    if (chunkBytes !== undefined && !(Number.isSafeInteger(chunkBytes) && chunkBytes > 0)) {
      throw configError(ErrorCode.BAD_ARGUMENT, `chunkBytes must be a positive integer, not ${chunkBytes}`, { chunkBytes });
    }
    try {
      await access(path);
    } catch {
      throw new MiaError(ErrorCode.INPUT_UNREADABLE, `${path}: cannot read the file`, { file: path });
    }
    const info: SourceInfo = { symbol: options.symbol ?? '', sizeDecimals: options.sizeDecimals ?? 0, hasSides: false };
    const reader = new CsvTradeReader(path, options, info);
    await reader.scan(options.sizeDecimals === undefined, options.symbol === undefined);
    return reader;
  }

  private header(line: string): Columns {
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
      action: names.indexOf('action'), symbol: names.indexOf('symbol'),
    };
    const missing = [cols.ts < 0 && 'a timestamp (ts, timestamp, ts_event, ts_event_ns)', cols.price < 0 && 'price',
      cols.size < 0 && 'a size (size, qty, amount, volume)'].filter(Boolean);
    if (missing.length) throw inputError(ErrorCode.BAD_HEADER, { file: this.path, row: 1 }, `header has no ${missing.join(', ')} column`);
    return cols;
  }

  /** Opens the file's lines through the reader's buffer; an iteration running at the same time gets its own. */
  private async lines(): Promise<CsvLines> {
    const buf = this.spare;
    this.spare = undefined;
    return CsvLines.open(this.path, this.chunkBytes, buf);
  }

  /** First pass: header, the finest size precision in the file, the symbol of the first trade. */
  private async scan(detectDecimals: boolean, detectSymbol: boolean): Promise<void> {
    let row = 0;
    let decimals = 0;
    let chosenSeen = false;
    const chosenBytes = this.chosen === undefined ? undefined : Buffer.from(this.chosen, 'utf8');
    let walker: CsvRowWalker | undefined;
    const lines = await this.lines();
    try {
      do {
        for (;;) {
          const c = this.cols!;
          if (walker) {
            // The byte path: the action, symbol and size fields read in place.
            const next = walker.walk(lines.buf, lines.at, lines.end, lines.atEnd);
            if (next === INCOMPLETE) break;
            const trade = c.action < 0 || walker.isTrade;
            if (next >= 0 && !(trade && walker.sizeDecimals === -2)) {
              row++;
              lines.at = next;
              if (!trade) continue;
              const s = walker.symbolStart;
              const e = walker.symbolEnd;
              if (s >= 0) {
                if (detectSymbol && !this.info.symbol && e > s) this.info.symbol = lines.buf.toString('utf8', s, e);
                if (chosenBytes && !chosenSeen && fieldIs(lines.buf, s, e, this.chosen!, chosenBytes)) chosenSeen = true;
              }
              decimals = Math.max(decimals, walker.sizeDecimals);
              continue;
            }
          }
          if (!lines.next()) break;
          row++;
          if (row === 1) {
            this.cols = this.header(lines.text());
            this.info.hasSides = this.cols.side >= 0;
            if (!detectDecimals && !detectSymbol && (this.chosen === undefined || this.cols.symbol < 0)) return;
            walker = new CsvRowWalker(rolesOf([[this.cols.action, Role.Action], [this.cols.symbol, Role.Symbol],
              [detectDecimals ? this.cols.size : -1, Role.SizeDecimals]]), 0);
            continue;
          }
          if (lines.stop === lines.start) continue;
          const f = splitCsvLine(lines.text());
          if (!f || (c.action >= 0 && f[c.action] !== 'T')) continue;
          if (detectSymbol && !this.info.symbol && c.symbol >= 0 && f[c.symbol]) this.info.symbol = f[c.symbol]!;
          if (this.chosen !== undefined && c.symbol >= 0 && f[c.symbol] === this.chosen) chosenSeen = true;
          if (detectDecimals) decimals = Math.max(decimals, sizeDecimalsOf(f[c.size]?.trim() ?? ''));
        }
      } while (await lines.more());
    } finally {
      await lines.close();
      this.spare = lines.buf;
    }
    if (!this.cols) throw inputError(ErrorCode.BAD_HEADER, { file: this.path, row: 1 }, 'file is empty');
    if (this.chosen !== undefined && this.cols.symbol >= 0 && !chosenSeen) {
      throw new MiaError(ErrorCode.UNKNOWN_SYMBOL, `${this.path}: no trades of symbol "${this.chosen}" in the file`, { file: this.path });
    }
    if (detectDecimals) this.info.sizeDecimals = Math.min(decimals, 12);
    if (!this.info.symbol) this.info.symbol = basename(this.path).replace(/\..*$/, '');
  }

  async *batches(): AsyncGenerator<TradeBatch> {
    const batch = new TradeBatch(this.options.batchSize ?? 65536);
    const cols = this.cols!;
    const rows = new CsvTradeRows({
      path: this.path, cols, decimals: this.info.sizeDecimals, chosen: this.chosen, stats: this.stats, options: this.options,
    });
    let row = 0;
    const lines = await this.lines();
    try {
      do {
        for (;;) {
          if (row > 0) {
            const next = rows.fromBytes(lines, row + 1, batch);
            if (next === INCOMPLETE) break;
            if (next >= 0) {
              row++;
              this.stats.read++;
              lines.at = next;
              if (batch.length === batch.capacity) {
                yield batch;
                batch.clear();
              }
              continue;
            }
          }
          // The header, an empty line, or a row for the text path.
          if (!lines.next()) break;
          row++;
          if (row === 1 || lines.stop === lines.start) continue;
          this.stats.read++;
          rows.fromText(lines.text(), row, batch);
          if (batch.length === batch.capacity) {
            yield batch;
            batch.clear();
          }
        }
      } while (await lines.more());
    } finally {
      // Runs when the rows end, on an error, and when the consumer stops early (return() on the generator).
      await lines.close();
      this.spare = lines.buf;
    }
    if (batch.length > 0) yield batch;
  }
}

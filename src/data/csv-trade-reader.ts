import { basename } from 'node:path';
import { configError, ErrorCode, MiaError, unreadable } from '../common/errors.js';
import {
  DEFAULT_BATCH_TRADES, TradeBatch, type ReaderOptions, type ReadStats, type SourceInfo, type TradeSource,
} from '../model/trade-batch.js';
import { CsvFirstPass } from './csv-first-pass.js';
import { DISK, type FileAccess } from './file-access.js';
import { CsvLines, DEFAULT_CHUNK_BYTES, type RowVisitor } from './csv-lines.js';
import { INCOMPLETE } from './csv-row-walker.js';
import { plausiblePriceRange } from './price-range.js';
import { emptyFileError, parseCsvHeader, type Columns } from './csv-header.js';
import { CsvTradeRows } from './csv-trade-rows.js';

/** Options of {@link CsvTradeReader.open}. */
export interface CsvReaderOptions extends ReaderOptions {
  /** Symbol to read (--symbol) when the file has a symbol column; default: the only one. Without one, the file's name. */
  symbol?: string;
  /** Bytes read per chunk (default 1 MiB); tests set a few bytes so that rows straddle chunks. */
  chunkBytes?: number;
  /** Where the file is read from (default: the disk; the fuzz suite reads from memory). */
  files?: FileAccess;
}

/**
 * Trades from a CSV file whose columns are found by header (README "Features of a trade file"). Sizes
 * become exact integers at the file's size precision (detected by a first pass unless given). Rows with an
 * `action` other than `T` (Databento book events) are counted as ignored, not read as trades.
 *
 * Both passes read the file in chunks into one buffer kept by the reader (the next chunk read while this one
 * is parsed) and parse the fields as bytes ({@link CsvFirstPass}, {@link CsvTradeRows}): decoding every line
 * into a string and splitting it held the reader to ~0.4 M rows/s. Whole rows of the common forms are read
 * in bulk, one loop per chunk (`run`); a row the bulk loop does not take goes through the per-row byte path,
 * and what that does not handle through the original text code, which words every error.
 *
 * The first pass cannot be folded into the second: the size precision is that of the finest size anywhere in
 * the file, and every trade handed on before the last row is read is already scaled by it. The first pass
 * reads only the columns it needs (the size, and the action and symbol where the file has them).
 */
export class CsvTradeReader implements TradeSource {
  readonly info: SourceInfo;
  readonly stats: ReadStats = { read: 0, trades: 0, ignored: 0, skipped: {} };
  private readonly path: string;
  private readonly options: CsvReaderOptions;
  private readonly cols: Columns;
  /** The symbol chosen with --symbol and its UTF-8 bytes. */
  private readonly chosen: string | undefined;
  private readonly chosenBytes: Uint8Array | undefined;
  private readonly chunkBytes: number;
  private readonly files: FileAccess;
  /** The chunk buffer between passes: allocated once, then reused (its pages already touched). */
  private spare: Buffer | undefined;

  private constructor(path: string, options: CsvReaderOptions, cols: Columns) {
    this.path = path;
    this.options = options;
    this.cols = cols;
    this.chosen = options.symbol;
    this.chosenBytes = options.symbol === undefined ? undefined : Buffer.from(options.symbol, 'utf8');
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.files = options.files ?? DISK;
    this.info = { symbol: options.symbol ?? '', sizeDecimals: options.sizeDecimals ?? 0, hasSides: cols.side >= 0 };
  }

  /** Opens the file, reads the header and settles the size precision. */
  static async open(path: string, options: CsvReaderOptions = {}): Promise<CsvTradeReader> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(Number.isSafeInteger(chunkBytes) && chunkBytes > 0)) {
      throw configError(ErrorCode.BAD_ARGUMENT, `chunkBytes must be a positive integer, not ${chunkBytes}`, { chunkBytes });
    }
    const files = options.files ?? DISK;
    try {
      await files.access(path);
    } catch {
      throw unreadable(path);
    }
    const lines = await CsvLines.open(path, chunkBytes, undefined, files);
    let reader: CsvTradeReader;
    try {
      const header = await headerLine(lines);
      if (header === undefined) throw emptyFileError(path);
      // Lines ending in a bare CR (old Mac files) made the whole file one header line: no rows, no error.
      if (header.includes('\r')) {
        throw new MiaError(ErrorCode.BAD_HEADER, `${path}: lines end in a bare CR (carriage return); trade files end lines in LF or CRLF`, { file: path, row: 1 });
      }
      reader = new CsvTradeReader(path, options, parseCsvHeader(header, path));
      if (options.symbol !== undefined && reader.cols.symbol < 0) checkFileName(path, options.symbol);
    } catch (e) {
      await lines.close();
      throw e;
    }
    await reader.scan(lines);
    return reader;
  }

  /** First pass, on `lines` past the header: the finest size precision in the file, the symbol of the first trade. */
  private async scan(lines: CsvLines): Promise<void> {
    const detectDecimals = this.options.sizeDecimals === undefined;
    const detectSymbol = this.chosen === undefined;
    // --size-decimals and --symbol given, and no symbol column to find --symbol in: the rows have nothing to tell.
    if (!detectDecimals && !detectSymbol && this.cols.symbol < 0) {
      await this.release(lines);
      return;
    }
    const first = new CsvFirstPass(this.cols, { decimals: detectDecimals, symbol: detectSymbol, chosen: this.chosen, chosenBytes: this.chosenBytes });
    if (first.pause) await this.release(lines);
    // The pass pauses once nothing is left to find (every size matters for the precision): stop there.
    else for await (const _ of this.pass(lines, first)) break;
    if (this.chosen !== undefined && this.cols.symbol >= 0 && !first.chosenSeen) {
      throw new MiaError(ErrorCode.UNKNOWN_SYMBOL, `${this.path}: no trades of symbol "${this.chosen}" in the file`, { file: this.path });
    }
    if (detectDecimals) this.info.sizeDecimals = Math.min(first.decimals, 12);
    if (detectSymbol && first.symbol) this.info.symbol = first.symbol;
    if (!this.info.symbol) this.info.symbol = basename(this.path).replace(/\..*$/, '');
  }

  async *batches(): AsyncGenerator<TradeBatch> {
    const batch = new TradeBatch(this.options.batchSize ?? DEFAULT_BATCH_TRADES);
    const rows = new CsvTradeRows({
      path: this.path, cols: this.cols, decimals: this.info.sizeDecimals, prices: plausiblePriceRange(this.info.symbol), chosen: this.chosen, chosenBytes: this.chosenBytes,
      stats: this.stats, options: this.options, batch,
    });
    const lines = await CsvLines.open(this.path, this.chunkBytes, this.takeSpare(), this.files);
    try {
      await headerLine(lines);
    } catch (e) {
      await this.release(lines);
      throw e;
    }
    // The pass pauses on a full batch.
    for await (const _ of this.pass(lines, rows)) {
      yield batch;
      batch.clear();
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * Runs `visit` over the data rows of `lines` (past the header), each through the byte path when it takes
   * the row, else from its text; empty lines are passed over. Yields whenever `visit.pause` after a row.
   * Closes `lines` however the pass ends: at the last row, on an error, or when the caller stops early.
   */
  private async *pass(lines: CsvLines, visit: RowVisitor): AsyncGenerator<void> {
    let row = 1;
    try {
      do {
        for (;;) {
          const bulk = visit.run(lines, row);
          if (bulk > 0) {
            row += bulk;
            if (visit.pause) {
              yield;
              continue;
            }
          }
          const next = visit.bytes(lines, row + 1);
          if (next === INCOMPLETE) break;
          if (next >= 0) {
            lines.at = next;
            row++;
          } else {
            if (!lines.next()) break;
            row++;
            if (lines.stop === lines.start) continue;
            visit.text(lines.text(), row);
          }
          if (visit.pause) yield;
        }
      } while (await lines.more());
    } finally {
      await this.release(lines);
    }
  }

  /** The buffer of the last pass, if no other pass took it; a pass running at the same time gets its own. */
  private takeSpare(): Buffer | undefined {
    const buf = this.spare;
    this.spare = undefined;
    return buf;
  }

  /** Closes `lines` (idempotent) and keeps its buffer for the next pass. */
  private async release(lines: CsvLines): Promise<void> {
    await lines.close();
    this.spare = lines.buf;
  }
}

/**
 * A file without a symbol column holds one instrument, known only by the file's name: its name before the
 * first `.` or that name's first word (`esh4_20231225_trades.csv` is `esh4_20231225_trades` or `ESH4`, in any
 * case). A --symbol naming anything else is refused (UNKNOWN_SYMBOL) rather than given the file's trades.
 */
function checkFileName(path: string, chosen: string): void {
  const name = basename(path).replace(/\..*$/, '');
  const word = /^[A-Za-z0-9]+/.exec(name)?.[0] ?? name;
  if (name.toUpperCase() === chosen.toUpperCase() || word.toUpperCase() === chosen.toUpperCase()) return;
  throw new MiaError(ErrorCode.UNKNOWN_SYMBOL,
    `${path}: the file has no symbol column, so it holds one instrument, known by its file name as "${word.toUpperCase()}"; ` +
      `--symbol "${chosen}" is not that name (leave --symbol out, or give "${word.toUpperCase()}")`,
    { file: path, symbol: chosen });
}

/** Reads past the first line of `lines` and returns its text; undefined when the file has no line. */
async function headerLine(lines: CsvLines): Promise<string | undefined> {
  do if (lines.next()) return lines.text(); while (await lines.more());
  return undefined;
}

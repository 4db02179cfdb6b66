import { configError, ErrorCode, inputError, MiaError, type ErrorCodeValue } from '../../common/errors.js';
import { Side, type SideCode } from '../../model/side.js';
import { DEFAULT_BATCH_TRADES, TradeBatch, type ReaderOptions, type ReadStats, type SourceInfo, type TradeSource } from '../../model/trade-batch.js';
import { loadDbn, openDbnRecords, readDbnHead, type DbnHead, type DbnReadOptions } from './dbn-file.js';
import { chunkBuffer, DbnRecordWindow, DEFAULT_CHUNK_BYTES } from './dbn-record-window.js';
import { parseMetadata, type DbnMetadata } from './metadata.js';
import { plausiblePriceRange } from '../price-range.js';
import { TIME_RANGE_TEXT, tradeTimeInRange } from '../trade-time-range.js';
import { forEachRecord, Rec, readPrice, recordLength, RType, truncatedRecord } from './records.js';

const T = 0x54; // 'T': a trade
const B = 0x42; // 'B': buy aggressor
const A = 0x41; // 'A': sell aggressor (Databento names the aggressor's side: A = ask = seller)

/** Options of {@link DbnTradeReader.open}. */
export interface DbnReaderOptions extends ReaderOptions, DbnReadOptions {
  /** Raw symbol or instrument id to read (--symbol); default: the first instrument traded. */
  symbol?: string;
  /** Record bytes per chunk of the window (default 1 MiB); tests set a few bytes to split records. */
  chunkBytes?: number;
}

function sideOf(c: number): SideCode {
  return c === B ? Side.Buy : c === A ? Side.Sell : Side.None;
}

/**
 * Trades from a Databento DBN v1/v2 file (plain or zstd): action `T` records of MBO, trades (MBP-0) and
 * MBP-1 schemas. Databento's trade side is the aggressor (B buy, A sell, N none, such as the opening
 * cross). Timestamps are copied as two 32-bit halves straight from the record: no BigInt per trade.
 * Records stream through one reused chunk buffer ({@link DbnRecordWindow}): read in place from a plain file,
 * decoded block by block from a zstd one, so memory does not grow with the file.
 */
export class DbnTradeReader implements TradeSource {
  readonly info: SourceInfo;
  readonly stats: ReadStats = { read: 0, trades: 0, ignored: 0, skipped: {} };
  /** The file's metadata. */
  readonly metadata: DbnMetadata;
  private readonly head: DbnHead;
  private readonly path: string;
  private readonly options: DbnReaderOptions;
  private readonly chunkBytes: number;
  /** The chunk buffer between iterations: allocated once, then reused (its pages already touched). */
  private spare: Uint8Array | undefined;
  /** Instrument ids the user chose with --symbol; undefined = the first instrument traded. */
  private readonly chosen: Set<number> | undefined;

  private constructor(path: string, head: DbnHead, options: DbnReaderOptions) {
    this.path = path;
    this.head = head;
    this.options = options;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.metadata = head.metadata;
    this.chosen = options.symbol === undefined ? undefined : this.instrumentsOf(options.symbol);
    const mapped = [...this.metadata.mappings.values()][0];
    this.info = { symbol: options.symbol ?? this.metadata.symbols[0] ?? mapped ?? 'unknown', sizeDecimals: 0, hasSides: true };
  }

  /** Raw symbol of an instrument id, from the metadata's mappings (the id itself when unmapped). */
  private symbolOf(id: number): string {
    return this.metadata.mappings.get(String(id)) ?? String(id);
  }

  /** Instrument ids a --symbol names: a raw symbol of the mappings, or a numeric instrument id. */
  private instrumentsOf(symbol: string): Set<number> {
    const ids = new Set<number>();
    for (const [id, raw] of this.metadata.mappings) if (raw.toUpperCase() === symbol.toUpperCase()) ids.add(Number(id));
    if (/^\d+$/.test(symbol)) ids.add(Number(symbol));
    // A single-symbol file without mappings: the symbol of the metadata stands for every record.
    if (ids.size === 0 && this.metadata.mappings.size === 0 && this.metadata.symbols.length === 1 &&
      this.metadata.symbols[0]!.toUpperCase() === symbol.toUpperCase()) return new Set();
    if (ids.size === 0) {
      const known = [...new Set([...this.metadata.mappings.values(), ...this.metadata.symbols])].join(', ');
      throw new MiaError(ErrorCode.UNKNOWN_SYMBOL, `${this.path}: symbol "${symbol}" is not in the file (it holds ${known || 'no mapped symbols'})`, { file: this.path, symbol });
    }
    return ids;
  }

  /** Reads the file's metadata (decoding only its start, for zstd); records are read by `batches()`. */
  static async open(path: string, options: DbnReaderOptions = {}): Promise<DbnTradeReader> {
    for (const name of ['chunkBytes', 'zstdReadBytes'] as const) {
      const n = options[name];
      if (n !== undefined && !(Number.isSafeInteger(n) && n > 0)) {
        throw configError(ErrorCode.BAD_ARGUMENT, `${name} must be a positive integer, not ${n}`, { [name]: n });
      }
    }
    return new DbnTradeReader(path, await readDbnHead(path, options), options);
  }

  /** Trades in file order; the file is open only while this iterates, closed however the iteration ends. */
  async *batches(): AsyncGenerator<TradeBatch> {
    const batch = new TradeBatch(this.options.batchSize ?? DEFAULT_BATCH_TRADES);
    const { zstd, size, metadata } = this.head;
    // No bigger than a plain file's records: a small file must not pay for touching 1 MiB of fresh pages.
    // (A zstd file's decoded size is not known before it is decoded.)
    const chunk = this.spare ?? chunkBuffer(zstd ? this.chunkBytes : Math.min(this.chunkBytes, size - metadata.recordsOffset));
    this.spare = undefined; // an iteration running at the same time gets its own buffer
    let w: DbnRecordWindow | undefined;
    let index = 0;
    let lastHi = 0;
    let lastLo = 0;
    let instrument = -1;
    const prices = plausiblePriceRange(this.info.symbol);
    try {
      w = new DbnRecordWindow(await openDbnRecords(this.path, this.head, this.options), chunk);
      for (;;) {
        const buf = w.buf;
        const v = w.view;
        const end = w.end;
        let at = w.start;
        while (at < end) {
          const len = recordLength(buf, at, end, this.path, index);
          if (len < 0) break; // the record goes on in the next chunk, or is truncated
          const rtype = buf[at + 1]!;
          this.stats.read++;
          let priceAt = -1;
          let sizeAt = 0;
          let action = 0;
          let side = 0;
          if (rtype === RType.MBO) {
            priceAt = at + Rec.MBO_PRICE;
            sizeAt = at + Rec.MBO_SIZE;
            action = buf[at + Rec.MBO_ACTION]!;
            side = buf[at + Rec.MBO_SIDE]!;
          } else if (rtype === RType.MBP0 || rtype === RType.MBP1) {
            priceAt = at + Rec.MBP_PRICE;
            sizeAt = at + Rec.MBP_SIZE;
            action = buf[at + Rec.MBP_ACTION]!;
            side = buf[at + Rec.MBP_SIDE]!;
          }
          const id = priceAt < 0 || action !== T ? -1 : v.getUint32(at + Rec.INSTRUMENT, true);
          if (id < 0 || (this.chosen?.size && !this.chosen.has(id))) {
            this.stats.ignored++; // book events, or trades of an instrument not chosen
          } else {
            // One tape is one instrument: mixing ESU4 and NQU4 prices would make every bar wrong.
            if (instrument < 0) instrument = id;
            else if (id !== instrument && !this.chosen) {
              throw inputError(ErrorCode.MULTIPLE_INSTRUMENTS, { file: this.path, record: index },
                `trades of ${this.symbolOf(instrument)} and ${this.symbolOf(id)} in one file: choose one with --symbol`);
            }
            const lo = v.getUint32(at + Rec.TS_EVENT, true);
            const hi = v.getUint32(at + Rec.TS_EVENT + 4, true);
            const price = readPrice(v, priceAt);
            const size = v.getUint32(sizeAt, true);
            const bad = !(price >= prices.min && price <= prices.max) ? ErrorCode.BAD_PRICE : size === 0 ? ErrorCode.BAD_SIZE
              : !tradeTimeInRange(hi, lo) ? ErrorCode.TIMESTAMP_OUT_OF_RANGE
              : hi < lastHi || (hi === lastHi && lo < lastLo) ? ErrorCode.OUT_OF_ORDER : undefined;
            if (bad) this.skip(bad, index, bad === ErrorCode.BAD_PRICE
              ? (price > 0 ? `price ${price} is outside ${prices.label} (docs/hostile-input.md)` : 'price is undefined or not positive')
              : bad === ErrorCode.BAD_SIZE ? 'size is zero' : bad === ErrorCode.TIMESTAMP_OUT_OF_RANGE ? `ts_event ${TIME_RANGE_TEXT}`
              : 'ts_event is earlier than the trade before');
            else {
              lastHi = hi;
              lastLo = lo;
              batch.push(hi, lo, price, size, sideOf(side), index);
              this.stats.trades++;
              if (batch.length === batch.capacity) {
                yield batch;
                batch.clear();
              }
            }
          }
          at += len;
          index++;
        }
        if (w.atEnd) {
          if (at < end) throw truncatedRecord(this.path, index);
          // A .dbn.zst cut after its metadata frame is a valid zstd stream: without this it read as no trades.
          if (index === 0) throw inputError(ErrorCode.BAD_RECORD, { file: this.path, record: 0 }, 'no records after the metadata (the file is cut short, or holds nothing)');
          break;
        }
        await w.advance(at);
      }
    } finally {
      // Runs when the records end, on an error, and when the consumer stops early (return() on the generator).
      await w?.close();
      this.spare = chunk;
    }
    if (batch.length > 0) yield batch;
  }

  private skip(code: ErrorCodeValue, record: number, reason: string): void {
    const err = inputError(code, { file: this.path, record }, reason);
    if (!this.options.skipBad) throw err;
    this.stats.skipped[code] = (this.stats.skipped[code] ?? 0) + 1;
    this.options.onSkip?.(err);
  }
}

/** Record counts of a DBN file by rtype, for inspection and conformance tests. */
export async function countDbnRecords(path: string): Promise<{ version: number; schema: number; records: number; byRType: Record<number, number> }> {
  const buf = await loadDbn(path);
  const meta = parseMetadata(buf, path);
  const byRType: Record<number, number> = {};
  const records = forEachRecord(buf, meta.recordsOffset, path, (rtype) => {
    byRType[rtype] = (byRType[rtype] ?? 0) + 1;
  });
  return { version: meta.version, schema: meta.schema, records, byRType };
}

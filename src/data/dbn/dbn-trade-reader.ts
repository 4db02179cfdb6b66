import { configError, ErrorCode, inputError, MiaError, type ErrorCodeValue } from '../../common/errors.js';
import { Side, type SideCode } from '../../model/side.js';
import { DEFAULT_BATCH_TRADES, TradeBatch, type ReaderOptions, type ReadStats, type SourceInfo, type TradeSource } from '../../model/trade-batch.js';
import { DbnInstruments, DbnStop, type DbnDecodeStep, type TradeTape } from '../../model/trade-tape.js';
import { loadDbn, openDbnRecords, readDbnHead, type DbnHead, type DbnReadOptions } from './dbn-file.js';
import { chunkBufferBytes, DbnRecordWindow, DEFAULT_CHUNK_BYTES } from './dbn-record-window.js';
import { instrumentsOf, symbolOf } from './dbn-instruments.js';
import { parseMetadata, type DbnMetadata } from './metadata.js';
import { plausiblePriceRange, type PriceRange } from '../price-range.js';
import { TIME_RANGE_TEXT, tradeTimeInRange } from '../trade-time-range.js';
import { forEachRecord, Rec, readPrice, recordLength, RType, truncatedRecord } from './records.js';

const T = 0x54; // 'T': a trade
const B = 0x42; // 'B': buy aggressor
const A = 0x41; // 'A': sell aggressor (Databento names the aggressor's side: A = ask = seller)

/** Where a read stands: the instrument taken (-1 before the first trade) and the time of the last trade. */
interface ReadCursor {
  instrument: number;
  lastHi: number;
  lastLo: number;
  readonly prices: PriceRange;
}

/** A chunk of records being read: the window, where its unread records start, and that record's index. */
interface RecordWalk {
  readonly w: DbnRecordWindow;
  at: number;
  index: number;
}

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
    this.chosen = options.symbol === undefined ? undefined : instrumentsOf(this.metadata, options.symbol, path);
    const mapped = [...this.metadata.mappings.values()][0];
    this.info = { symbol: options.symbol ?? this.metadata.symbols[0] ?? mapped ?? 'unknown', sizeDecimals: 0, hasSides: true };
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

  /**
   * Bytes of the chunk buffer, the same for `batches()` and in the kernels' memory for `fillTape`: no bigger than
   * a plain file's records, so a small file does not touch 1 MiB of fresh pages (a zstd file's decoded size is
   * not known before it is decoded).
   */
  get tapeInputBytes(): number {
    const { zstd, size, metadata } = this.head;
    return chunkBufferBytes(zstd ? this.chunkBytes : Math.min(this.chunkBytes, size - metadata.recordsOffset));
  }

  /** Trades in file order; the file is open only while this iterates, closed however the iteration ends. */
  async *batches(): AsyncGenerator<TradeBatch> {
    const batch = new TradeBatch(this.options.batchSize ?? DEFAULT_BATCH_TRADES);
    const chunk = this.spare ?? new Uint8Array(this.tapeInputBytes);
    this.spare = undefined; // an iteration running at the same time gets its own buffer
    const c = this.cursor();
    try {
      for await (const r of this.walk(chunk)) {
        const { buf, view: v, end } = r.w;
        let { at, index } = r;
        while (at < end) {
          const len = recordLength(buf, at, end, this.path, index);
          if (len < 0) break; // the record goes on in the next chunk, or is truncated
          this.record(buf, v, at, index, c, batch);
          if (batch.length === batch.capacity) {
            yield batch;
            batch.clear();
          }
          at += len;
          index++;
        }
        [r.at, r.index] = [at, index];
      }
    } finally {
      this.spare = chunk;
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * The trades of `batches()` decoded straight onto `tape` by the kernels' decoder, from the file's bytes read
   * into the kernels' memory. The decoder takes the plain good trades and passes the records to ignore; it
   * stops on any other record, which `record` then handles exactly as `batches()` does (an error, a counted
   * skip, a trade it takes itself), so both paths share every check, message and count. It yields where
   * `batches()` hands on a batch (after the same trade, and when a batch fills the tape, where the consumer
   * of a batch appends the part that fits and runs the kernels), so the kernels run over the same trades.
   */
  async *fillTape(tape: TradeTape): AsyncGenerator<number> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_TRADES;
    const one = new TradeBatch(1);
    let spill: TradeBatch | undefined; // the rest of a batch the tape filled in the middle of
    let inBatch = 0; // trades of the batch being read, on the tape or in `spill`
    let pending = 0; // trades put on the tape since the last yield
    const c = this.cursor();
    const step = this.decodeStep(c);
    for await (const r of this.walk(tape.input(this.tapeInputBytes))) {
      const { buf, view: v, end } = r.w;
      let { at, index } = r;
      for (;;) {
        if (inBatch === batchSize) {
          yield* this.batchEnd(tape, pending, spill);
          [inBatch, pending] = [0, 0];
        }
        let out = one; // where a record the reader handles puts its trade
        if (tape.free === 0) {
          // Full in mid-batch: the rest waits, as batches() reads a whole batch before the tape takes any of it.
          if (inBatch === 0) throw new MiaError(ErrorCode.TAPE_FULL, 'the tape is full at the start of a batch: the consumer must rewind it');
          out = spill ??= new TradeBatch(batchSize);
          if (at >= end) break;
        } else {
          [step.at, step.end, step.lastHi, step.lastLo, step.limit] = [at, end, c.lastHi, c.lastLo, batchSize - inBatch];
          if (this.chosen === undefined) step.instrument = c.instrument;
          tape.decodeDbn(step);
          [at, c.lastHi, c.lastLo] = [step.at, step.lastHi, step.lastLo];
          index += step.records;
          this.stats.read += step.records;
          this.stats.ignored += step.ignored;
          this.stats.trades += step.trades;
          pending += step.trades;
          inBatch += step.trades;
          if (step.stop === DbnStop.More) break;
          if (step.stop === DbnStop.Full) continue;
        }
        const len = recordLength(buf, at, end, this.path, index);
        if (len < 0) break;
        const before = out.length;
        this.record(buf, v, at, index, c, out);
        if (out.length > before) {
          inBatch++;
          if (out === one) {
            tape.append(one);
            one.clear();
            pending++;
          }
        }
        at += len;
        index++;
      }
      [r.at, r.index] = [at, index];
    }
    if (inBatch > 0) yield* this.batchEnd(tape, pending, spill);
  }

  /**
   * The one record walk of `batches()` and `fillTape()`: opens the records through `buf`, yields the window with
   * where the records of this chunk start (`at`) and the index of the record there; the consumer reads records
   * and sets `at` and `index` where it stopped (before an incomplete record), then the walk checks for the end
   * (a truncated record or no record at all is an error) or reads the next chunk after `at`. The file is open
   * only while this runs, closed however the iteration ends (a consumer's early return or an error included).
   */
  private async *walk(buf: Uint8Array): AsyncGenerator<RecordWalk> {
    let w: DbnRecordWindow | undefined;
    try {
      w = new DbnRecordWindow(await openDbnRecords(this.path, this.head, this.options), buf);
      const r: RecordWalk = { w, at: w.start, index: 0 };
      for (;;) {
        r.at = w.start;
        yield r;
        if (this.endOfRecords(w, r.at, w.end, r.index)) return;
        await w.advance(r.at);
      }
    } finally {
      await w?.close();
    }
  }

  /**
   * Hands on a whole batch: `pending` trades on the tape since the last yield, then what `spill` holds, as the
   * tape takes it (the consumer runs the kernels and rewinds a full tape at each yield).
   */
  private *batchEnd(tape: TradeTape, pending: number, spill: TradeBatch | undefined): Generator<number> {
    yield pending;
    if (!spill) return;
    for (let from = 0; from < spill.length;) {
      if (tape.free === 0) throw new MiaError(ErrorCode.TAPE_FULL, 'the tape is still full: the consumer must rewind it');
      const n = tape.append(spill, from);
      from += n;
      yield n;
    }
    spill.clear();
  }

  /** The decoder's settings for this read: the price range and which instruments' trades it takes. */
  private decodeStep(c: ReadCursor): DbnDecodeStep {
    const step: DbnDecodeStep = {
      at: 0, end: 0, lastHi: 0, lastLo: 0, instrument: -1, mode: DbnInstruments.First, limit: 0, priceMin: c.prices.min,
      priceMax: c.prices.max, records: 0, ignored: 0, trades: 0, stop: DbnStop.More,
    };
    // Several chosen ids (one raw symbol mapped to several): the decoder leaves every trade to `record`.
    if (this.chosen?.size === 0) step.mode = DbnInstruments.Any;
    else if (this.chosen?.size === 1) [step.mode, step.instrument] = [DbnInstruments.One, [...this.chosen][0]!];
    return step;
  }

  /** A fresh position in the trades: no instrument, no trade yet. */
  private cursor(): ReadCursor {
    return { instrument: -1, lastHi: 0, lastLo: 0, prices: plausiblePriceRange(this.info.symbol) };
  }

  /**
   * True when the window's records end at `at` (record `index`); throws where they end badly: inside a record,
   * or before the first (a .dbn.zst cut after its metadata frame is a valid zstd stream: it read as no trades).
   */
  private endOfRecords(w: DbnRecordWindow, at: number, end: number, index: number): boolean {
    if (!w.atEnd) return false;
    if (at < end) throw truncatedRecord(this.path, index);
    if (index === 0) throw inputError(ErrorCode.BAD_RECORD, { file: this.path, record: 0 }, 'no records after the metadata (the file is cut short, or holds nothing)');
    return true;
  }

  /**
   * Reads record `index` at `buf[at]`, whole and long enough for its type: counts it, and ignores it, skips or
   * refuses it, or pushes its trade to `out` (whose caller makes room first).
   */
  private record(buf: Uint8Array, v: DataView, at: number, index: number, c: ReadCursor, out: TradeBatch): void {
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
      return;
    }
    // One tape is one instrument: mixing ESU4 and NQU4 prices would make every bar wrong.
    if (c.instrument < 0) c.instrument = id;
    else if (id !== c.instrument && !this.chosen) {
      throw inputError(ErrorCode.MULTIPLE_INSTRUMENTS, { file: this.path, record: index },
        `trades of ${symbolOf(this.metadata, c.instrument)} and ${symbolOf(this.metadata, id)} in one file: choose one with --symbol`);
    }
    const lo = v.getUint32(at + Rec.TS_EVENT, true);
    const hi = v.getUint32(at + Rec.TS_EVENT + 4, true);
    const price = readPrice(v, priceAt);
    const size = v.getUint32(sizeAt, true);
    const prices = c.prices;
    const bad = !(price >= prices.min && price <= prices.max) ? ErrorCode.BAD_PRICE : size === 0 ? ErrorCode.BAD_SIZE
      : !tradeTimeInRange(hi, lo) ? ErrorCode.TIMESTAMP_OUT_OF_RANGE
      : hi < c.lastHi || (hi === c.lastHi && lo < c.lastLo) ? ErrorCode.OUT_OF_ORDER : undefined;
    if (bad) {
      this.skip(bad, index, bad === ErrorCode.BAD_PRICE
        ? (price > 0 ? `price ${price} is outside ${prices.label} (docs/hostile-input.md)` : 'price is undefined or not positive')
        : bad === ErrorCode.BAD_SIZE ? 'size is zero' : bad === ErrorCode.TIMESTAMP_OUT_OF_RANGE ? `ts_event ${TIME_RANGE_TEXT}`
        : 'ts_event is earlier than the trade before');
      return;
    }
    c.lastHi = hi;
    c.lastLo = lo;
    out.push(hi, lo, price, size, sideOf(side), index);
    this.stats.trades++;
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

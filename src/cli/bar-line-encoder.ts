import type { BarFeatures, FootprintLevel } from '../model/bar-features.js';
import { isoNs } from '../model/time.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import type { ChunkedLineWriter } from './chunked-line-writer.js';
import { constantText as key, MAX_NUMBER_BYTES, TEXT_OVERRUN, writeAscii, writeJsonNumber, writeText } from './json-bytes.js';

// The constant text between the values, in barJson's field order (src/model/bar-json.ts is the definition).
const K_TS = key('{"ts":"');
const K_TIMEFRAME = key('","timeframe":"');
const K_NUMBERS = [
  '","open":', ',"high":', ',"low":', ',"close":', ',"volume":', ',"trades":', ',"buyVolume":', ',"sellVolume":',
  ',"delta":', ',"cumDelta":', ',"cumDeltaHigh":', ',"cumDeltaLow":', ',"barVwap":', ',"vwap":', ',"vwapSigma":',
  ',"poc":', ',"vah":', ',"val":', ',"vaCoverage":', ',"inferredShare":', ',"buyImbalances":', ',"sellImbalances":',
  ',"stackedBuy":', ',"stackedSell":',
].map(key);
const K_HVN = key(',"hvn":[');
const K_LVN = key('],"lvn":[');
const K_LEVELS = key('],"levels":[');
const K_PRICE = key('{"price":');
const K_BID = key(',"bid":');
const K_ASK = key(',"ask":');
const K_BID_TRADES = key(',"bidTrades":');
const K_ASK_TRADES = key(',"askTrades":');

/** Room for everything of a line but its arrays: keys (~330 bytes), 24 numbers, the time and the timeframe. */
const FIXED_ROOM = 2048;
/** Room for one footprint row: its keys (~55 bytes) and five numbers. */
const LEVEL_ROOM = 256;
/** Bytes of "YYYY-MM-DDT", the part of an ISO time a day's bars share. */
const DATE_BYTES = 11;
const DAY_MS = 86_400_000;
const DAY_NS = 86_400_000_000_000n;
/** 10000-01-01T00:00:00Z: from here on toISOString writes a six-digit year with a sign. */
const YEAR_10000_MS = 253_402_300_800_000;
/** Timeframe labels kept; any further timeframe is formatted on each bar (only a hostile caller has more). */
const LABELS_KEPT = 64;

/**
 * One bar's NDJSON line written as bytes into the output chunk: the same bytes as
 * `JSON.stringify(barJson(bar)) + '\n'` for every bar (src/cli/bar-line-encoder.test.ts holds it to that),
 * without the per-bar object, strings and UTF-8 encoding (509 ms of a 1.5 s run over 130 k bars, issue 15).
 * Bar times share their day: the date is formatted once a day, the time of day from integers.
 */
export class BarLineEncoder {
  private dayStartNs = -1n;
  private dayEndNs = -1n;
  private date = key('0000-00-00T');
  private readonly labels = new Map<number, Uint32Array>();

  /** Writes `bar`'s line, newline included, into `w`. */
  encode(w: ChunkedLineWriter, b: BarFeatures): void {
    // The one value that may throw (a time outside Date's range, as isoNs does) is settled before any byte is written.
    const iso = this.inDay(b.tsNs) ? undefined : this.enterDay(b.tsNs);
    w.reserve(FIXED_ROOM);
    const buf = w.buf;
    const view = w.view;
    let p = writeText(view, w.pos, K_TS);
    p = iso === undefined ? this.writeTime(buf, view, p, b.tsNs) : writeAscii(buf, p, iso);
    p = writeText(view, p, K_TIMEFRAME);
    p = writeText(view, p, this.label(b.timeframeSec));
    const k = K_NUMBERS;
    p = writeJsonNumber(buf, writeText(view, p, k[0]!), b.open);
    p = writeJsonNumber(buf, writeText(view, p, k[1]!), b.high);
    p = writeJsonNumber(buf, writeText(view, p, k[2]!), b.low);
    p = writeJsonNumber(buf, writeText(view, p, k[3]!), b.close);
    p = writeJsonNumber(buf, writeText(view, p, k[4]!), b.volume);
    p = writeJsonNumber(buf, writeText(view, p, k[5]!), b.trades);
    p = writeJsonNumber(buf, writeText(view, p, k[6]!), b.buyVolume);
    p = writeJsonNumber(buf, writeText(view, p, k[7]!), b.sellVolume);
    p = writeJsonNumber(buf, writeText(view, p, k[8]!), b.delta);
    p = writeJsonNumber(buf, writeText(view, p, k[9]!), b.cumDelta);
    p = writeJsonNumber(buf, writeText(view, p, k[10]!), b.cumDeltaHigh);
    p = writeJsonNumber(buf, writeText(view, p, k[11]!), b.cumDeltaLow);
    p = writeJsonNumber(buf, writeText(view, p, k[12]!), b.barVwap);
    p = writeJsonNumber(buf, writeText(view, p, k[13]!), b.vwap);
    p = writeJsonNumber(buf, writeText(view, p, k[14]!), b.vwapSigma);
    p = writeJsonNumber(buf, writeText(view, p, k[15]!), b.poc);
    p = writeJsonNumber(buf, writeText(view, p, k[16]!), b.vah);
    p = writeJsonNumber(buf, writeText(view, p, k[17]!), b.val);
    p = writeJsonNumber(buf, writeText(view, p, k[18]!), b.vaCoverage);
    p = writeJsonNumber(buf, writeText(view, p, k[19]!), b.inferredShare);
    p = writeJsonNumber(buf, writeText(view, p, k[20]!), b.buyImbalances);
    p = writeJsonNumber(buf, writeText(view, p, k[21]!), b.sellImbalances);
    p = writeJsonNumber(buf, writeText(view, p, k[22]!), b.stackedBuy);
    p = writeJsonNumber(buf, writeText(view, p, k[23]!), b.stackedSell);
    w.pos = writeText(view, p, K_HVN);
    this.numbers(w, b.hvn);
    w.reserve(K_LVN[0]! + TEXT_OVERRUN);
    w.pos = writeText(w.view, w.pos, K_LVN);
    this.numbers(w, b.lvn);
    if (b.levels) {
      w.reserve(K_LEVELS[0]! + TEXT_OVERRUN);
      w.pos = writeText(w.view, w.pos, K_LEVELS);
      this.levels(w, b.levels);
    }
    w.reserve(2);
    w.buf[w.pos++] = 93; // ]
    w.buf[w.pos++] = 125; // }
    w.endLine();
  }

  /** Comma-separated numbers (the array's brackets are in the keys around it). */
  private numbers(w: ChunkedLineWriter, xs: readonly number[]): void {
    for (let i = 0; i < xs.length; i++) {
      w.reserve(MAX_NUMBER_BYTES + 1);
      if (i > 0) w.buf[w.pos++] = 44;
      w.pos = writeJsonNumber(w.buf, w.pos, xs[i]!);
    }
  }

  private levels(w: ChunkedLineWriter, levels: readonly FootprintLevel[]): void {
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i]!;
      w.reserve(LEVEL_ROOM);
      const buf = w.buf;
      const view = w.view;
      let p = w.pos;
      if (i > 0) buf[p++] = 44;
      p = writeJsonNumber(buf, writeText(view, p, K_PRICE), l.price);
      p = writeJsonNumber(buf, writeText(view, p, K_BID), l.bid);
      p = writeJsonNumber(buf, writeText(view, p, K_ASK), l.ask);
      p = writeJsonNumber(buf, writeText(view, p, K_BID_TRADES), l.bidTrades);
      p = writeJsonNumber(buf, writeText(view, p, K_ASK_TRADES), l.askTrades);
      buf[p++] = 125;
      w.pos = p;
    }
  }

  private inDay(ns: bigint): boolean {
    return ns >= this.dayStartNs && ns < this.dayEndNs;
  }

  /**
   * Makes the day of `ns` the cached one and returns undefined, or returns isoNs(ns) itself for a time the
   * cache does not cover: before 1970 (isoNs's own rule for negative times) or from the year 10000 on.
   */
  private enterDay(ns: bigint): string | undefined {
    if (ns < 0n) return isoNs(ns);
    const ms = Number(ns / 1_000_000n);
    if (ms >= YEAR_10000_MS) return isoNs(ns);
    const dayMs = Math.floor(ms / DAY_MS) * DAY_MS;
    this.date = key(new Date(dayMs).toISOString().slice(0, DATE_BYTES));
    this.dayStartNs = BigInt(dayMs) * 1_000_000n;
    this.dayEndNs = this.dayStartNs + DAY_NS;
    return undefined;
  }

  /** HH:MM:SS.mmm[uuuuuu]Z after the cached date, as isoNs writes it. */
  private writeTime(buf: Uint8Array, view: DataView, p: number, ns: bigint): number {
    const offNs = Number(ns - this.dayStartNs); // below 8.64e13: exact
    const msOfDay = Math.floor(offNs / 1e6);
    const subMs = offNs - msOfDay * 1e6;
    p = writeText(view, p, this.date);
    const sec = Math.floor(msOfDay / 1000);
    const ms = msOfDay - sec * 1000;
    const min = Math.floor(sec / 60);
    const hour = Math.floor(min / 60);
    p = two(buf, p, hour);
    buf[p++] = 58;
    p = two(buf, p, min - hour * 60);
    buf[p++] = 58;
    p = two(buf, p, sec - min * 60);
    buf[p++] = 46;
    p = padded(buf, p, ms, 3);
    if (subMs !== 0) p = padded(buf, p, subMs, 6);
    buf[p++] = 90;
    return p;
  }

  private label(sec: number): Uint32Array {
    let b = this.labels.get(sec);
    if (b === undefined) {
      b = key(formatTimeframe(sec));
      if (this.labels.size < LABELS_KEPT) this.labels.set(sec, b);
    }
    return b;
  }
}

/** Two digits, zero-padded (0 ≤ n < 100). */
function two(buf: Uint8Array, p: number, n: number): number {
  const t = Math.floor(n / 10);
  buf[p] = 48 + t;
  buf[p + 1] = 48 + n - t * 10;
  return p + 2;
}

/** `width` digits of 0 ≤ n < 10^width, zero-padded. */
function padded(buf: Uint8Array, p: number, n: number, width: number): number {
  for (let i = p + width - 1; i >= p; i--) {
    const q = Math.floor(n / 10);
    buf[i] = 48 + n - q * 10;
    n = q;
  }
  return p + width;
}

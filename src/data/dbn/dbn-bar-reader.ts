import { ErrorCode, inputError } from '../../common/errors.js';
import { loadDbn } from './dbn-file.js';
import { parseMetadata } from './metadata.js';
import { forEachRecord, Rec, readPrice, RType } from './records.js';

/** One OHLCV record of a DBN file (Databento's own bars: replay them, or check ours against them). */
export interface DbnBar {
  /** Bar open, ns UTC. */
  tsNs: bigint;
  /** Bar length in seconds (1s, 1m, 1h, 1d; 0 for end-of-day bars of uneven length). */
  intervalSec: number;
  instrumentId: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: bigint;
}

const INTERVAL: Record<number, number> = {
  [RType.OHLCV_1S]: 1, [RType.OHLCV_1M]: 60, [RType.OHLCV_1H]: 3600, [RType.OHLCV_1D]: 86400, [RType.OHLCV_EOD]: 0,
};

/** Reads every OHLCV record of a DBN file (plain or zstd), in file order; other records are skipped. */
export async function readDbnBars(path: string): Promise<DbnBar[]> {
  const buf = await loadDbn(path);
  const meta = parseMetadata(buf, path);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: DbnBar[] = [];
  forEachRecord(buf, meta.recordsOffset, path, (rtype, at, index) => {
    const intervalSec = INTERVAL[rtype];
    if (intervalSec === undefined) return;
    const prices = [Rec.OHLCV_OPEN, Rec.OHLCV_HIGH, Rec.OHLCV_LOW, Rec.OHLCV_CLOSE].map((o) => readPrice(v, at + o));
    if (prices.some((p) => !(p > 0))) throw inputError(ErrorCode.BAD_PRICE, { file: path, record: index }, 'OHLCV price is undefined or not positive');
    const [open, high, low, close] = prices as [number, number, number, number];
    out.push({
      tsNs: v.getBigUint64(at + Rec.TS_EVENT, true), intervalSec, instrumentId: v.getUint32(at + Rec.INSTRUMENT, true),
      open, high, low, close, volume: v.getBigUint64(at + Rec.OHLCV_VOLUME, true),
    });
  });
  return out;
}

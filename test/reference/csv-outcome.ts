// What a CSV trade reader gives for a file, in full, so that two readers (or two paths of one) can be compared.
import { MiaError } from '../../src/common/errors.js';
import type { CsvReaderOptions } from '../../src/data/csv-trade-reader.js';
import type { TradeSource } from '../../src/model/trade-batch.js';

/** Everything a read shows: info, trades (every column), stats, the error and the skipped rows' messages. */
export interface Outcome {
  info?: unknown;
  trades: [ts: bigint, price: number, size: number, side: number, origin: number][];
  stats?: unknown;
  error?: { code: string; message: string; details: unknown };
  skips: string[];
}

/** Opens a trade file with one reader. */
export type Open = (path: string, options: CsvReaderOptions) => Promise<TradeSource>;

/** Reads `path` through `open` to the end, and keeps everything the read shows (a MiaError as its code and text). */
export async function outcome(open: Open, path: string, options: CsvReaderOptions): Promise<Outcome> {
  const out: Outcome = { trades: [], skips: [] };
  let source: TradeSource | undefined;
  try {
    source = await open(path, { ...options, onSkip: (e) => out.skips.push(e.message) });
    out.info = { ...source.info };
    for await (const b of source.batches()) {
      for (let i = 0; i < b.length; i++) out.trades.push([b.tsNs(i), b.price[i]!, b.size[i]!, b.side[i]!, b.origin[i]!]);
    }
  } catch (e) {
    if (!(e instanceof MiaError)) throw e;
    out.error = { code: e.code, message: e.message, details: e.details };
  }
  out.stats = source && structuredClone(source.stats);
  return out;
}


// The real ESH4 hour (2,973 trades, ~50 per 1m bar) repeated hour after hour to N trades: the real density the
// end-to-end and decode benchmarks run at (a benchmark on the simulator's density would flatter the per-bar
// work). Written into files of a temporary folder by the benchmark that asks; none is committed.
import { createWriteStream, type WriteStream } from 'node:fs';
import { openTradeSource } from '../src/data/open-trade-source.js';
import { MBO_BYTES, metadataV2, writeMbo } from '../test/fixtures/dbn-writer.js';
import { dataFile } from '../test/real-data/data-dir.js';

const HOUR_NS = 3_600_000_000_000n;
const SIDES = 'NBA';

/** Where to write the repeated trades: a Databento DBN v2 file of MBO trade records, a CSV file, or both. */
export interface RepeatedFiles {
  dbn?: string;
  csv?: string;
}

/** Writes `chunk`, waiting when the stream's buffer is full (files of a gigabyte are not held in memory). */
async function put(out: WriteStream, chunk: Buffer | string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', r));
}

async function close(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** The real ESH4 hour's trades (2,973), read by the engine's own reader: the seed the benchmarks repeat. */
export interface Esh4Seed {
  ts: bigint[];
  price: number[];
  size: number[];
  side: number[];
}

/** Reads the ESH4 hour's trades. */
export async function readEsh4Seed(): Promise<Esh4Seed> {
  const seed: Esh4Seed = { ts: [], price: [], size: [], side: [] };
  for await (const b of (await openTradeSource(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'))).batches()) {
    for (let i = 0; i < b.length; i++) {
      seed.ts.push(b.tsNs(i)); seed.price.push(b.price[i]!); seed.size.push(b.size[i]!); seed.side.push(b.side[i]!);
    }
  }
  return seed;
}

/**
 * Writes the ESH4 trades (read by the engine's own reader) repeated, each copy an hour after the one before, until
 * `trades` trades are written: the same trades in DBN and CSV (prices to the cent, sides as Databento's N/B/A).
 */
export async function writeRepeatedEsh4(files: RepeatedFiles, trades: number): Promise<void> {
  const seed = await readEsh4Seed();
  if (seed.ts.at(-1)! - seed.ts[0]! >= HOUR_NS) throw new Error('the ESH4 seed spans more than an hour: copies would overlap');
  const dbn = files.dbn ? createWriteStream(files.dbn) : undefined;
  const csv = files.csv ? createWriteStream(files.csv) : undefined;
  if (dbn) await put(dbn, metadataV2('ESH4'));
  if (csv) await put(csv, 'ts_event_ns,price,size,aggressor_side\n');
  const n = seed.ts.length;
  const records = Buffer.alloc(MBO_BYTES * n);
  for (let k = 0, written = 0; written < trades; k++) {
    const take = Math.min(n, trades - written);
    const shift = BigInt(k) * HOUR_NS;
    const lines: string[] = [];
    for (let i = 0; i < take; i++) {
      const ts = seed.ts[i]! + shift;
      if (dbn) writeMbo(records, i * MBO_BYTES, ts, seed.price[i]!, seed.size[i]!, 'T', SIDES[seed.side[i]!]!);
      if (csv) lines.push(`${ts},${seed.price[i]!.toFixed(2)},${seed.size[i]},${SIDES[seed.side[i]!]}`);
    }
    if (dbn) await put(dbn, Buffer.from(records.subarray(0, take * MBO_BYTES)));
    if (csv) await put(csv, lines.join('\n') + '\n');
    written += take;
  }
  await Promise.all([dbn && close(dbn), csv && close(csv)]);
}

// Conformance of the full path (reader → tape → WASM kernels → ring reader) on real data against
// published figures: ../shared/data/README.md (Databento ESH4) and freqtrade's expected footprint bins.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CsvTradeReader } from '../../src/data/csv-trade-reader.js';
import { DbnTradeReader } from '../../src/data/dbn/dbn-trade-reader.js';
import { DEFAULT_FEATURE_CONFIG, type BarFeatures } from '../../src/model/bar-features.js';
import type { TradeSource } from '../../src/model/trade-batch.js';
import { runFeaturePass } from '../../src/replay/feature-pass.js';
import { dataFile, HAVE_DATA } from './data-dir.js';

const ESH4_CSV = 'cme-esh4-mbo/esh4_20231225_trades.csv';
const ESH4_DBN = 'cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst';

async function bars(source: TradeSource, timeframesSec = [60], extra: Partial<typeof DEFAULT_FEATURE_CONFIG> = {}, footprint = false): Promise<BarFeatures[]> {
  const out: BarFeatures[] = [];
  await runFeaturePass(source, { ...DEFAULT_FEATURE_CONFIG, timeframesSec, ...extra }, (b) => out.push(b), { footprint });
  return out;
}

const sum = (bs: BarFeatures[], k: keyof BarFeatures): number => bs.reduce((a, b) => a + (b[k] as number), 0);

describe.skipIf(!HAVE_DATA)('ESH4 2023-12-25 (Databento, data/README.md)', () => {
  test('1m bars from the trades CSV: 60 bars, volume 9,892, buy 5,322, sell 4,526, no side 44, delta +796', async () => {
    const b = await bars(await CsvTradeReader.open(dataFile(ESH4_CSV)));
    expect(b).toHaveLength(60);
    expect(sum(b, 'volume')).toBe(9892);
    expect(sum(b, 'buyVolume')).toBe(5322);
    expect(sum(b, 'sellVolume')).toBe(4526);
    expect(sum(b, 'volume') - sum(b, 'buyVolume') - sum(b, 'sellVolume')).toBe(44);
    expect(sum(b, 'delta')).toBe(796);
    expect(b.at(-1)!.cumDelta).toBe(796);
    expect(sum(b, 'trades')).toBe(2973);
    expect(b[0]!.tsNs).toBe(1703545200000000000n); // 23:00 UTC, the opening cross
  });

  test('the MBO DBN file gives the same bars as its derived CSV, on every timeframe', async () => {
    const tfs = [60, 300, 900, 3600, 14400];
    const fromCsv = await bars(await CsvTradeReader.open(dataFile(ESH4_CSV)), tfs, {}, true);
    const fromDbn = await bars(await DbnTradeReader.open(dataFile(ESH4_DBN)), tfs, {}, true);
    expect(fromDbn).toEqual(fromCsv);
    for (const tf of tfs) {
      const b = fromDbn.filter((x) => x.timeframeSec === tf);
      expect(sum(b, 'volume'), `${tf}s volume`).toBe(9892);
      expect(sum(b, 'delta'), `${tf}s delta`).toBe(796);
    }
    expect(fromDbn.filter((x) => x.timeframeSec === 300)).toHaveLength(12);
  });

  test('every 1m footprint sums to its bar: bid = sell volume, ask = buy volume', async () => {
    const b = await bars(await DbnTradeReader.open(dataFile(ESH4_DBN)), [60], {}, true);
    for (const bar of b) {
      expect(bar.levels!.reduce((a, l) => a + l.bid, 0)).toBe(bar.sellVolume);
      expect(bar.levels!.reduce((a, l) => a + l.ask, 0)).toBe(bar.buyVolume);
      expect(bar.levels!.every((l) => l.price >= bar.low && l.price <= bar.high)).toBe(true);
    }
  });
});

describe.skipIf(!HAVE_DATA)('freqtrade footprint bins (freqtrade-orderflow/expected.json)', () => {
  const expected = HAVE_DATA ? JSON.parse(readFileSync(dataFile('freqtrade-orderflow/expected.json'), 'utf8')) : {};
  const footprint = async (scale: number) => {
    // One bar holding the whole sample: a day-long timeframe, UTC session.
    const b = await bars(await CsvTradeReader.open(dataFile('freqtrade-orderflow/public_trades_list.csv')), [86400],
      { tickSize: scale, session: 'utc' }, true);
    expect(b).toHaveLength(1);
    return b[0]!;
  };
  const close = (a: number, e: number) => expect(a).toBeCloseTo(e, 9);

  test('scale 0.05: 23 bins, first and last bins match counts, amounts and delta', async () => {
    const bar = await footprint(0.05);
    const e = expected['scale_0.05'];
    const levels = bar.levels!;
    expect(levels).toHaveLength(e.n_bins);
    const first = levels[0]!;
    const last = levels.at(-1)!;
    expect([first.bidTrades, first.askTrades]).toEqual([e.first_bin.bid, e.first_bin.ask]);
    close(first.bid, e.first_bin.bid_amount);
    close(first.ask, e.first_bin.ask_amount);
    close(first.ask - first.bid, e.first_bin.delta);
    expect([last.bidTrades, last.askTrades]).toEqual([e.last_bin.bid, e.last_bin.ask]);
    close(last.bid, e.last_bin.bid_amount);
    close(last.ask, e.last_bin.ask_amount);
    close(last.ask - last.bid, e.last_bin.delta);
    close(first.price, expected.derived_by_us_not_upstream['scale_0.05_first_bin_price']);
    close(last.price, expected.derived_by_us_not_upstream['scale_0.05_last_bin_price']);
  });

  test('scale 1: 2 bins, last bin at 1667, first bin bid count, amount and delta', async () => {
    const bar = await footprint(1);
    const e = expected.scale_1;
    expect(bar.levels).toHaveLength(e.n_bins);
    expect(bar.levels!.at(-1)!.price).toBe(e.last_bin_price);
    const first = bar.levels![0]!;
    expect(first.bidTrades).toBe(e.first_bin.bid);
    close(first.bid, e.first_bin.bid_amount);
    close(first.ask - first.bid, e.first_bin.delta);
  });

  test('whole-sample buy and sell volume and delta', async () => {
    const bar = await footprint(0.05);
    const d = expected.derived_by_us_not_upstream;
    close(bar.buyVolume, d.whole_sample_buy_volume);
    close(bar.sellVolume, d.whole_sample_sell_volume);
    close(bar.delta, d.delta);
    close(bar.cumDeltaHigh, d.max_cumulative_delta);
    close(bar.cumDeltaLow, d.min_cumulative_delta);
  });
});

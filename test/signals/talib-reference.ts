// Reader of TA-Lib's 252-bar regression set and the TA-Lib 0.4 outputs on it (../shared/data/README.md,
// indicator-refs), read in place through MIA_DATA_DIR.
import { readFileSync } from 'node:fs';
import { dataFile } from '../real-data/data-dir.js';

/** One bar of the regression set with TA-Lib's outputs for it (null where TA-Lib has none). */
export interface TalibRow {
  bar: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  sma20: number | null;
  ema10: number | null;
  rsi14: number | null;
  atr14: number | null;
  trange: number | null;
}

function table(relative: string): Array<Record<string, string>> {
  const lines = readFileSync(dataFile(relative), 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',').map((h) => h.replaceAll('"', ''));
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').replaceAll('"', '')]));
  });
}

const num = (s: string | undefined): number | null => (s === undefined || s === '' || s === 'NA' ? null : Number(s));

/** The 252 bars joined with TA-Lib 0.4's SMA20, EMA10, RSI14, ATR14 and TRANGE. */
export function loadTalib252(): TalibRow[] {
  const bars = table('indicator-refs/talib_regtest_252.csv');
  const expected = table('indicator-refs/talib_regtest_252_expected_talib0.4.csv');
  return bars.map((b, i) => {
    const e = expected[i]!;
    if (Number(e.bar) !== Number(b.bar)) throw new Error(`row ${i}: bar ${e.bar} != ${b.bar}`);
    return {
      bar: Number(b.bar),
      open: Number(b.open),
      high: Number(b.high),
      low: Number(b.low),
      close: Number(b.close),
      volume: Number(b.volume),
      sma20: num(e.talib_sma20),
      ema10: num(e.talib_ema10),
      rsi14: num(e.talib_rsi14),
      atr14: num(e.talib_atr14),
      trange: num(e.talib_trange),
    };
  });
}

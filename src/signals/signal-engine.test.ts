// The engine on hand-built messages of the shapes in src/protocol/messages.ts, read as the signals' input. Expected values are worked by
// hand in the comments: on closes rising by 1 a bar, EMA(2) lags 0.5 and EMA(3) lags 1 (SMA seeds lag
// (N − 1) / 2, the same), so the spread is 0.5; each bar spans close − 1.5 … close + 0.5 (mirrored when
// falling), so every true range is 2 and ATR(2) = 2.
import { describe, expect, test } from 'vitest';
import type { BarJson, BarMessage, FeatureFrameJson, SessionJson, SnapshotMessage } from '../protocol/messages.js';
import { readBar, snapshotInputOf } from '../protocol/signal-input.js';
import { DEFAULT_REGIME_CONFIG } from './regime.js';
import { DEFAULT_SMART_MONEY_CONFIG } from './smart-money.js';
import { SignalEngine, type SignalEngineConfig } from './signal-engine.js';

const TFS: Array<[string, number]> = [['1m', 60], ['5m', 300], ['15m', 900], ['1h', 3600], ['4h', 14400]];
const config: Partial<SignalEngineConfig> = {
  direction: { fastPeriod: 2, slowPeriod: 3, atrPeriod: 2, fullSpreadAtr: 0.5 },
  regime: { ...DEFAULT_REGIME_CONFIG, erPeriod: 3, atrPeriod: 2, atrWindow: 10, atrMinSamples: 2 },
  smartMoney: { ...DEFAULT_SMART_MONEY_CONFIG, sizeMinSamples: 2 },
  rsiPeriod: 3,
  deltaBars: 3,
};
const SNAP_MS = Date.parse('2026-06-16T14:00:00Z'); // Tuesday 10:00 New York, two business days before expiry

function barJson(tf: string, tsMs: number, close: number, sign: 1 | -1): BarJson {
  return {
    ts: new Date(tsMs).toISOString(), timeframe: tf,
    open: close - sign, high: sign > 0 ? close + 0.5 : close + 1.5, low: sign > 0 ? close - 1.5 : close - 0.5, close,
    volume: 100, trades: 50, buyVolume: sign > 0 ? 75 : 25, sellVolume: sign > 0 ? 25 : 75, delta: 50 * sign,
    stackedBuy: sign > 0 ? 1 : 0, stackedSell: sign > 0 ? 0 : 1,
  };
}

/** Ten closed bars per timeframe, closes 100 … 109 (sign +1) or 100 … 91 (sign −1), ending before the snapshot. */
function bars(symbol: string, sign: 1 | -1): BarMessage[] {
  const out: BarMessage[] = [];
  for (const [tf, sec] of TFS) {
    for (let i = 0; i < 10; i++) {
      const ts = SNAP_MS - (10 - i) * sec * 1000;
      out.push({ type: 'bar', topic: `bar.${symbol}.${tf}`, symbol, bar: barJson(tf, ts, 100 + sign * i, sign), publishedUs: 0 });
    }
  }
  return out;
}

const session: SessionJson = {
  poc: 100, vah: 102, val: 98, vaCoverage: 0.7, hvn: [], lvn: [],
  vwap: 100, vwapSigma: 1, vwapUpper1: 101, vwapLower1: 99, vwapUpper2: 102, vwapLower2: 98, inferredShare: 0,
};

function snapshot(symbol: string, price: number, lastClosed: BarJson | null = null): SnapshotMessage {
  const frames: FeatureFrameJson[] = TFS.map(([tf, sec]) => ({
    timeframe: tf, timeframeSec: sec, session, footprint: [],
    bar: { ts: new Date(SNAP_MS).toISOString(), timeframe: tf, close: price },
    lastClosed: tf === '1m' ? lastClosed : null,
  }));
  return {
    type: 'snapshot', topic: `snapshot.${symbol}`, symbol, sequence: 1,
    ts: new Date(SNAP_MS).toISOString(), tsNs: `${BigInt(SNAP_MS) * 1_000_000n}`, tickSize: 0.25, sizeDecimals: 0,
    quality: [], quote: { ts: new Date(SNAP_MS).toISOString(), bid: price - 0.25, ask: price, bidSize: 10, askSize: 10 },
    tradesTotal: 0, dataQuality: null, stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 0 }, frames,
  };
}

/** Feeds a hand-built message as the stream carries it: a bar updates the indicators, a snapshot is decided on. */
function feed(engine: SignalEngine, m: SnapshotMessage | BarMessage) {
  if (m.type === 'bar') {
    engine.onBarInput(m.symbol, readBar(m.bar));
    return null;
  }
  return engine.decide(snapshotInputOf(m));
}

function run(engine: SignalEngine, symbol: string, sign: 1 | -1, price: number) {
  for (const b of bars(symbol, sign)) expect(feed(engine, b)).toBeNull();
  return feed(engine, snapshot(symbol, price))!;
}

describe('SignalEngine', () => {
  test('footprint rows are read for the base timeframe only (the pipeline skips the others\' rows)', () => {
    expect(['1m', '5m', '1h'].map((t) => new SignalEngine().usesLevels(t))).toEqual([true, false, false]);
    expect(['1m', '5m'].map((t) => new SignalEngine({ baseTimeframe: '5m' }).usesLevels(t))).toEqual([false, true]);
  });

  test('a steady rise above every session level is long (hand calculation)', () => {
    const d = run(new SignalEngine(config), 'ES', 1, 109.25);
    // direction 0.5 / (0.5 · ATR 2) = 0.5 on every timeframe → confluence 0.5, alignment 1
    expect(d.regime.timeframes).toEqual({ '1m': 0.5, '5m': 0.5, '15m': 0.5, '1h': 0.5, '4h': 0.5 });
    expect(d.features.confluence_score).toBeCloseTo(0.5, 12);
    expect(d.features.trend_alignment).toBeCloseTo(1, 12);
    // above VAH and above every level
    expect(d.features.volume_profile).toBe(1);
    expect(d.features.support_resistance).toBe(1);
    // ER of a straight line is 1 → P(trend up) 1
    expect(d.features.market_regime_score).toBe(1);
    // constant ATR: each new ATR ties the prior ones → mid-rank 0.5 → all normal
    expect(d.features.volatility_regime).toBe(0.5);
    expect(d.regime.volatility).toEqual({ low: 0, normal: 1, high: 0 });
    // smart money: stacked 3/3 = 1, no large trades (equal sizes rank 0.5), Σ delta 150 < 300, book 0
    // → (0.25 · 1) / 1.0 = 0.25; momentum = (RSI 100 → 1, Σ delta / Σ volume 0.5, 0.25) / 3
    expect(d.smartMoney.score).toBeCloseTo(0.25, 12);
    expect(d.features.momentum_flow).toBeCloseTo(1.75 / 3, 12);
    expect(d.features.time_factor).toBe(1);
    // 0.3·0.5 + 0.2·(1.75/3) + 0.15 + 0.1 + 0.1 + 0.15
    expect(d.score).toBeCloseTo(0.65 + 0.35 / 3, 12);
    expect(d.confidence).toBeCloseTo(1, 12);
    expect(d.direction).toBe('long');
    expect(d.expiry).toEqual({ phase: 'expiry_week', factor: 0.7, daysToExpiry: 2 });
  });

  test('the mirror image is short with the opposite score', () => {
    const d = run(new SignalEngine(config), 'NQ', -1, 90.75);
    expect(d.score).toBeCloseTo(-(0.65 + 0.35 / 3), 12);
    expect(d.direction).toBe('short');
  });

  test('a closed bar arriving on both its bar topic and a snapshot counts once', () => {
    const withDup = new SignalEngine(config);
    const msgs = bars('ES', 1);
    for (const b of msgs) feed(withDup, b);
    const last1m = msgs.filter((m) => m.bar.timeframe === '1m').at(-1)!.bar;
    const a = feed(withDup, snapshot('ES', 109.25, last1m))!;
    const b = run(new SignalEngine(config), 'ES', 1, 109.25);
    expect(a).toEqual(b);
  });

  test('the same messages give the same decisions; symbols do not share state', () => {
    const e1 = new SignalEngine(config);
    const e2 = new SignalEngine(config);
    const up = run(e1, 'ES', 1, 109.25);
    expect(run(e1, 'NQ', -1, 90.75).direction).toBe('short');
    expect(run(e2, 'ES', 1, 109.25)).toEqual(up);
  });

  test('before warm-up the decision is flat with null features', () => {
    const d = feed(new SignalEngine(config), snapshot('ES', 100))!;
    expect(d.direction).toBe('flat');
    expect(d.features.confluence_score).toBeNull();
    expect(d.features.volume_profile).toBe(0);
    expect(d.regime.market).toBeNull();
  });

  test('a bar with a missing field fails loudly with MIA_ERR_BAD_SIGNAL_INPUT', () => {
    const e = new SignalEngine(config);
    const bad: BarMessage = { type: 'bar', topic: 'bar.ES.1m', symbol: 'ES', bar: { ts: '2026-06-16T13:59:00.000Z', timeframe: '1m', close: 1 }, publishedUs: 0 };
    expect(() => feed(e, bad)).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_SIGNAL_INPUT' }));
  });
});

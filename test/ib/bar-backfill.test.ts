import { afterEach, describe, expect, test } from 'vitest';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { ESH4 } from './fixtures.js';
import { fastSettings, feedHealth, pollUntil, quiet, RecordingSink, startServer, walk, type TakenTrade } from './harness.js';
import type { TapeTrade, TwsServer } from './tws-server.js';
import { OUT } from './tws-wire.js';

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

/** [open, high, low, close, volume] per minute start. */
function ohlcv(trades: ReadonlyArray<{ sec: number; price: number; size: number }>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const t of trades) {
    const m = Math.floor(t.sec / 60) * 60;
    const b = out.get(m);
    if (!b) out.set(m, [t.price, t.price, t.price, t.price, t.size]);
    else {
      b[1] = Math.max(b[1]!, t.price);
      b[2] = Math.min(b[2]!, t.price);
      b[3] = t.price;
      b[4]! += t.size;
    }
  }
  return out;
}

const asTrades = (tape: readonly TapeTrade[]): Array<{ sec: number; price: number; size: number }> => tape.map((t) => ({ sec: t.timeSec, price: t.price, size: t.size }));
const minutes = (m: Map<number, number[]>, from: number, to: number): Array<[number, number[] | undefined]> => {
  const out: Array<[number, number[] | undefined]> = [];
  for (let k = from; k < to; k += 60) out.push([k, m.get(k)]);
  return out;
};

describe('IbSource, backfill from 1-minute bars where ticks are not available', () => {
  test('start-up: 162 on ticks, whole minutes filled from bars (OHLC and volume exact), Gap kept until the bars\' interval has passed', async () => {
    server = await startServer();
    const s = server;
    const t0 = s.nowSec; // a minute boundary
    for (const t of walk(600, t0 - 300, 2, 21)) s.trade(ESH4, t.price, t.size, t.sec);
    s.nowSec = t0 + 20;
    for (const t of walk(6, t0, 1, 22, 5010)) s.trade(ESH4, t.price, t.size, t.sec); // the minute in progress
    s.failHistorical(1);
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s), barFillFlagSec: 300 }, quiet);
    const src = source;
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none', 10_000, 'bar backfill');

    const bars = s.history.barRequests;
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatchObject({ barSize: '1 min', whatToShow: 'TRADES', formatDate: '2' });
    expect(s.requests.filter((r) => r.msgId === OUT.REQ_HISTORICAL_DATA)[0]!.conId).toBe(ESH4);
    // Every whole minute of the history has the server's OHLC and volume; the minute in progress is left to live data.
    const got = ohlcv(sink.trades[0]!);
    expect(minutes(got, t0 - 300, t0)).toEqual(minutes(ohlcv(asTrades(s.tape(ESH4))), t0 - 300, t0));
    expect(sink.trades[0]!.every((t) => t.sec < t0)).toBe(true);
    expect(feedHealth(src, 0)).toMatchObject({ gapsBarFilled: 1, gapsBackfilled: 0, gapsLost: 0, gapFlag: true, barFlagUntil: new Date((t0 + 300) * 1000).toISOString() });
    expect(feedHealth(src, 0).barTrades).toBe(sink.trades[0]!.length);

    // Live trades flow at once, still flagged Gap: the timeframes hold stand-in trades.
    s.trade(ESH4, 5011, 2);
    await pollUntil(src, sink, () => sink.trades[0]!.some((t) => t.price === 5011), 5000, 'live trade');
    expect(src.qualityFlags(0)).toBe(QualityFlag.Gap);
    s.nowSec = t0 + 300;
    await pollUntil(src, sink, () => src.qualityFlags(0) === 0, 5000, 'Gap cleared after the bars\' interval');
  });

  test('after a restart: real trades up to the outage, bars for its whole minutes, the live trades held meanwhile after them', async () => {
    server = await startServer();
    const s = server;
    const t0 = s.nowSec;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s), barFillFlagSec: 600 }, quiet);
    const src = source;
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none', 10_000, 'start-up backfill');
    s.nowSec = t0 + 10;
    s.trade(ESH4, 5000, 3);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'first live trade');
    const taken = sink.trades[0]!.length;

    await s.refuse();
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0, 5000, 'Disconnected');
    for (const t of walk(300, t0 + 11, 1, 23, 5000)) s.trade(ESH4, t.price, t.size, t.sec); // to t0 + 310
    s.nowSec = t0 + 312;
    s.failHistorical(1);
    s.holdHistorical();
    const seen = s.requests.length;
    await s.accept();
    await pollUntil(src, sink, () => s.requests.slice(seen).some((r) => r.msgId === OUT.REQ_HISTORICAL_DATA), 5000, 'bars request');
    // Live trades while the bars are on their way: held, and appended after the bars.
    s.trade(ESH4, 5020, 1);
    s.trade(ESH4, 5020.25, 2);
    await new Promise((r) => setTimeout(r, 50));
    s.releaseHistorical();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none', 5000, 'bar backfill');
    await pollUntil(src, sink, () => sink.trades[0]!.some((t) => t.price === 5020.25), 5000, 'held trades');

    const all = sink.trades[0]!;
    const filled = all.slice(taken, all.length - 2);
    // Bars start at the first minute after the last trade taken and end at the minute in progress.
    expect(filled[0]!.sec).toBeGreaterThanOrEqual(t0 + 60);
    expect(filled.at(-1)!.sec).toBeLessThan(t0 + 300);
    const tapeMinutes = ohlcv(asTrades(s.tape(ESH4)));
    expect(minutes(ohlcv(filled), t0 + 60, t0 + 300)).toEqual(minutes(tapeMinutes, t0 + 60, t0 + 300));
    expect(all.slice(-2).map((t: TakenTrade) => [t.sec, t.price, t.size])).toEqual([[t0 + 312, 5020, 1], [t0 + 312, 5020.25, 2]]);
    expect(all.map((t) => t.sec)).toEqual([...all.map((t) => t.sec)].sort((a, b) => a - b));
    expect(src.qualityFlags(0)).toBe(QualityFlag.Gap);
    expect(feedHealth(src, 0)).toMatchObject({ gapsBarFilled: 1, gapsBackfilled: 1 });
  });

  test('a pacing violation is retried as ticks, not answered with bars', async () => {
    server = await startServer();
    const s = server;
    for (const t of walk(50, s.nowSec - 100, 1, 24)) s.trade(ESH4, t.price, t.size, t.sec);
    s.failHistorical(1, 'Historical data request pacing violation');
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const src = source;
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none', 10_000, 'backfill');
    expect(s.requests.filter((r) => r.msgId === OUT.REQ_HISTORICAL_TICKS)).toHaveLength(2);
    expect(s.history.barRequests).toHaveLength(0);
    expect(sink.trades[0]!.map((t) => [t.sec, t.price, t.size])).toEqual(s.tape(ESH4).map((t) => [t.timeSec, t.price, t.size]));
    expect(src.qualityFlags(0)).toBe(0);
  });
});

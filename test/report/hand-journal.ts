// The hand-built journal whose lessons are known (docs/report.md walks through it). ES, tick 0.25, $50 a
// point: a 4-point target is +$200, a 2-point stop −$100. June 2026 is daylight saving time: New York = UTC − 4.
//
// Trade date 2026-06-17 (the lesson day), session 1, eight trades in exit order:
//   T1 10:05 long  target +200  trend up / normal   ML 0.75
//   T2 10:15 long  target +200  trend up / normal   ML 0.80
//   T3 10:25 short stop   −100  range / high         ML 0.62 (near 0.6)  d_1h +0.6 (against the short)
//   T4 10:40 long  stop   −100  range / high         ML 0.90  a 1m bar inside the trade reached 5003.75, one tick under its 5004 target
//   T5 10:52 short stop   −100  range / high         ML 0.85  the fifth entry of the 10:00 hour: over the limit of 4, one penalty;
//                                                           bars reaching its target lie before its entry or after its exit only
//   T6 11:10 long  target +200  trend up / normal   ML 0.70
//   T7 13:20 long  target +200  trend up / normal   ML 0.65 (near 0.6: the band's edge is inside)
//   T8 17:30 long  target +200  trend up / normal   ML off, exit 17:59 New York: still trade date 2026-06-17
// Known lessons: losses concentrated in range, in high volatility and in the 10:00 hour (T3–T5: all $300 of
// the losses); T3 against the 1h direction; T3 and T7 near the ML threshold; the loss streak T3–T5; T4
// stopped a tick short of its target; overtrading in the 10:00 hour (penalty: T5).
//
// Trade date 2026-06-18 (the clean day): T9 (session 1, entered 18:10 New York on 06-17, so trade date 06-18)
// and T10 (session 2), two aligned winners far from the ML threshold: no lesson.
// Week boundaries: T0 exits Sunday 2026-06-14 17:59 New York (trade date 06-14, week 24); T11 exits that Sunday
// at 18:35 (trade date Monday 06-15, week 25); T12 exits Sunday 06-21 at 18:40 (trade date 06-22, week 26).
import type { ReportBar, ReportTrade } from '../../src/report/report-input.js';
import type { JournalRows } from './journal-fixture.js';

/** ns of a New York (EDT) wall-clock time in June 2026, `06-17 10:05:30`. */
export function nyNs(mmdd: string, hms: string): bigint {
  return BigInt(Date.parse(`2026-${mmdd}T${hms}-04:00`)) * 1_000_000n;
}

const TREND_UP = { pTrendUp: 0.7, pTrendDown: 0.1, pRange: 0.2, pVolLow: 0.2, pVolNormal: 0.6, pVolHigh: 0.2 };
const RANGE_HIGH = { pTrendUp: 0.2, pTrendDown: 0.2, pRange: 0.6, pVolLow: 0.1, pVolNormal: 0.3, pVolHigh: 0.6 };
const ALIGNED_LONG = { d1m: 0.4, d5m: 0.4, d15m: 0.4, d1h: 0.5, d4h: 0.5 };

interface Spec {
  id: number;
  session?: number;
  side: 'long' | 'short';
  entry: [string, string];
  exit: [string, string];
  /** Entry price; target ±4 points, stop ∓2. */
  price: number;
  win: boolean;
  ml: number | null;
  regime?: ReportTrade['regime'];
  directions?: ReportTrade['directions'];
}

function trade(x: Spec): ReportTrade {
  const dir = x.side === 'long' ? 1 : -1;
  const target = x.price + dir * 4;
  const stop = x.price - dir * 2;
  return {
    sessionId: x.session ?? 1, tradeId: x.id, symbol: 'ES', side: x.side, qty: 1,
    entryNs: nyNs(...x.entry), entryPrice: x.price, exitNs: nyNs(...x.exit), exitPrice: x.win ? target : stop,
    exitReason: x.win ? 'target' : 'stop', pnlUsd: x.win ? 200 : -100, stopPrice: stop, targetPrice: target, tickSize: 0.25,
    score: dir * 0.5, confidence: 0.8, mlMean: x.ml, confluenceScore: dir * 0.4,
    directions: x.directions ?? (x.side === 'long' ? ALIGNED_LONG : { d1m: -0.4, d5m: -0.4, d15m: -0.4, d1h: -0.3, d4h: -0.2 }),
    regime: x.regime ?? TREND_UP,
  };
}

/** All the journal's trades, T0 … T12, in exit order. */
export const HAND_TRADES: readonly ReportTrade[] = [
  trade({ id: 0, side: 'long', entry: ['06-14', '17:40:00'], exit: ['06-14', '17:59:00'], price: 5000, win: true, ml: 0.8 }),
  trade({ id: 11, side: 'long', entry: ['06-14', '18:20:00'], exit: ['06-14', '18:35:00'], price: 5000, win: true, ml: 0.8 }),
  trade({ id: 1, side: 'long', entry: ['06-17', '10:05:30'], exit: ['06-17', '10:12:10'], price: 5000, win: true, ml: 0.75 }),
  trade({ id: 2, side: 'long', entry: ['06-17', '10:15:30'], exit: ['06-17', '10:20:10'], price: 5000, win: true, ml: 0.8 }),
  trade({ id: 3, side: 'short', entry: ['06-17', '10:25:30'], exit: ['06-17', '10:34:10'], price: 5010, win: false, ml: 0.62, regime: RANGE_HIGH,
    directions: { d1m: -0.4, d5m: -0.4, d15m: 0.2, d1h: 0.6, d4h: 0.1 } }),
  trade({ id: 4, side: 'long', entry: ['06-17', '10:40:30'], exit: ['06-17', '10:50:10'], price: 5000, win: false, ml: 0.9, regime: RANGE_HIGH,
    directions: { d1m: 0.4, d5m: 0.4, d15m: 0.4, d1h: 0.1, d4h: 0 } }),
  trade({ id: 5, side: 'short', entry: ['06-17', '10:52:30'], exit: ['06-17', '10:58:10'], price: 5005, win: false, ml: 0.85, regime: RANGE_HIGH }),
  trade({ id: 6, side: 'long', entry: ['06-17', '11:10:30'], exit: ['06-17', '11:30:10'], price: 5000, win: true, ml: 0.7 }),
  trade({ id: 7, side: 'long', entry: ['06-17', '13:20:30'], exit: ['06-17', '13:40:10'], price: 5000, win: true, ml: 0.65 }),
  trade({ id: 8, side: 'long', entry: ['06-17', '17:30:00'], exit: ['06-17', '17:59:00'], price: 5000, win: true, ml: null }),
  trade({ id: 9, side: 'long', entry: ['06-17', '18:10:00'], exit: ['06-17', '18:40:00'], price: 5000, win: true, ml: 0.8 }),
  trade({ id: 10, session: 2, side: 'long', entry: ['06-18', '09:45:00'], exit: ['06-18', '10:10:00'], price: 5000, win: true, ml: 0.9 }),
  trade({ id: 12, session: 3, side: 'long', entry: ['06-21', '18:20:00'], exit: ['06-21', '18:40:00'], price: 5000, win: true, ml: 0.8 }),
];

function bar(hm: string, high: number, low: number): ReportBar {
  return { sessionId: 1, symbol: 'ES', timeframe: '1m', tsNs: nyNs('06-17', `${hm}:00`), open: (high + low) / 2, high, low, close: (high + low) / 2, volume: 100 };
}

/** 1m bars around T3, T4 and T5 (the near-target rule's evidence and its window). */
export const HAND_BARS: readonly ReportBar[] = [
  bar('10:26', 5011, 5008), // inside T3 (short, target 5006): 8 ticks away
  bar('10:40', 5004.5, 5000), // opened before T4's entry: not looked at
  bar('10:41', 5003.75, 5000.5), // inside T4 (long, target 5004): one tick short
  bar('10:42', 5002, 4999), // inside T4
  bar('10:52', 5005, 5000.75), // opened before T5's entry (short, target 5001): not looked at
  bar('10:53', 5006, 5003), // inside T5: 8 ticks away
  bar('10:58', 5004, 5001), // closes after T5's exit: not looked at
];

/** The whole journal: three sessions, the decisions at each entry, the bars (or none: an older journal). */
export function handJournal(withBars = true): JournalRows {
  return {
    sessions: [
      { sessionId: 1, command: 'serve', startedNs: nyNs('06-14', '17:00:00'), stoppedNs: nyNs('06-17', '19:00:00'), config: '{"balance": 50000, "trading": "paper"}',
        version: '0.1.0', modelHashes: ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)], cleanStop: true },
      { sessionId: 2, command: 'serve', startedNs: nyNs('06-18', '08:00:00'), stoppedNs: nyNs('06-18', '17:00:00'), config: '{"startingBalance": 30000}',
        version: '0.1.0', modelHashes: [], cleanStop: true },
      { sessionId: 3, command: 'serve', startedNs: nyNs('06-21', '18:00:00'), stoppedNs: null, config: '{}', version: '0.1.0', modelHashes: [], cleanStop: false },
    ],
    trades: [...HAND_TRADES],
    decisions: HAND_TRADES.map((t) => ({ sessionId: t.sessionId, symbol: t.symbol, tsNs: t.entryNs, direction: t.side })),
    bars: withBars ? [...HAND_BARS] : null,
  };
}

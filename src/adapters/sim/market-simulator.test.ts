import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Side } from '../../model/side.js';
import { TradeBatch } from '../../model/trade-batch.js';
import { SIM_INSTRUMENTS, SIM_SYMBOLS } from './instruments.js';
import { MarketSimulator, type SimulatorOptions } from './market-simulator.js';

interface Sim {
  ts: bigint[];
  price: number[];
  size: number[];
  side: number[];
  bid: number[];
  ask: number[];
}

function run(o: SimulatorOptions): Sim {
  const sim = new MarketSimulator(o);
  const b = new TradeBatch(4096);
  const q = { bid: new Float64Array(4096), ask: new Float64Array(4096) };
  const out: Sim = { ts: [], price: [], size: [], side: [], bid: [], ask: [] };
  while (sim.fill(b, q) > 0) {
    for (let i = 0; i < b.length; i++) {
      out.ts.push(b.tsNs(i));
      out.price.push(b.price[i]!);
      out.size.push(b.size[i]!);
      out.side.push(b.side[i]!);
      out.bid.push(q.bid[i]!);
      out.ask.push(q.ask[i]!);
    }
  }
  return out;
}

const minuteCache = new Map<bigint, { day: number; minute: number }>();

/** Chicago wall clock of a ns instant: weekday (0 Sunday) and minutes after midnight (cached per minute). */
function chicago(ns: bigint): { day: number; minute: number } {
  const key = ns / 60_000_000_000n;
  const hit = minuteCache.get(key);
  if (hit) return hit;
  const f = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(Number(ns / 1_000_000n))).map((x) => [x.type, x.value]));
  const v = { day: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!), minute: Number(p.hour) * 60 + Number(p.minute) };
  minuteCache.set(key, v);
  return v;
}

describe('MarketSimulator', () => {
  test.each(SIM_SYMBOLS)('%s: the same options give the same trades; another seed gives others', (symbol) => {
    const a = run({ symbol, seed: 7, trades: 5000 });
    expect(run({ symbol, seed: 7, trades: 5000 })).toEqual(a);
    expect(run({ symbol, seed: 8, trades: 5000 }).price).not.toEqual(a.price);
  });

  test('property: prices on the tick grid, sizes positive lots, sides consistent with the quote, time ordered', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(...SIM_SYMBOLS), (seed, symbol) => {
      const s = run({ symbol, seed, trades: 2000 });
      for (let i = 0; i < s.price.length; i++) {
        expect(Number.isInteger(s.price[i]! / SIM_INSTRUMENTS[symbol].tick)).toBe(true);
        expect(Number.isInteger(s.size[i]!) && s.size[i]! >= 1).toBe(true);
        expect(s.bid[i]!).toBeLessThan(s.ask[i]!);
        if (s.side[i] === Side.Buy) expect(s.price[i]).toBe(s.ask[i]);
        else expect(s.price[i]).toBe(s.bid[i]);
        if (i > 0) expect(s.ts[i]! >= s.ts[i - 1]!).toBe(true);
      }
    }), { numRuns: 40 }); // about ten runs a symbol, as ES and NQ had before the micros
  });

  test('a week of trading: nothing in the 16:00–17:00 CT break or at the weekend, RTH busier than overnight', () => {
    // Friday 2024-03-08 14:30 UTC to the next Tuesday, at a high rate so every hour has trades.
    const s = run({ symbol: 'NQ', seed: 3, startNs: 1709908200000000000n, durationSec: 4 * 86400, ratePerSec: 5 });
    let rth = 0;
    let overnight = 0;
    for (const ts of s.ts) {
      const { day, minute } = chicago(ts);
      expect(minute >= 16 * 60 && minute < 17 * 60, `trade in the break at ${ts}`).toBe(false);
      expect(day === 6 || (day === 5 && minute >= 16 * 60) || (day === 0 && minute < 17 * 60), `weekend trade at ${ts}`).toBe(false);
      const et = minute + 60; // New York is an hour ahead of Chicago
      if (day >= 1 && day <= 5 && et >= 9 * 60 + 30 && et < 16 * 60) rth++;
      else overnight++;
    }
    // RTH: Friday 14:30–20:00 UTC and Monday (12.5 h in all); overnight: the remaining ~35 open hours.
    const rthRate = rth / 12;
    const overnightRate = overnight / 35;
    expect(rthRate / overnightRate).toBeGreaterThan(2);
    expect(s.ts.length).toBeGreaterThan(50_000);
  });

  // Bounds around the early-2024 start levels (ES 5100, NQ 18000); a micro starts at its E-mini's level, so has its bounds.
  test.each([['ES', 4500, 5700], ['MES', 4500, 5700], ['NQ', 16000, 20000], ['MNQ', 16000, 20000]] as const)(
    '%s trades at realistic levels (%d to %d)', (symbol, lo, hi) => {
      const p = run({ symbol, seed: 1, trades: 200_000 }).price;
      expect(p.reduce((a, x) => Math.min(a, x), Infinity)).toBeGreaterThan(lo);
      expect(p.reduce((a, x) => Math.max(a, x), -Infinity)).toBeLessThan(hi);
    });

  test('withoutSides emits no sides but keeps quotes', () => {
    const s = run({ symbol: 'ES', seed: 2, trades: 1000, withoutSides: true });
    expect(new Set(s.side)).toEqual(new Set([Side.None]));
    expect(s.bid.every((b, i) => b < s.ask[i]!)).toBe(true);
  });
});

import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { MarketSource, TradeSink } from '../engine/market-source.js';
import { TradeBatch } from '../model/trade-batch.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { PackedTrades, TRADE_RECORD_BYTES } from './packed-trades.js';
import type { TradeHistory } from './trade-history.js';
import { TradeTap, type TradeLog } from './trade-tap.js';

const quiet = pino({ level: 'silent' });

/** A source of ES that offers, at each poll, the next group of trades (times in ns, hi 0); false once all are out. */
function scripted(groups: number[][]): MarketSource {
  let k = 0;
  return {
    kind: 'replay', eager: false, instruments: [{ symbol: 'ES', tickSize: 0.25, sizeDecimals: 0, hasSides: true }],
    poll: (sink) => {
      const g = groups[k++];
      if (g === undefined) return false;
      const b = new TradeBatch(Math.max(1, g.length));
      for (const t of g) b.push(0, t, 4800 + t * 0.25, 1, 1, t);
      let at = 0;
      // A source offers again what the engine did not take.
      while (at < b.length) {
        const n = sink.offer(0, b, at, b.length, 0);
        if (n === 0) break;
        at += n;
      }
      return k < groups.length;
    },
    close: async () => undefined,
  };
}

/**
 * The engine's side: the times of the trades it took, taking at most `bite` per offer; `pauses`: after each take it
 * refuses the next offer (as the engine does after a bar close, until that bar's snapshot is out).
 */
function engine(bite = Infinity, pauses = false): TradeSink & { took: number[] } {
  const took: number[] = [];
  let paused = false;
  return {
    took,
    offer: (_i, b, from, to) => {
      if (paused) {
        paused = false;
        return 0;
      }
      paused = pauses;
      const n = Math.min(bite, to - from);
      for (let j = from; j < from + n; j++) took.push(b.tsLo[j]!);
      return n;
    },
    quote: () => undefined,
  };
}

/** The stream side: what was appended (times), ownership, and the rebuild's end. */
function stream(): TradeLog & { appended: number[]; owned: boolean; caught: (bigint | undefined)[] } {
  const out = {
    appended: [] as number[], owned: true, caught: [] as (bigint | undefined)[],
    owns: () => out.owned,
    appendTrades: (_s: string, bytes: Uint8Array) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      for (let at = 0; at < bytes.length; at += TRADE_RECORD_BYTES) out.appended.push(v.getUint32(at + 4, true));
    },
    gap: () => false,
    caughtUp: (_s: string, ts: bigint | undefined) => out.caught.push(ts),
  };
  return out;
}

/** The trades stream's content as a takeover reads it. */
function history(times: number[], lastSeq = times.length > 0 ? 1 : 0): TradeHistory {
  const records = new PackedTrades(1 << 20);
  const b = new TradeBatch(Math.max(1, times.length));
  for (const t of times) b.push(0, t, 4800 + t * 0.25, 1, 1, 0);
  records.pushBatch(b, 0, b.length);
  return { records, lastSeq, lastNode: 'other', messages: 1 };
}

async function pollAll(tap: TradeTap, sink: TradeSink, polls: number): Promise<void> {
  for (let k = 0; k < polls; k++) await tap.poll(sink);
}

describe('TradeTap', () => {
  test('owner: the trades the engine took, packed little-endian, appended at the flush', async () => {
    const out = stream();
    const tap = new TradeTap(scripted([[10, 20, 30]]), out, quiet);
    tap.gaining('ES');
    tap.takeOver('ES', history([]));
    const e = engine(2);
    await pollAll(tap, e, 2);
    tap.flush();
    expect(e.took).toEqual([10, 20, 30]);
    expect(out.appended).toEqual([10, 20, 30]);
    expect(out.caught).toEqual([undefined]);
    await tap.close();
  });

  test('cold standby: the engine gets nothing of a symbol it does not own, and the stream nothing from this node', async () => {
    const out = stream();
    out.owned = false;
    const tap = new TradeTap(scripted([[1, 2], [3]]), out, quiet);
    const e = engine();
    await pollAll(tap, e, 2);
    tap.flush();
    expect(e.took).toEqual([]);
    expect(out.appended).toEqual([]);
    expect(tap.stats()[0]).toMatchObject({ phase: 'standby', state: 'none', held: 3 });
    await tap.close();
  });

  test('takeover: the engine rebuilds from the stream, then takes the held trades after it, then the feed; the stream gets only what it lacked', async () => {
    const out = stream();
    out.owned = false;
    // This node's feed runs behind the dead owner's: it holds 3..6, the stream has 1..5 (5 twice: a tie).
    const tap = new TradeTap(scripted([[3, 4, 5], [5, 6], [7, 8]]), out, quiet);
    const e = engine(3, true);
    await pollAll(tap, e, 1);
    tap.gaining('ES');
    out.owned = true;
    // Snapshots built while the stream is read or replayed say Gap.
    expect(tap.qualityFlags(0) & QualityFlag.Gap).toBe(QualityFlag.Gap);
    await pollAll(tap, e, 1);
    expect(e.took).toEqual([]);
    tap.takeOver('ES', history([1, 2, 3, 4, 5, 5]));
    expect(tap.eager).toBe(true);
    await pollAll(tap, e, 6);
    tap.flush();
    expect(e.took).toEqual([1, 2, 3, 4, 5, 5, 6, 7, 8]);
    expect(out.appended).toEqual([6, 7, 8]);
    // 7 and 8 arrived while the engine was still replaying: they joined the replay, which ended with them.
    expect(out.caught).toEqual([8n]);
    expect(tap.qualityFlags(0) & QualityFlag.Gap).toBe(0);
    expect(tap.stats()[0]).toMatchObject({ phase: 'owned', state: 'built', rebuilds: 1, rebuiltTrades: 9 });
    await tap.close();
  });

  test('a feed far behind the stream: its trades up to the stream\'s end are skipped as they come, ties by count', async () => {
    const out = stream();
    const tap = new TradeTap(scripted([[1, 2], [5, 5, 5], [6]]), out, quiet);
    tap.gaining('ES');
    tap.takeOver('ES', history([1, 2, 3, 4, 5, 5]));
    const e = engine();
    await pollAll(tap, e, 4);
    tap.flush();
    // The third trade at 5 is one the stream does not have.
    expect(e.took).toEqual([1, 2, 3, 4, 5, 5, 5, 6]);
    expect(out.appended).toEqual([5, 6]);
    await tap.close();
  });

  test('a replay that ends while a takeover rebuilds is polled on until the engine has the stream', async () => {
    const out = stream();
    const tap = new TradeTap(scripted([[9]]), out, quiet);
    tap.gaining('ES');
    const e = engine(2);
    expect(await tap.poll(e)).toBe(true);
    tap.takeOver('ES', history([1, 2, 3, 4, 5]));
    let more = true;
    for (let k = 0; k < 10 && more; k++) more = await tap.poll(e);
    expect(more).toBe(false);
    expect(e.took).toEqual([1, 2, 3, 4, 5, 9]);
    await tap.close();
  });

  test('a lapsed owner keeps its state: regaining, it appends only what the stream lacks and replays nothing', async () => {
    const out = stream();
    const tap = new TradeTap(scripted([[1, 2], [3, 4], [5, 6]]), out, quiet);
    tap.gaining('ES');
    tap.takeOver('ES', history([]));
    const e = engine();
    await pollAll(tap, e, 1);
    tap.flush();
    // The lease lapses; another node appended 3 meanwhile; this one regains it.
    out.owned = false;
    tap.standby('ES');
    await pollAll(tap, e, 1);
    tap.flush();
    tap.gaining('ES');
    out.owned = true;
    tap.takeOver('ES', history([3]));
    await pollAll(tap, e, 1);
    tap.flush();
    expect(e.took).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.appended).toEqual([1, 2, 4, 5, 6]);
    // One rebuild: the first takeover's (an empty stream), none on regaining.
    expect(tap.stats()[0]).toMatchObject({ rebuilds: 1, rebuiltTrades: 0 });
    await tap.close();
  });
});

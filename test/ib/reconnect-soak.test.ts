import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, test } from 'vitest';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { ESH4, NQH4 } from './fixtures.js';
import { fastSettings, feedHealth, pollUntil, quiet, RecordingSink, startServer, waitFor } from './harness.js';
import type { TwsServer } from './tws-server.js';

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

// A real collection before each heap reading (vitest workers do not run with --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
}

const CYCLES = 100;

describe('IbSource, reconnect soak', () => {
  test(`${CYCLES} disconnect/reconnect cycles: every subscription restored, the tape exact, the heap flat`, async () => {
    server = await startServer();
    const s = server;
    // Two backfill pages per cycle would hit IB's 60-per-10-minutes historical pacing by cycle 28 (the Gap flag
    // would then stay up, as it should); the test server has no such limit, so the window is lifted here, and
    // the message rate too (pacing has its own test): at 50/s the 8 requests of a cycle alone take 200 ms.
    source = await IbSource.open({ symbols: ['ES', 'NQ'], ...fastSettings(s), settleMs: 20, historicalMax: 10_000, ratePerSec: 400, burst: 20 }, quiet);
    const src = source;
    const sink = new RecordingSink();
    const settled = (): boolean => src.qualityFlags(0) === 0 && src.qualityFlags(1) === 0 && feedHealth(src, 0).gap === 'none' && feedHealth(src, 1).gap === 'none';
    await pollUntil(src, sink, settled, 10_000, 'start-up backfill');
    const heap: Array<[number, number]> = [];
    let previous = new Set(s.subscriptions().map((x) => x.reqId));
    let price = 5000;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      s.nowSec += 1;
      s.trade(ESH4, (price += 0.25), 1 + (cycle % 5));
      s.trade(NQH4, price * 3.6, 1);
      await pollUntil(src, sink, () => sink.trades[0]!.length === s.tape(ESH4).length, 5000, `live trade, cycle ${cycle}`);
      // Every tenth cycle the gateway also refuses connections for a moment; the others are plain drops.
      if (cycle % 10 === 0) await s.refuse();
      else s.dropAll();
      s.nowSec += 1;
      s.trade(ESH4, (price -= 0.25), 2);
      s.trade(ESH4, price, 3);
      if (cycle % 10 === 0) {
        await new Promise((r) => setTimeout(r, 30));
        await s.accept();
      }
      await waitFor(() => s.subscriptions().length === 6, 5000, `resubscription, cycle ${cycle}`);
      await pollUntil(src, sink, settled, 5000, `backfill, cycle ${cycle}`);
      const now = new Set(s.subscriptions().map((x) => x.reqId));
      expect([...now].some((id) => previous.has(id))).toBe(false);
      previous = now;
      // The server's request log is test bookkeeping in the same heap: kept out of the measurement.
      s.requests.length = 0;
      if (cycle === 10 || cycle % 25 === 0) heap.push([cycle, heapMb()]);
    }
    await pollUntil(src, sink, () => sink.trades[0]!.length === s.tape(ESH4).length && sink.trades[1]!.length === s.tape(NQH4).length, 5000, 'all trades');
    expect(sink.trades[0]!.map((t) => [t.sec, t.price, t.size])).toEqual(s.tape(ESH4).map((t) => [t.timeSec, t.price, t.size]));
    expect(sink.trades[1]!.map((t) => [t.sec, t.price, t.size])).toEqual(s.tape(NQH4).map((t) => [t.timeSec, t.price, t.size]));
    const h = src.health();
    expect(h.connection).toMatchObject({ reconnects: CYCLES, state: 'connected' });
    expect(feedHealth(src, 0)).toMatchObject({ resubscriptions: CYCLES, gapsBackfilled: CYCLES + 1, gapsLost: 0 });
    console.log(`reconnect soak: heap MB after GC by cycle ${heap.map(([c, mb]) => `${c}: ${mb.toFixed(2)}`).join(', ')}`);
    // Flat: what 90 more cycles add is noise, not a per-cycle leak (a leaked client per cycle is far more).
    expect(heap[heap.length - 1]![1] - heap[0]![1]).toBeLessThan(8);
  }, 60_000);
});

// The trades stream has one writer at a time even when two nodes both believe they own a symbol for a moment: each
// append expects the subject's last sequence to be the appender's own last (JetStream's expected last subject
// sequence), so a node that lost the lease with appends still queued cannot interleave them with the new owner's.
// A real nats-server; the bus sinks as the nodes use them.
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { BusSink } from '../../src/bus/bus-sink.js';
import { DEFAULT_STREAM_LIMITS, ensureStreams } from '../../src/bus/bus-streams.js';
import { PackedTrades } from '../../src/bus/packed-trades.js';
import { readTradeHistory } from '../../src/bus/trade-history.js';
import { TradeBatch } from '../../src/model/trade-batch.js';
import type { FrameSink } from '../../src/stream/stream-publisher.js';
import { cleanUp, startNats, type Child } from './bus-harness.js';

const children: Child[] = [];
const stores: string[] = [];
const conns: NatsConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) await c.close();
  await cleanUp(children, stores);
});

const nowhere: FrameSink = { snapshot: () => undefined, bar: () => undefined, status: () => undefined, publish: () => undefined };

/** One packed trade at time `t` (ns, hi 0). */
function trade(t: number): Uint8Array {
  const b = new TradeBatch(1);
  b.push(0, t, 4800, 1, 1, 0);
  const p = new PackedTrades(1);
  p.pushBatch(b, 0, 1);
  return p.bytes().slice();
}

describe('trades stream fencing', () => {
  test('a stale owner\'s queued append is refused (MIA_ERR_BUS_TRADES_FENCED) once the new owner has appended', async () => {
    const nats = await startNats();
    children.push(nats);
    stores.push(nats.storeDir);
    const node = async (id: string): Promise<{ sink: BusSink; nc: NatsConnection; logs: string[] }> => {
      const nc = await connect({ servers: nats.url });
      conns.push(nc);
      const jsm = await nc.jetstreamManager();
      await ensureStreams(jsm, DEFAULT_STREAM_LIMITS);
      const logs: string[] = [];
      const log = pino({ level: 'info' }, { write: (l: string) => logs.push(l) });
      return { sink: new BusSink(nowhere, nc, jsm, { owns: () => true }, id, log), nc, logs };
    };
    const a = await node('a');
    const b = await node('b');
    a.sink.fenceTrades('ES', 0);
    a.sink.appendTrades('ES', trade(1));
    await a.sink.settle(5000);
    // b takes over: it reads where the stream ends and appends after it.
    const seen = await readTradeHistory(b.nc.jetstream(), await b.nc.jetstreamManager(), 'ES', false);
    expect(seen).toMatchObject({ lastSeq: 1, lastNode: 'a' });
    b.sink.fenceTrades('ES', seen.lastSeq);
    b.sink.appendTrades('ES', trade(2));
    await b.sink.settle(5000);
    // a still believes it owns ES (a lapse it has not noticed): its next append is refused, not interleaved.
    a.sink.appendTrades('ES', trade(3));
    await a.sink.settle(5000);
    expect(a.sink.stats().fenced).toBe(1);
    expect(a.logs.join('')).toContain('"code":"MIA_ERR_BUS_TRADES_FENCED"');
    b.sink.appendTrades('ES', trade(4));
    await b.sink.settle(5000);
    expect(b.sink.stats().fenced).toBe(0);
    const all = await readTradeHistory(b.nc.jetstream(), await b.nc.jetstreamManager(), 'ES', true);
    expect(all).toMatchObject({ messages: 3, lastNode: 'b' });
    expect(Array.from({ length: all.records.length }, (_, k) => all.records.loAt(k))).toEqual([1, 2, 4]);
    a.sink.close();
    b.sink.close();
  }, 30_000);
});

// A takeover's rebuild, measured (issue 17; bench/RESULTS.md "NATS cluster: the rebuild"): a real nats-server's
// mia.trades.ES holds N trades of the real ESH4 hour repeated hour after hour (the benchmarks' real density), packed
// as an owner appends them: one message per flush interval of market time (~1 trade a message at this density, the
// worst case for the read) or `per` trades a message. A `mia serve --bus` node (pool kernels, the default) then
// wins the free lease and rebuilds; its log times the read (lease won → stream read) and the replay through the
// engine (→ rebuilt), end to end with the real code. Run: node --import tsx bench/bus/rebuild.ts [trades, default
// 1000000] [trades a message: 0 = one message per flush interval of market time (default), or a count] [pool|inline]
// [density K, default 1]. An ordinary ES session: 1400000 0 pool 20.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers } from 'nats';
import { DEFAULT_STREAM_LIMITS, ensureStreams } from '../../src/bus/bus-streams.js';
import { PackedTrades } from '../../src/bus/packed-trades.js';
import { FLUSH_MS } from '../../src/bus/trade-tap.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import { isoNs } from '../../src/model/time.js';
import { formatTimeframe } from '../../src/model/timeframe-format.js';
import { TradeBatch } from '../../src/model/trade-batch.js';
import { BAR_TS_HEADER, NODE_HEADER } from '../../src/bus/bus-subjects.js';
import { cleanUp, startMia, startNats, waitFor, type Child } from '../../test/bus/bus-harness.js';
import { readEsh4Seed } from '../esh4-repeated.js';

const trades = Number(process.argv[2] ?? 1_000_000);
const per = Number(process.argv[3] ?? 0);
/** `inline` to run the node's kernels on its engine thread (mia serve --kernels inline); pool by default. */
const kernels = process.argv[4] === 'inline' ? ['--kernels', 'inline'] : [];
/**
 * Density: the ESH4 hour's trades compressed into 1/K of an hour, copy after copy (its price path intact). 1: the
 * holiday hour's own 2,973 trades an hour; 20: ~59,000 an hour, 1.4 M trades in a 23.5-hour session, an ordinary
 * ES day (bar closes per session as in real trading, not 20 days of holiday bars).
 */
const density = BigInt(process.argv[5] ?? 1);
const HOUR_NS = 3_600_000_000_000n;
const FLUSH_NS = BigInt(FLUSH_MS) * 1_000_000n;

async function main(): Promise<void> {
  const children: Child[] = [];
  const stores: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mia-rebuild-'));
  try {
    const nats = await startNats();
    children.push(nats);
    stores.push(nats.storeDir);
    const nc = await connect({ servers: nats.url });
    await ensureStreams(await nc.jetstreamManager(), { ...DEFAULT_STREAM_LIMITS, maxBytes: 8 * 1024 ** 3 });
    const js = nc.jetstream();
    const s = await readEsh4Seed();
    const batch = new TradeBatch(1);
    const msg = new PackedTrades(1 << 16);
    let windowEnd = -1n;
    let lastTs = 0n;
    const inFlight: Promise<unknown>[] = [];
    const send = async (): Promise<void> => {
      if (msg.length === 0) return;
      inFlight.push(js.publish('mia.trades.ES', msg.bytes().slice()));
      msg.clear();
      if (inFlight.length >= 2000) await Promise.all(inFlight.splice(0));
    };
    const t0 = performance.now();
    for (let k = 0, written = 0; written < trades; k++) {
      for (let i = 0; i < s.ts.length && written < trades; i++, written++) {
        const ts = s.ts[0]! + (s.ts[i]! - s.ts[0]!) / density + (BigInt(k) * HOUR_NS) / density;
        if (per === 0 ? ts >= windowEnd : msg.length >= per) {
          await send();
          windowEnd = ts - (ts % FLUSH_NS) + FLUSH_NS;
        }
        batch.length = 0;
        batch.push(Number(ts >> 32n), Number(ts & 0xffffffffn), s.price[i]!, s.size[i]!, s.side[i]!, 0);
        msg.pushBatch(batch, 0, 1);
        lastTs = ts;
      }
    }
    await send();
    await Promise.all(inFlight);
    // The dead owner's last closed bar of each timeframe (the publishing floor): the rebuild's bars up to it are
    // not published again, as after a real owner.
    for (const sec of DEFAULT_FEATURE_CONFIG.timeframesSec) {
      const h = headers();
      h.set(BAR_TS_HEADER, isoNs(lastTs - (lastTs % (BigInt(sec) * 1_000_000_000n))));
      h.set(NODE_HEADER, 'dead');
      await js.publish(`mia.bar.ES.${formatTimeframe(sec)}`, new Uint8Array(0), { headers: h });
    }
    const fillS = (performance.now() - t0) / 1000;
    await nc.close();
    // The node's own feed: one trade a second after the stream's end (a feed that goes on from there).
    const feed = join(dir, 'esh4_after_trades.csv');
    writeFileSync(feed, `ts_event_ns,price,size,aggressor_side\n${lastTs + 1_000_000_000n},4800.25,1,B\n`);
    const node = await startMia(['serve', '--bus', nats.url, '--bus-node', 'bench', '--source', 'replay', '--input', feed, '--speed', '1', '--journal', 'off', '--port', '0', ...kernels]);
    children.push(node);
    const won = await waitFor(node, /"time":(\d+),[^\n]*"msg":"Symbol lease acquired/);
    const read = await waitFor(node, /"time":(\d+),[^\n]*"streamTrades":(\d+),"heldTrades":\d+,"messages":(\d+),"msg":"Rebuilding/);
    const done = await waitFor(node, /"time":(\d+),[^\n]*"trades":(\d+),"ms":(\d+),"msg":"Symbol rebuilt/);
    // What the node sent meanwhile: the rebuild's frames held back, its bars up to the floor skipped.
    const h = await (await fetch(`http://127.0.0.1:${node.port}/health`)).json() as { bus: { published: Record<string, number> } };
    console.log(`node's bus counters after the rebuild: ${JSON.stringify(h.bus.published)}`);
    const readMs = Number(read[1]) - Number(won[1]);
    const replayMs = Number(done[3]);
    console.log(`${trades.toLocaleString('en-US')} ESH4 trades (×${density} density, ${((Number(lastTs - s.ts[0]!)) / 3.6e12).toFixed(1)} h of market time) in ${Number(read[3]).toLocaleString('en-US')} messages (${per === 0 ? `one per ${FLUSH_MS} ms of market time` : `${per} trades a message`}); stream filled in ${fillS.toFixed(1)} s`);
    console.log(`| read (lease → stream in memory) | ${readMs} ms | ${(Number(read[3]) / readMs * 1000 / 1e3).toFixed(0)} k msgs/s | ${(Number(read[2]) / readMs * 1000 / 1e6).toFixed(2)} M trades/s |`);
    console.log(`| replay through the engine (→ rebuilt) | ${replayMs} ms | | ${(Number(done[2]) / replayMs * 1000 / 1e6).toFixed(2)} M trades/s |`);
    console.log(`| takeover to publishing | ${readMs + replayMs} ms | | |`);
  } finally {
    await cleanUp(children, stores);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

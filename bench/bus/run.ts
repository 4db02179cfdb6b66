// The bus hop, measured (issue 17; bench/RESULTS.md "NATS cluster"): tick → subscriber latency and delivered
// snapshot rate with a subscriber on a single engine, and on a gateway fed by one or two `mia serve --bus` nodes,
// with 1, 2 and 4 simulated symbols per node (ES; ES,NQ; ES,NQ,MES,MNQ; two nodes: ES,NQ | MES,MNQ). Latency =
// the subscriber's receive time − the snapshot's tickReceivedUs (the newest trade's arrival at the engine); every
// process reads the same clock (src/common/clock.ts).
// Run: node --import tsx bench/bus/run.ts [seconds per case, default 15] [snapshot interval ms, default 100] [sim trades/s, default 200]
import WebSocket from 'ws';
import { nowUs } from '../../src/common/clock.js';
import { decodeFrame } from '../../src/protocol/frame-decoder.js';
import type { SnapshotMessage } from '../../src/protocol/messages.js';
import { cleanUp, startMia, startNats, type Child } from '../../test/bus/bus-harness.js';

const seconds = Number(process.argv[2] ?? 15);
const intervalMs = process.argv[3] ?? '100';
const simRate = process.argv[4] ?? '200';
const WARM_S = 3;

interface Result { name: string; frames: number; perSec: number; p50Ms: number; p99Ms: number }

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Subscribes to the snapshots of `symbols` on `port` and records latencies after the warm-up. */
async function measure(name: string, port: number, symbols: string[]): Promise<Result> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  ws.send(JSON.stringify({ op: 'subscribe', topics: symbols.map((s) => `snapshot.${s}`) }));
  const lat: number[] = [];
  const last = new Map<string, number>();
  let recording = false;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const at = nowUs();
    const m = decodeFrame(new Uint8Array(data)) as SnapshotMessage;
    if (m.type !== 'snapshot' || last.get(m.symbol) === m.stages.tickReceivedUs) return;
    last.set(m.symbol, m.stages.tickReceivedUs);
    if (recording) lat.push((at - m.stages.tickReceivedUs) / 1000);
  });
  await new Promise((r) => setTimeout(r, WARM_S * 1000));
  recording = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recording = false;
  ws.close();
  lat.sort((a, b) => a - b);
  return { name, frames: lat.length, perSec: lat.length / seconds, p50Ms: percentile(lat, 0.5), p99Ms: percentile(lat, 0.99) };
}

const sim = (symbols: string) => ['serve', '--symbols', symbols, '--speed', '1', '--sim-rate', simRate, '--journal', 'off', '--port', '0', '--kernels', 'inline', '--interval-ms', intervalMs];

/** Symbols per node: one, the two E-minis, and the E-minis with their Micro E-minis. */
const SETS = ['ES', 'ES,NQ', 'ES,NQ,MES,MNQ'];

/** A gateway fed by one `mia serve --bus` node per entry of `nodes` (each a symbol list), measured at the gateway. */
async function cluster(nodes: string[], children: Child[], stores: string[]): Promise<Result> {
  const all = nodes.join(',');
  const nats = await startNats();
  children.push(nats);
  stores.push(nats.storeDir);
  const gw = await startMia(['gateway', '--bus', nats.url, '--port', '0', '--symbols', all]);
  children.push(gw);
  for (const [i, symbols] of nodes.entries()) children.push(await startMia([...sim(symbols), '--bus', nats.url, '--bus-node', `n${i + 1}`]));
  const name = nodes.length === 1 ? `1 node + gateway, ${all} on the node` : `${nodes.length} nodes (${nodes.join(' | ')}) + gateway`;
  return measure(name, gw.port, all.split(','));
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const children: Child[] = [];
  const stores: string[] = [];
  try {
    for (const symbols of SETS) {
      const single = await startMia(sim(symbols));
      children.push(single);
      results.push(await measure(`single engine, ${symbols}`, single.port, symbols.split(',')));
      await cleanUp(children, stores);

      results.push(await cluster([symbols], children, stores));
      await cleanUp(children, stores);
    }
    results.push(await cluster(['ES,NQ', 'MES,MNQ'], children, stores));
  } finally {
    await cleanUp(children, stores);
  }
  console.log(`${seconds} s a case after ${WARM_S} s of warm-up; --interval-ms ${intervalMs}, --sim-rate ${simRate}\n`);
  console.log(`| case | ticks delivered/s | tick→subscriber p50 | p99 |\n|---|---:|---:|---:|`);
  // A node separator in a case name is escaped, so the table pastes into bench/RESULTS.md as it is.
  for (const r of results) console.log(`| ${r.name.replaceAll('|', '\\|')} | ${r.perSec.toFixed(1)} | ${r.p50Ms.toFixed(2)} ms | ${r.p99Ms.toFixed(2)} ms |`);
}

await main();

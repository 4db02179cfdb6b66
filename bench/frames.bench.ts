// The stream's per-snapshot work on the main thread: building the FlatBuffers Snapshot frame from the
// snapshot region (5 timeframes, session profile, structs copied as they are), a ClosedBar frame with its
// footprint, and decoding a frame to JSON (done only when a JSON subscriber exists). Ops = frames.
import { Bench } from 'tinybench';
import { BarReader } from '../src/kernels/bar-reader.js';
import { instantiateKernels } from '../src/kernels/kernel-module.js';
import { KernelRunner } from '../src/kernels/kernel-runner.js';
import * as L from '../src/kernels/layout.js';
import { decodeFrame } from '../src/protocol/frame-decoder.js';
import type { SnapshotEvent } from '../src/engine/engine-events.js';
import { FrameWriter, stampPublished } from '../src/stream/frame-writer.js';
import type { SnapshotMessage } from '../src/protocol/messages.js';
import { freshState, simulatedTapes } from './fixtures.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const tapes = simulatedTapes(['ES'], 300_000, { ringBars: 8192 });
const kernels = instantiateKernels(tapes.memory);
const state = freshState(tapes, 0, 300_000, true);
const region = state.region;
new KernelRunner(kernels, tapes.memory).run(region.state);
kernels.snapshot(region.state, region.snapshot);
// The last closed 1m bar's ring entry, and a copy of each timeframe's last closed Bar struct.
const mem = new Uint8Array(tapes.memory.buffer);
let entry = -1;
const lastClosed = new Map<number, Uint8Array>();
new BarReader(state).drainEntries((at, slot) => {
  lastClosed.set(slot.block, mem.slice(at, at + L.BAR_BYTES));
  if (slot.block === 0) entry = at;
});
if (entry < 0) throw new Error('fixture closed no bar');

const writer = new FrameWriter(tapes.memory);
const input: SnapshotEvent = {
  symbol: 'ES', sequence: 1n, tsNs: 1709562600000000000n, tickSize: 0.25, sizeDecimals: 0, quality: 0,
  tradesTotal: 300_000n, dataQuality: 1, tickReceivedUs: 1, tapeCommittedUs: 2, kernelsDoneUs: 3, newTrades: true, warm: false, region: region.snapshot, state: region.state,
  timeframes: state.slots.filter((s) => s.emit).map((s) => ({ sec: s.sec, block: s.block, lastClosed: lastClosed.get(s.block), footprint: s.sec <= 300 })),
  quote: { tsNs: 1709562600000000000n, bid: 5100, ask: 5100.25, bidSize: 0, askSize: 0 },
  input: () => { throw new Error('frames only'); },
};
const snapshotBytes = writer.snapshot('snapshot.ES', input, 4).bytes.slice();
const rows = (decodeFrame(snapshotBytes) as SnapshotMessage).frames.map((f) => `${f.timeframe} ${f.footprint.length}`).join(', ');
if (!json) process.stdout.write(`snapshot fixture: ${snapshotBytes.length} bytes, footprint rows in progress ${rows}\n`);
let sink = 0;

const bench = new Bench({ iterations: 2000, warmupIterations: 200, time: 0 });
bench.add('frame snapshot build', () => {
  const f = writer.snapshot('snapshot.ES', input, 4);
  stampPublished(f, 5);
  sink += f.bytes.length;
});
bench.add('frame closed bar build', () => {
  sink += writer.closedBar('bar.ES.1m', 'ES', 0.25, 0, entry, region.footprint, region.footprintLevels).bytes.length;
});
bench.add('frame snapshot decode to json', () => {
  sink += JSON.stringify(decodeFrame(snapshotBytes)).length;
});
await bench.run();
print(collect(bench, {}), json);
if (sink < 0) process.stdout.write(String(sink));

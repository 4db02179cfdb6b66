// The subscriber side of the latency harness, in its own process so that the server's CPU and the
// subscribers' are accounted apart: N MiaClients (binary) on snapshot.ES and snapshot.NQ, driven by the
// parent over IPC (start and stop of the window), reporting one WindowResult.
//
// Usage (from run.ts): node --import tsx bench/latency/subscribers.ts --url ws://… --clients N [--decode lazy|full]
//   [--server-stages]  (record the frames' server-side stages; the harness asks this of one process only)
// `lazy` reads the few fields it needs with the FlatBuffers accessors on the `frame` event; `full` decodes
// every frame with decodeFrame on the `message` event (about 0.1 ms per six-timeframe snapshot here, which
// at 1,000 clients in one process measures this process's CPU more than the server).
import * as flatbuffers from 'flatbuffers';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MiaClient, receiveTimeUs } from '../../src/client/mia-client.js';
import { Frame } from '../../src/protocol/generated/mia/frame.js';
import { Payload } from '../../src/protocol/generated/mia/payload.js';
import { Snapshot } from '../../src/protocol/generated/mia/snapshot.js';
import { encodeHistogram, latencyHistogram, summary } from './histogram.js';
import { STAGES, type Command, type Report, type Stage, type WindowResult } from './protocol.js';

const TOPICS = ['snapshot.ES', 'snapshot.NQ'];
const SUBSCRIBED_TIMEOUT_MS = 15_000;

const { values } = parseArgs({
  options: { url: { type: 'string' }, clients: { type: 'string' }, decode: { type: 'string', default: 'lazy' }, 'server-stages': { type: 'boolean', default: false } },
});
const serverStages = values['server-stages'];
const url = values.url ?? '';
const n = Number(values.clients);
const decode = values.decode;
if (!url || !Number.isInteger(n) || n < 1 || (decode !== 'lazy' && decode !== 'full')) {
  process.stderr.write('usage: subscribers.ts --url ws://HOST:PORT/stream --clients N [--decode lazy|full] [--server-stages]\n');
  process.exit(2);
}

function report(r: Report): Promise<void> {
  return new Promise((resolve) => process.send!(r, undefined, {}, () => resolve()));
}

/** One client's view: last sequence per symbol, and whether it was closed while measuring. */
interface ClientState {
  last: Map<string, number>;
  open: boolean;
  closedInWindow: boolean;
}

const publish = latencyHistogram();
const receive = latencyHistogram();
const stages = Object.fromEntries(STAGES.map((s) => [s, latencyHistogram()])) as Record<Stage, ReturnType<typeof latencyHistogram>>;

/** A snapshot's stage times (µs, server clock) as its frame carries them. */
interface StageTimes {
  tickReceivedUs: number;
  tapeCommittedUs: number;
  kernelsDoneUs: number;
  frameBuiltUs: number;
  publishedUs: number;
}

/** One reused stage-times object for the lazy decode: frames are handled one at a time. */
const lazyTimes: StageTimes = { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 0 };

function record(h: ReturnType<typeof latencyHistogram>, us: number): void {
  h.recordValue(Math.max(0, Math.round(us)));
}
const maxSeq = new Map<string, number>();
const publishSeen = new Map<string, number>();
let measuring = false;
let frames = 0;
let missed = 0;
let outOfOrder = 0;
let negative = 0;
let errors = 0;

function onSnapshot(s: ClientState, symbol: string, seq: number, t: StageTimes, receivedUs: number): void {
  const tickUs = t.tickReceivedUs;
  const prev = s.last.get(symbol);
  s.last.set(symbol, seq);
  if (seq > (maxSeq.get(symbol) ?? -1)) maxSeq.set(symbol, seq);
  if (!measuring) return;
  frames++;
  if (prev !== undefined) {
    if (seq > prev + 1) missed += seq - prev - 1;
    else if (seq <= prev) outOfOrder++;
  }
  const r = receivedUs - tickUs;
  if (r < 0) negative++;
  record(receive, r);
  record(stages.deliver, receivedUs - t.publishedUs);
  // Publish latency is a property of the frame, not of the client: count each (symbol, sequence) once,
  // and in one process only (the harness adds the processes' histograms up).
  if (serverStages && seq > (publishSeen.get(symbol) ?? -1)) {
    publishSeen.set(symbol, seq);
    record(publish, t.publishedUs - tickUs);
    record(stages.tape, t.tapeCommittedUs - tickUs);
    record(stages.kernels, t.kernelsDoneUs - t.tapeCommittedUs);
    record(stages.frame, t.frameBuiltUs - t.kernelsDoneUs);
    record(stages.publish, t.publishedUs - t.frameBuiltUs);
  }
}

// One reader object pair for the whole process: frames are handled one at a time, synchronously.
const frameReader = new Frame();
const snapshotReader = new Snapshot();

function onFrame(s: ClientState, bytes: Uint8Array): void {
  const receivedUs = receiveTimeUs();
  const bb = new flatbuffers.ByteBuffer(bytes);
  if (bytes.length < 8 || !Frame.bufferHasIdentifier(bb)) return;
  const f = Frame.getRootAsFrame(bb, frameReader);
  if (f.payloadType() !== Payload.Snapshot) return;
  const snap = f.payload(snapshotReader) as Snapshot;
  lazyTimes.tickReceivedUs = Number(snap.tTickReceived()) / 1000;
  lazyTimes.tapeCommittedUs = Number(snap.tTapeCommitted()) / 1000;
  lazyTimes.kernelsDoneUs = Number(snap.tKernelsDone()) / 1000;
  lazyTimes.frameBuiltUs = Number(snap.tFrameBuilt()) / 1000;
  lazyTimes.publishedUs = Number(snap.tPublished()) / 1000;
  onSnapshot(s, snap.symbol() ?? '', Number(snap.sequence()), lazyTimes, receivedUs);
}

const states: ClientState[] = [];
const clients: MiaClient[] = [];
let subscribed = 0;
let firstError: string | undefined;
for (let i = 0; i < n; i++) {
  const s: ClientState = { last: new Map(), open: false, closedInWindow: false };
  const c = new MiaClient({ url, topics: TOPICS, reconnect: false });
  if (decode === 'lazy') c.on('frame', (bytes) => onFrame(s, bytes));
  else c.on('message', (m) => {
    const receivedUs = receiveTimeUs();
    if (m.type === 'snapshot') onSnapshot(s, m.symbol, m.sequence, m.stages, receivedUs);
  });
  c.on('control', (r) => {
    if (r.type === 'subscribed') subscribed++;
    else if (r.type === 'error') firstError ??= `${r.code}: ${r.message}`;
  });
  c.on('open', () => (s.open = true));
  c.on('close', () => {
    s.open = false;
    if (measuring) s.closedInWindow = true;
  });
  c.on('error', (e) => {
    firstError ??= e.message;
    if (measuring) errors++;
  });
  states.push(s);
  clients.push(c);
}

process.on('disconnect', () => process.exit(1)); // the parent is gone: never outlive it
process.on('unhandledRejection', (e) => {
  void report({ type: 'failed', message: e instanceof Error ? e.message : String(e) }).finally(() => process.exit(1));
});

const outcomes = await Promise.allSettled(clients.map((c) => c.connect()));
const failed = outcomes.filter((o) => o.status === 'rejected').length;
const deadline = performance.now() + SUBSCRIBED_TIMEOUT_MS;
while (subscribed < n - failed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
await report({ type: 'connected', open: n - failed, failed, unsubscribed: Math.max(0, n - failed - subscribed), firstError });

// The histogram records whole timer intervals: the delay is what exceeds the 1 ms resolution.
const LOOP_RESOLUTION_MS = 1;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
let startMs = 0;
let cpuAtStart = process.cpuUsage();

async function stop(): Promise<void> {
  measuring = false;
  loop.disable();
  const seconds = (performance.now() - startMs) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  // A client closed while measuring missed everything its symbols published after its last frame.
  for (const s of states) {
    if (!s.closedInWindow) continue;
    for (const [symbol, max] of maxSeq) missed += Math.max(0, max - (s.last.get(symbol) ?? max));
  }
  const result: WindowResult = {
    clients: n,
    openAtEnd: states.filter((s) => s.open).length,
    seconds,
    frames,
    publish: summary(publish),
    receive: summary(receive),
    missed,
    outOfOrder,
    errors,
    firstError,
    negative,
    cpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
    loopDelayP99Us: Math.max(0, loop.percentile(99) / 1000 - LOOP_RESOLUTION_MS * 1000),
    histograms: {
      published: encodeHistogram(publish),
      received: encodeHistogram(receive),
      ...(Object.fromEntries(STAGES.map((st) => [st, encodeHistogram(stages[st])])) as Record<Stage, string>),
    },
  };
  await report({ type: 'result', result });
  // Close politely but boundedly, then leave: the parent waits for this exit.
  await Promise.race([Promise.all(clients.map((c) => c.close())), new Promise((r) => setTimeout(r, 3_000))]);
  process.exit(0);
}

process.on('message', (c: Command) => {
  if (c.cmd === 'start') {
    frames = missed = outOfOrder = negative = errors = 0;
    publish.reset();
    receive.reset();
    for (const st of STAGES) stages[st].reset();
    for (const s of states) s.closedInWindow = false;
    loop.reset();
    loop.enable();
    cpuAtStart = process.cpuUsage();
    startMs = performance.now();
    measuring = true;
  } else if (c.cmd === 'stop') {
    void stop();
  }
});

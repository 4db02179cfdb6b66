// The decision path of `mia serve` per snapshot (issue 5 target: signal + ML + risk p99 ≤ 100 µs): the
// DecisionStage on real engine frames, with the ML filter off and on, and its parts alone (the frame read in
// place as the stage does, and the full decode it replaced, for comparison). Setup, outside
// the timed functions: 300,000 simulated ES trades (seeded) written as a CSV, replayed through the
// SnapshotEngine (inline kernels, a snapshot every millisecond of wall time: 5 timeframes per frame) with
// every snapshot and closed-bar frame kept; models trained on the synthetic samples of test/ml, as in
// bench/onnx.bench.ts. Each iteration takes the next snapshot (and the closed bars before it), cycling.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Bench } from 'tinybench';
import { MarketSimulator } from '../src/adapters/sim/market-simulator.js';
import { ReplaySource } from '../src/adapters/replay/replay-source.js';
import { DecisionStage, type TopicPublisher } from '../src/engine/decision-stage.js';
import { SnapshotEngine, type FramePublisher } from '../src/engine/snapshot-engine.js';
import { ModelEnsemble } from '../src/ml/model-ensemble.js';
import { featureRow } from '../src/signals/features.js';
import { trainAndExport } from '../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../src/ml/trade-labeler.js';
import { DEFAULT_FEATURE_CONFIG } from '../src/model/bar-features.js';
import { joinNs, TradeBatch } from '../src/model/trade-batch.js';
import { RiskEngine } from '../src/risk/risk-engine.js';
import { SignalEngine } from '../src/signals/signal-engine.js';
import { decodeFrame } from '../src/protocol/frame-decoder.js';
import type { BuiltFrame } from '../src/stream/frame-writer.js';
import type { SnapshotMessage } from '../src/protocol/messages.js';
import { SnapshotInputReader, type ClosedBarRead, type SnapshotRead } from '../src/stream/snapshot-input-reader.js';
import { syntheticSamples } from '../test/ml/synthetic-samples.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const log = pino({ level: 'silent' });
const dir = await mkdtemp(join(tmpdir(), 'mia-bench-decision-'));

// Frames of a replay, in publish order: a snapshot with the closed bars published before it.
interface Step {
  bars: BuiltFrame[];
  snapshot: BuiltFrame;
}
const steps: Step[] = [];
{
  const csv = join(dir, 'esh4-sim-trades.csv');
  const sim = new MarketSimulator({ symbol: 'ES', seed: 20240304, trades: 300_000, batchSize: 65536 });
  const lines = ['ts_event_ns,price,size,aggressor_side'];
  const b = new TradeBatch(65536);
  while (sim.fill(b) > 0) {
    for (let i = 0; i < b.length; i++) lines.push(`${joinNs(b.tsHi[i]!, b.tsLo[i]!)},${b.price[i]!.toFixed(2)},${b.size[i]},${'NBA'[b.side[i]!]}`);
  }
  await writeFile(csv, lines.join('\n') + '\n');
  let bars: BuiltFrame[] = [];
  const copy = (f: BuiltFrame): BuiltFrame => ({ bytes: f.bytes.slice(), publishedAt: f.publishedAt });
  const collector: FramePublisher = {
    snapshot: (_s, _t, f) => {
      steps.push({ bars, snapshot: copy(f) });
      bars = [];
    },
    bar: (_t, f) => void bars.push(copy(f)),
    status: () => undefined,
    counters: () => ({ subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 }),
  };
  const source = await ReplaySource.open(csv, { speed: 'max', tickSize: 0.25, publishAs: 'ESH4' });
  const engine = new SnapshotEngine(source, collector, {
    config: DEFAULT_FEATURE_CONFIG, intervalMs: 1, staleMs: 1e12, threads: 1, kernels: 'inline', footprint: true, liveFootprintSec: [],
  }, log);
  await engine.start();
  await engine.done;
  await engine.stop();
}
const { x, y } = syntheticSamples(2000, 7);
await trainAndExport(x, y, dir, { folds: 1, embargo: 0, seed: 42, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-01T00:00:00.000Z' });
const ensemble = await ModelEnsemble.load(dir);

const sinkPublisher: TopicPublisher = {
  snapshot: () => undefined, bar: () => undefined, status: () => undefined, publish: (_t, b) => void (sink += b.length),
  counters: () => ({ subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 }),
};
const options = { startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] };
const off = new DecisionStage(sinkPublisher, options, log);
const on = new DecisionStage(sinkPublisher, { ...options, filter: ensemble.status(), scorer: ensemble }, log);
const reader = new SnapshotInputReader();
const inputs = steps.map((s) => ({
  bars: s.bars.map((f) => (reader.read(f.bytes) as ClosedBarRead).bar),
  snapshot: (reader.read(s.snapshot.bytes) as SnapshotRead).input,
}));
const signals = new SignalEngine();
const risk = new RiskEngine(25_000);
const row = new Float32Array(8);
let sink = 0;
const at = { off: 0, on: 0, signals: 0, read: 0, decode: 0, ml: 0, bars: 0 };
const next = (k: keyof typeof at): number => at[k]++ % steps.length;

const bench = new Bench({ iterations: 5000, warmupIterations: 500, time: 0 });
// The closed bars before a snapshot are fed untimed (beforeEach): they come once per bar close, and a bar
// with its footprint rows costs more to decode than a snapshot; the timed part is the per-snapshot path.
let offStep = steps[0]!;
let onStep = steps[0]!;
bench.add('decision per snapshot, ML off (read frame, signals, risk, Decision frame)', () => {
  off.snapshot('ESH4', 'snapshot.ESH4', offStep.snapshot);
}, { beforeEach: () => {
  offStep = steps[next('off')]!;
  for (const f of offStep.bars) off.bar('', f);
} });
bench.add('decision per snapshot, ML on (read frame, signals, ONNX ensemble, risk, Decision frame)', () => {
  on.snapshot('ESH4', 'snapshot.ESH4', onStep.snapshot);
}, { beforeEach: () => {
  onStep = steps[next('on')]!;
  for (const f of onStep.bars) on.bar('', f);
} });
bench.add('closed bars before a snapshot, read into the signals (per bar close only)', () => {
  const s = steps[next('bars')]!;
  for (const f of s.bars) off.bar('', f);
});
bench.add('SnapshotInputReader: the snapshot frame read in place (the decision path)', () => {
  const r = reader.read(steps[next('read')]!.snapshot.bytes);
  sink += r?.kind === 'snapshot' ? r.sequence : 0;
});
bench.add('decodeFrame of the snapshot (the JSON shape; for comparison)', () => {
  sink += (decodeFrame(steps[next('decode')]!.snapshot.bytes) as SnapshotMessage).sequence;
});
bench.add('SignalEngine.decide on the read snapshot', () => {
  const s = inputs[next('signals')]!;
  for (const b of s.bars) signals.onBarInput('ESH4', b);
  sink += signals.decide(s.snapshot).score;
});
bench.add('ONNX ensemble score of the decision', () => {
  const d = signals.decide(inputs[next('ml')]!.snapshot);
  sink += ensemble.score(featureRow(d.features, 0, row)).mean;
});
// On a shared 2-vCPU VM a fixed computation's p99 is several times its median (bench/onnx.bench.ts): this
// reference, of about the median of a decision with ML, shows the machine's own tail beside the decisions'.
const scratch = new Float64Array(1024);
bench.add('VM reference: fixed arithmetic, no allocation (about the median of a decision with ML)', () => {
  let a = 0;
  for (let k = 0; k < 30_000; k++) a += scratch[k & 1023]! * k;
  sink += a;
});
bench.add('RiskEngine.evaluate', () => {
  const r = risk.evaluate({ symbol: 'ESH4', side: 'long', entryPrice: 4800, winProbability: 0.55, positionFactor: 1 });
  sink += r.approved ? r.qty : 0;
});
await bench.run();
print(collect(bench, {}), json);
if (!json) process.stderr.write(`${steps.length} snapshots replayed; ML on: ${on.counts.scored} scored, ${on.counts.errors} errors\n`);
ensemble.close();
await rm(dir, { recursive: true, force: true });
if (sink < 0) process.stdout.write(String(sink));

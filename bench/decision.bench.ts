// The decision path of `mia serve` per snapshot: the DecisionPipeline on real engine snapshots, with the ML
// filter off and on, the signals read from shared memory (SignalInputReader), the decision emitted on the bus
// and built into its Decision frame by the StreamPublisher; and its parts alone. Setup, outside the timed
// functions: 300,000 simulated ES trades (seeded) written as a CSV, replayed through the SnapshotEngine (inline
// kernels, a snapshot every millisecond of wall time: 5 timeframes per snapshot); each snapshot's region and
// last closed bars are copied into an arena of their own, so every iteration reads a real snapshot from memory
// as the live path does (the engine's memory moves on). Models trained on the synthetic samples of test/ml, as
// in bench/onnx.bench.ts. Each iteration takes the next snapshot (the closed bars before it fed untimed), cycling.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Bench } from 'tinybench';
import { MarketSimulator } from '../src/adapters/sim/market-simulator.js';
import { ReplaySource } from '../src/adapters/replay/replay-source.js';
import { DecisionPipeline } from '../src/engine/decision-pipeline.js';
import { EventBus, type TimeframeMemory } from '../src/engine/engine-events.js';
import { SignalInputReader, type SnapshotPlace } from '../src/engine/signal-input-reader.js';
import { SnapshotEngine } from '../src/engine/snapshot-engine.js';
import * as L from '../src/kernels/layout.js';
import { DriftWindow } from '../src/ml/drift-window.js';
import { ModelEnsemble } from '../src/ml/model-ensemble.js';
import { trainAndExport } from '../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../src/ml/trade-labeler.js';
import { DEFAULT_FEATURE_CONFIG } from '../src/model/bar-features.js';
import type { BarInput, SnapshotInput } from '../src/model/signal-input.js';
import { joinNs } from '../src/model/time.js';
import { TradeBatch } from '../src/model/trade-batch.js';
import { RiskEngine } from '../src/risk/risk-engine.js';
import { featureRow } from '../src/signals/features.js';
import { SignalEngine } from '../src/signals/signal-engine.js';
import { StreamPublisher } from '../src/stream/stream-publisher.js';
import { syntheticSamples } from '../test/ml/synthetic-samples.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const log = pino({ level: 'silent' });
const dir = await mkdtemp(join(tmpdir(), 'mia-bench-decision-'));

/** A snapshot of the replay, frozen in the arena, with the closed bars emitted before it. */
interface Step {
  bars: BarInput[];
  place: SnapshotPlace;
  sequence: bigint;
}
const steps: Step[] = [];
const REGION_BYTES = L.SNAP_BARS + 8 * L.BAR_BYTES;
const arena = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
{
  const csv = join(dir, 'esh4-sim-trades.csv');
  const sim = new MarketSimulator({ symbol: 'ES', seed: 20240304, trades: 300_000, batchSize: 65536 });
  const lines = ['ts_event_ns,price,size,aggressor_side'];
  const b = new TradeBatch(65536);
  while (sim.fill(b) > 0) {
    for (let i = 0; i < b.length; i++) lines.push(`${joinNs(b.tsHi[i]!, b.tsLo[i]!)},${b.price[i]!.toFixed(2)},${b.size[i]},${'NBA'[b.side[i]!]}`);
  }
  await writeFile(csv, lines.join('\n') + '\n');
  const source = await ReplaySource.open(csv, { speed: 'max', tickSize: 0.25, publishAs: 'ESH4' });
  const engine = new SnapshotEngine(source, {
    config: DEFAULT_FEATURE_CONFIG, intervalMs: 1, staleMs: 1e12, threads: 1, kernels: 'inline', footprint: true, liveFootprintSec: [], warmUp: false,
  }, log);
  const mem = new Uint8Array(engine.memory.buffer);
  const frozen: Array<{ bytes: Uint8Array; place: Omit<SnapshotPlace, 'region'>; bars: BarInput[]; sequence: bigint }> = [];
  let bars: BarInput[] = [];
  engine.events.on('bar', (e) => void bars.push(e.input()));
  engine.events.on('snapshot', (e) => {
    const timeframes: TimeframeMemory[] = e.timeframes.map((t) => ({ ...t, lastClosed: t.lastClosed?.slice() }));
    frozen.push({
      bytes: mem.slice(e.region, e.region + REGION_BYTES), bars, sequence: e.sequence,
      place: { symbol: e.symbol, tsNs: e.tsNs, tickSize: e.tickSize, sizeDecimals: e.sizeDecimals, timeframes, quote: e.quote && { ...e.quote } },
    });
    bars = [];
  });
  await engine.start();
  await engine.done;
  await engine.stop();
  arena.grow(Math.ceil((frozen.length * REGION_BYTES) / 65536));
  const a = new Uint8Array(arena.buffer);
  frozen.forEach((f, i) => {
    a.set(f.bytes, i * REGION_BYTES);
    steps.push({ bars: f.bars, sequence: f.sequence, place: { ...f.place, region: i * REGION_BYTES } });
  });
}
const { x, y } = syntheticSamples(2000, 7);
await trainAndExport(x, y, dir, { folds: 1, embargo: 0, seed: 42, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-01T00:00:00.000Z' });
const ensemble = await ModelEnsemble.load(dir);

let sink = 0;
/** A pipeline whose decisions go through the StreamPublisher into Decision frames (their bytes counted). */
function pipeline(withModels: boolean, withDrift = false, explain = false): DecisionPipeline {
  const bus = new EventBus();
  new StreamPublisher(bus, arena, { snapshot: () => undefined, bar: () => undefined, status: () => undefined, publish: (_t, b) => void (sink += b.length) });
  const options = { startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] };
  const drift = withDrift ? { drift: { reference: ensemble.manifest.featureDrift! } } : {};
  return new DecisionPipeline(withModels ? { ...options, filter: ensemble.status(), scorer: ensemble, explain, ...drift } : options, log).attach(bus);
}
const off = pipeline(false);
const on = pipeline(true);
// Issue 16: the same with feature drift (the manifest's training bins, the default 1,000-decision window).
const onDrift = pipeline(true, true);
const shap = pipeline(true, false, true);
const driftWindow = new DriftWindow(ensemble.manifest.featureDrift!);
for (let i = 0; i < 1000; i++) driftWindow.observe(x[i % x.length]!); // full: the steady state
const reader = new SignalInputReader(arena);
const inputs: SnapshotInput[] = steps.map((s) => reader.snapshot(s.place));
const signals = new SignalEngine();
const risk = new RiskEngine(25_000);
const row = new Float32Array(8);
const at = { off: 0, on: 0, onDrift: 0, drift: 0, shap: 0, signals: 0, read: 0, ml: 0, explain: 0, bars: 0 };
const next = (k: keyof typeof at): number => at[k]++ % steps.length;
/** One snapshot through the pipeline as the engine's event hands it: read from memory, then decided. */
const decide = (p: DecisionPipeline, s: Step): void =>
  p.onSnapshot({ symbol: 'ESH4', sequence: s.sequence, tsNs: s.place.tsNs, quality: 0, input: reader.snapshot(s.place) });

const bench = new Bench({ iterations: 5000, warmupIterations: 500, time: 0 });
// The closed bars before a snapshot are fed untimed (beforeEach): they come once per bar close; the timed
// part is the per-snapshot path.
let offStep = steps[0]!;
let onStep = steps[0]!;
bench.add('decision per snapshot, ML off (read memory, signals, risk, Decision frame)', () => {
  decide(off, offStep);
}, { beforeEach: () => {
  offStep = steps[next('off')]!;
  for (const b of offStep.bars) off.onBar('ESH4', b);
} });
bench.add('decision per snapshot, ML on (read memory, signals, ONNX ensemble, risk, Decision frame)', () => {
  decide(on, onStep);
}, { beforeEach: () => {
  onStep = steps[next('on')]!;
  for (const b of onStep.bars) on.onBar('ESH4', b);
} });
let onDriftStep = steps[0]!;
bench.add('decision per snapshot, ML on + feature drift (PSI of the 1,000-decision window on the frame)', () => {
  decide(onDrift, onDriftStep);
}, { beforeEach: () => {
  onDriftStep = steps[next('onDrift')]!;
  for (const b of onDriftStep.bars) onDrift.onBar('ESH4', b);
} });
bench.add('DriftWindow.observe: one feature row into the window (full, 1,000 rows)', () => {
  driftWindow.observe(x[next('drift') % x.length]!);
  sink += driftWindow.psiMax;
});
let shapStep = steps[0]!;
bench.add('decision per snapshot, ML on + SHAP (read memory, signals, ONNX ensemble, SHAP of the 3 models, risk, Decision frame)', () => {
  decide(shap, shapStep);
}, { beforeEach: () => {
  shapStep = steps[next('shap')]!;
  for (const b of shapStep.bars) shap.onBar('ESH4', b);
} });
bench.add('closed bars before a snapshot, into the signals (per bar close only)', () => {
  const s = steps[next('bars')]!;
  for (const b of s.bars) off.onBar('ESH4', b);
});
bench.add('SignalInputReader: the snapshot read from shared memory (the decision path)', () => {
  sink += reader.snapshot(steps[next('read')]!.place).frames.length;
});
bench.add('SignalEngine.decide on the read snapshot', () => {
  const k = next('signals');
  for (const b of steps[k]!.bars) signals.onBarInput('ESH4', b);
  sink += signals.decide(inputs[k]!).score;
});
bench.add('ONNX ensemble score of the decision', () => {
  const d = signals.decide(inputs[next('ml')]!);
  sink += ensemble.score(featureRow(d.features, 0, row)).mean;
});
const values = new Float64Array(24);
const explainer = ensemble.explainer!;
// The decisions' feature rows, computed untimed (bars fed in order), so that this case times the explanation alone.
const shapRows: Float32Array[] = [];
{
  const e = new SignalEngine();
  for (const [k, s] of steps.entries()) {
    for (const b of s.bars) e.onBarInput('ESH4', b);
    shapRows.push(featureRow(e.decide(inputs[k]!).features, 0));
  }
}
bench.add('SHAP of a decision alone: linear SHAP (lr) + TreeSHAP (gbt 100 trees, rf 50 trees), 24 values', () => {
  explainer.explain(shapRows[next('explain')]!, values);
  sink += values[0]!;
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
if (!json) process.stderr.write(`${steps.length} snapshots replayed; ML on: ${on.counts.scored} scored, ${on.counts.errors} errors; with SHAP: ${shap.counts.scored} scored and explained\n`);
ensemble.close();
await rm(dir, { recursive: true, force: true });
if (sink < 0) process.stdout.write(String(sink));

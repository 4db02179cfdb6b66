// ONNX ensemble inference, batch 1: the three exported models (logistic regression, 100 boosted trees of
// depth 3, 50 forest trees of depth 6) scored in onnxruntime-node for one feature vector, as the filter does
// per signal; target "ONNX ensemble inference p99 ≤ 50 µs" (issue 5). Models are trained on the synthetic
// samples of test/ml (seeded) into a temporary directory, outside the timed functions. Ops = scores.
// - the filter's path: the three graphs joined into one, one synchronous run (ModelEnsemble.score);
// - for comparison, the public async API: three InferenceSession.run calls, each deferred a loop turn;
// - a VM reference: fixed arithmetic of about the same median, to read the p99 against this machine's own
//   tail (on a shared 2-vCPU VM a fixed computation's p99 is several times its median).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Bench } from 'tinybench';
import { ModelEnsemble } from '../src/ml/model-ensemble.js';
import { trainAndExport } from '../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../src/ml/trade-labeler.js';
import { syntheticSamples } from '../test/ml/synthetic-samples.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const { x, y } = syntheticSamples(2000, 7);
const dir = await mkdtemp(join(tmpdir(), 'mia-onnx-bench-'));
await trainAndExport(x, y, dir, { folds: 1, embargo: 0, seed: 42, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-01T00:00:00.000Z' });
const ensemble = await ModelEnsemble.load(dir);
const sessions = await Promise.all(['lr', 'gbt', 'rf'].map(async (m) => ort.InferenceSession.create(join(dir, `${m}.onnx`))));
const rows = x.slice(0, 1024);
const row = new Float32Array(8);
let i = 0;
let sink = 0;
const scratch = new Float64Array(1024);

const bench = new Bench({ iterations: 20_000, warmupIterations: 2000, time: 0 });
bench.add('onnx ensemble score, batch 1 (joined graph, one synchronous run)', () => {
  row.set(rows[i++ & 1023]!);
  sink += ensemble.score(row).mean;
});
bench.add('onnx ensemble score, batch 1 (public API: 3 sessions, await each run)', async () => {
  const t = new ort.Tensor('float32', rows[i++ & 1023]!, [1, 8]);
  for (const s of sessions) sink += ((await s.run({ features: t })).probability!.data as Float32Array)[0]!;
});
bench.add('VM reference: fixed arithmetic, no allocation (same median as the ensemble)', () => {
  let a = 0;
  for (let k = 0; k < 15_000; k++) a += scratch[k & 1023]! * k;
  sink += a;
});
await bench.run();
print(collect(bench, {}), json);
ensemble.close();
for (const s of sessions) await s.release();
await rm(dir, { recursive: true, force: true });
if (sink < 0) process.stdout.write(String(sink));

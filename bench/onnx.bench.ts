// ONNX ensemble inference, batch 1: the three exported models (logistic regression, 100 boosted trees of
// depth 3, 50 forest trees of depth 6) scored in onnxruntime-node for one feature vector, as the filter does
// per signal; target "ONNX ensemble inference p99 ≤ 50 µs" (issue 5). Models are trained on the synthetic
// samples of test/ml (seeded) into a temporary directory, outside the timed functions. Ops = scores.
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
let i = 0;
let sink = 0;

const bench = new Bench({ iterations: 5000, warmupIterations: 500, time: 0 });
bench.add('onnx ensemble score, batch 1 (3 sessions)', async () => {
  const s = await ensemble.score(rows[i++ & 1023]!);
  sink += s.mean;
});
for (const [k, name] of ['lr', 'gbt', 'rf'].entries()) {
  const s = sessions[k]!;
  bench.add(`onnx ${name} run, batch 1`, async () => {
    const r = await s.run({ features: new ort.Tensor('float32', rows[i++ & 1023]!, [1, 8]) });
    sink += (r.probability!.data as Float32Array)[0]!;
  });
}
await bench.run();
print(collect(bench, {}), json);
await ensemble.close();
await rm(dir, { recursive: true, force: true });
if (sink < 0) process.stdout.write(String(sink));

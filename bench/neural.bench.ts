// Neural outputs per decision (issue 16): NeuralScorer.score for one feature row, as the decision pipeline calls
// it. Within a bar only the two MLPs run (joined into one graph, one synchronous onnxruntime run); when a bar
// closes the LSTM also runs once over the symbol's last 10 rows. Models have the default shapes (MLP
// 8 → 16 → 8 → 1, LSTM 10 × 8 units) and are fitted for one epoch on seeded synthetic samples outside the timed
// functions: inference cost depends on the shapes, not on the weights. Ops = decisions.
import { Bench } from 'tinybench';
import { DEFAULT_LSTM_CONFIG, trainLstm } from '../src/ml/neural/lstm-trainer.js';
import { DEFAULT_MLP_CONFIG, trainMlp } from '../src/ml/neural/mlp-trainer.js';
import { lstmGraph, mlpGraph } from '../src/ml/neural/neural-graph.js';
import { NeuralScorer } from '../src/ml/neural/neural-scorer.js';
import { syntheticSamples } from '../test/ml/synthetic-samples.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const d = 8;
const steps = DEFAULT_LSTM_CONFIG.steps;
const { x, y } = syntheticSamples(512, 7);
const flat = new Float32Array(x.length * d);
x.forEach((r, i) => flat.set(r, i * d));
// Sequences of consecutive rows: the LSTM's input as training builds it.
const seqs = new Float32Array((x.length - steps + 1) * steps * d);
for (let i = 0; i + steps <= x.length; i++) seqs.set(flat.subarray(i * d, (i + steps) * d), i * steps * d);
const mlp = await trainMlp(flat, d, y, { ...DEFAULT_MLP_CONFIG, epochs: 1 });
const lstm = await trainLstm(seqs, d, y.subarray(steps - 1), { ...DEFAULT_LSTM_CONFIG, epochs: 1 });
const scorer = new NeuralScorer({
  nn_volatility: mlpGraph(mlp.layers, 'nn_volatility'), nn_regime: mlpGraph(mlp.layers, 'nn_regime'),
  nn_direction: lstmGraph(lstm.lstm, lstm.head, steps, 'nn_direction'),
}, { steps }, d);
const row = new Float32Array(d);
let i = 0;
let bar = 0;
let sink = 0;

const bench = new Bench({ iterations: 20_000, warmupIterations: 2000, time: 0 });
bench.add('neural score within a bar (two MLPs, one synchronous run)', () => {
  row.set(x[i++ & 511]!);
  sink += scorer.score('ES', 60_000, row).volatility;
});
bench.add('neural score at a bar close (two MLPs, then the LSTM over 10 rows)', () => {
  row.set(x[i++ & 511]!);
  sink += scorer.score('ES', (bar += 60_000), row).direction;
});
await bench.run();
print(collect(bench, {}), json);
scorer.close();
if (sink < 0) process.stdout.write(String(sink));

import onnxProto from 'onnx-proto';
import { INPUT_NAME, OUTPUT_NAME, tensorInfo } from '../onnx-graph-writer.js';
import type { LstmWeights } from './lstm-trainer.js';
import type { DenseWeights } from './mlp-trainer.js';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

// ai.onnx 13: Gemm, Relu, Sigmoid, Reshape, Transpose, Squeeze (axes as an input) and LSTM (layout 0, [seq, batch, in]).
const OPSETS = [{ domain: '', version: 13 }];

/**
 * For each ONNX LSTM gate in ONNX's order (i, o, f, c), the index of the same gate in Keras's order
 * (i, f, c, o): ONNX's input gate is Keras's 0, its output gate Keras's 3, forget 1, cell 2.
 */
export const KERAS_GATE_OF_ONNX_GATE: readonly number[] = [0, 3, 1, 2];

type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

function encode(name: string, inputDims: (number | string)[], nodes: Node[], initializer: Tensor[], doc: string): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8, producerName: 'mia-engine', docString: doc, opsetImport: OPSETS,
    graph: { name, node: nodes, initializer, input: [tensorInfo(INPUT_NAME, inputDims)], output: [tensorInfo(OUTPUT_NAME, ['N', 1])] },
  })).finish();
}

const floats = (name: string, dims: number[], v: ArrayLike<number>): Tensor => ({ name, dataType: FLOAT, dims, floatData: Array.from(v) });

/** Dense layers as Gemm(x, W[in, out], B[out]) each, then the layer's Relu or Sigmoid. */
function denseNodes(layers: readonly DenseWeights[], input: string, prefix: string, nodes: Node[], init: Tensor[]): void {
  let x = input;
  layers.forEach((l, i) => {
    const last = i === layers.length - 1;
    const [w, b, z] = [`${prefix}${i}/W`, `${prefix}${i}/B`, `${prefix}${i}/z`];
    const out = last ? OUTPUT_NAME : `${prefix}${i}/a`;
    init.push(floats(w, [l.inputs, l.units], l.kernel), floats(b, [l.units], l.bias));
    nodes.push({ opType: 'Gemm', name: `${prefix}${i}/gemm`, input: [x, w, b], output: [z] });
    nodes.push({ opType: l.activation === 'relu' ? 'Relu' : 'Sigmoid', name: `${prefix}${i}/act`, input: [z], output: [out] });
    x = out;
  });
  const tail = layers[layers.length - 1];
  if (!tail || tail.units !== 1 || tail.activation !== 'sigmoid') throw new Error('the last dense layer must be one sigmoid unit');
}

/** An MLP classifier: `features` float32 [N, d] → Gemm/Relu layers → Gemm + Sigmoid → `probability` [N, 1]. */
export function mlpGraph(layers: readonly DenseWeights[], name: string): Uint8Array {
  const nodes: Node[] = [];
  const init: Tensor[] = [];
  denseNodes(layers, INPUT_NAME, 'dense', nodes, init);
  return encode(name, ['N', layers[0]!.inputs], nodes, init, `MIA neural ${name}: Gemm + Relu layers, Gemm + Sigmoid`);
}

/**
 * Keras's LSTM weights in ONNX's layout: W [1, 4h, in] and R [1, 4h, h] with the gates in row blocks in ONNX's
 * order (Keras holds the transposes, gates in column blocks i, f, c, o), and B [1, 8h] = the input bias then a
 * zero recurrent bias (Keras has one bias; ONNX adds Wb and Rb). `order` maps each ONNX gate to its Keras gate.
 */
export function onnxLstmTensors(w: LstmWeights, order: readonly number[] = KERAS_GATE_OF_ONNX_GATE): { W: Float32Array; R: Float32Array; B: Float32Array } {
  const h = w.units;
  const W = new Float32Array(4 * h * w.inputs);
  const R = new Float32Array(4 * h * h);
  const B = new Float32Array(8 * h);
  for (let g = 0; g < 4; g++) {
    const kg = order[g]!;
    for (let u = 0; u < h; u++) {
      const row = g * h + u;
      const col = kg * h + u;
      for (let j = 0; j < w.inputs; j++) W[row * w.inputs + j] = w.kernel[j * 4 * h + col]!;
      for (let k = 0; k < h; k++) R[row * h + k] = w.recurrent[k * 4 * h + col]!;
      B[row] = w.bias[col]!;
    }
  }
  return { W, R, B };
}

/**
 * An LSTM classifier: `features` float32 [N, steps·d] (each row the sequence's feature rows end to end, oldest
 * first: the flat layout SyncOnnxSession feeds) → Reshape to [N, steps, d] → Transpose to [steps, N, d] (opset
 * 13's LSTM is sequence-major) → LSTM (sigmoid gates, tanh cell and output: ONNX's defaults, as trained) → its last hidden
 * state Y_h [1, N, h] → Squeeze → Gemm + Sigmoid → `probability` [N, 1].
 */
export function lstmGraph(lstm: LstmWeights, head: DenseWeights, steps: number, name: string, order: readonly number[] = KERAS_GATE_OF_ONNX_GATE): Uint8Array {
  const h = lstm.units;
  const { W, R, B } = onnxLstmTensors(lstm, order);
  const init: Tensor[] = [
    floats('lstm/W', [1, 4 * h, lstm.inputs], W), floats('lstm/R', [1, 4 * h, h], R), floats('lstm/B', [1, 8 * h], B),
    { name: 'axis0', dataType: INT64, dims: [1], int64Data: [0] },
    // Reshape's 0 keeps the batch dimension as it comes.
    { name: 'seq_shape', dataType: INT64, dims: [3], int64Data: [0, steps, lstm.inputs] },
  ];
  const nodes: Node[] = [
    { opType: 'Reshape', name: 'to_sequences', input: [INPUT_NAME, 'seq_shape'], output: ['x_nsd'] },
    { opType: 'Transpose', name: 'to_seq_major', input: ['x_nsd'], output: ['x_seq'], attribute: [{ name: 'perm', type: A.INTS, ints: [1, 0, 2] }] },
    {
      opType: 'LSTM', name: 'lstm', input: ['x_seq', 'lstm/W', 'lstm/R', 'lstm/B'], output: ['', 'h_last'],
      attribute: [{ name: 'hidden_size', type: A.INT, i: h }, { name: 'direction', type: A.STRING, s: Buffer.from('forward') }],
    },
    { opType: 'Squeeze', name: 'drop_direction', input: ['h_last', 'axis0'], output: ['h'] },
  ];
  denseNodes([head], 'h', 'head', nodes, init);
  return encode(name, ['N', steps * lstm.inputs], nodes, init, `MIA neural ${name}: Transpose + LSTM (${steps} steps, ${h} units) + Gemm + Sigmoid`);
}

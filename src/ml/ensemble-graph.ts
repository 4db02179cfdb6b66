import onnxProto from 'onnx-proto';
import { INPUT_NAME, OUTPUT_NAME, tensorInfo } from './onnx-graph-writer.js';

const { onnx } = onnxProto;

/** Name of the composed graph's output: float32 [N, models], column k the probability of model k. */
export const SCORES_NAME = 'scores';

/** Thrown when a model file is not a graph this composer can join (input `features`, output `probability`). */
export class EnsembleGraphError extends Error {}

/**
 * Joins the exported models into one graph: every model reads the shared `features` input, each model's
 * names are prefixed with its own (`gbt/margin`), and a Concat puts their probabilities side by side as
 * `scores` [N, k]. One session then scores the ensemble in one run: a run of onnxruntime costs a few
 * microseconds of fixed overhead, so three runs cost three of them (bench/onnx.bench.ts). The graphs are
 * taken unchanged (same ops, same initializers), so each column equals its model's own session up to the
 * float32 summation order onnxruntime picks for its thread count and CPU (within 1e-6,
 * test/ml/onnx-export.test.ts); the model files on disk, hashed in the manifest, stay the artefacts.
 */
export function composeEnsemble(models: readonly { name: string; bytes: Uint8Array }[]): Uint8Array {
  if (models.length === 0) throw new EnsembleGraphError('no models to compose');
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  const outputs: string[] = [];
  const opsets = new Map<string, number>();
  let irVersion = 0;
  let features = 0;
  for (const { name, bytes } of models) {
    const m = onnx.ModelProto.decode(bytes);
    const g = m.graph;
    const input = g?.input?.[0];
    const dims = input?.type?.tensorType?.shape?.dim ?? [];
    if (!g || g.input?.length !== 1 || input?.name !== INPUT_NAME || g.output?.length !== 1 || g.output[0]!.name !== OUTPUT_NAME) {
      throw new EnsembleGraphError(`${name}: expected one input "${INPUT_NAME}" and one output "${OUTPUT_NAME}"`);
    }
    const width = Number(dims[1]?.dimValue ?? 0);
    if (features !== 0 && width !== features) throw new EnsembleGraphError(`${name}: ${width} features, the others have ${features}`);
    features = width;
    irVersion = Math.max(irVersion, Number(m.irVersion ?? 0));
    for (const o of m.opsetImport ?? []) opsets.set(o.domain ?? '', Math.max(opsets.get(o.domain ?? '') ?? 0, Number(o.version ?? 0)));
    const rename = (n: string): string => (n === INPUT_NAME || n === '' ? n : `${name}/${n}`);
    for (const n of g.node ?? []) {
      nodes.push({ ...n, name: rename(n.name || n.opType || 'node'), input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) });
    }
    for (const t of g.initializer ?? []) initializer.push({ ...t, name: rename(t.name ?? '') });
    outputs.push(rename(OUTPUT_NAME));
  }
  nodes.push({ opType: 'Concat', name: 'scores', input: outputs, output: [SCORES_NAME], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] });
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion, producerName: 'mia-engine', docString: `MIA ensemble: ${models.map((m) => m.name).join(', ')}`,
    opsetImport: [...opsets].map(([domain, version]) => ({ domain, version })),
    graph: { name: 'ensemble', node: nodes, initializer, input: [tensorInfo(INPUT_NAME, ['N', features])], output: [tensorInfo(SCORES_NAME, ['N', models.length])] },
  })).finish();
}

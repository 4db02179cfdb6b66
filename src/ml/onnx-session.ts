import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import type { Binding } from 'onnxruntime-node/dist/binding.js';

const require = createRequire(import.meta.url);
// The package's documented native wrap ("a simple synchronized inference session object wrap",
// dist/binding.d.ts). The public InferenceSession.run defers every call through setImmediate, one event-loop
// turn per run: behind a busy loop that is the decision's latency, and it lets decisions of one symbol
// overtake each other. The version is pinned in package.json because this path is not the public API.
const { binding, initOrt } = require('onnxruntime-node/dist/binding.js') as { binding: { InferenceSession: Binding.InferenceSessionConstructor }; initOrt: () => void };

/**
 * One float32-in, float32-out ONNX model run synchronously on the calling thread. One intra-op thread and
 * sequential execution: a decision scores one row, where a second thread only adds a hand-off (and would
 * spin on one of the two cores the engine shares with its kernel workers).
 */
export class SyncOnnxSession {
  private readonly session: Binding.InferenceSession;
  private readonly input: string;
  private readonly output: string;
  private readonly width: number;
  private readonly feeds: Record<string, ort.Tensor> = {};
  private readonly fetches: Record<string, null> = {};
  private lastRows: Float32Array | null = null;
  private lastN = 0;
  private released = false;

  /** Loads a model whose first input is float32 [N, width]; throws onnxruntime's error for a bad graph. */
  constructor(bytes: Uint8Array, width: number) {
    initOrt();
    this.session = new binding.InferenceSession();
    this.session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
      intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    });
    this.input = this.session.inputMetadata[0]!.name;
    this.output = this.session.outputMetadata[0]!.name;
    this.width = width;
    this.fetches[this.output] = null;
  }

  /** Runs `rows` rows laid end to end; returns the first output's data (onnxruntime's own array). */
  run(rows: Float32Array, n: number): Float32Array {
    if (this.released) throw new Error('session released');
    // A caller scoring into the same buffer (the decision stage's row) reuses its tensor: no allocation.
    if (rows !== this.lastRows || n !== this.lastN) {
      this.feeds[this.input] = new ort.Tensor('float32', rows, [n, this.width]);
      this.lastRows = rows;
      this.lastN = n;
    }
    const out = this.session.run(this.feeds, this.fetches, {});
    return (out[this.output] as ort.Tensor).data as Float32Array;
  }

  /** Frees the native session. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.session.dispose();
  }
}

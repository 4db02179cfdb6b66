import { readFileSync } from 'node:fs';
import { packageFile } from '../common/package-root.js';

/** The kernel exports (asm/index.ts). Addresses are byte offsets into the shared memory. */
export interface KernelExports {
  process(state: number, limit: number): number;
  flush(state: number): number;
  sessionRoll(state: number, startNs: bigint, endNs: bigint): void;
  recenter(state: number, newBase: number): number;
  snapshot(state: number, out: number): void;
  /** DBN trade records from `buf + at` to `buf + end` onto a tape, as the block at `block` sets out (asm/dbn-trades.ts). */
  dbnTrades(block: number, buf: number, at: number, end: number): number;
  copyBytes(dst: number, src: number, n: number): void;
}

/** Which build to load: release (-O3, no assertions) or debug (assertions, for tests that want them). */
export type KernelBuild = 'release' | 'debug';

const modules = new Map<KernelBuild, WebAssembly.Module>();

/** Compiles the kernel module once per process and build. */
export function kernelModule(build: KernelBuild = 'release'): WebAssembly.Module {
  let m = modules.get(build);
  if (!m) {
    const path = packageFile(`build/${build}.wasm`);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch {
      throw new Error(`kernel build missing at ${path}: run npm run asbuild`);
    }
    m = new WebAssembly.Module(bytes);
    modules.set(build, m);
  }
  return m;
}

/** Instantiates the kernels over a shared memory. Cheap: done once per thread. */
export function instantiateKernels(memory: WebAssembly.Memory, build: KernelBuild = 'release'): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule(build), { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

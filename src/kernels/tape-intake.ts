import { ErrorCode, MiaError } from '../common/errors.js';
import type { TradeBatch } from '../model/trade-batch.js';
import type { DbnDecodeStep, TradeTape } from '../model/trade-tape.js';
import { instantiateKernels, type KernelBuild, type KernelExports } from './kernel-module.js';
import * as L from './layout.js';
import type { TapeWriter } from './tape-writer.js';

/** The plan's input region (MemoryPlan.input). */
export interface InputRegion {
  readonly at: number;
  readonly bytes: number;
}

/** Input region bytes a source that reads `sourceBytes` at a time needs (the decoder's block, then the bytes). */
export function inputRegionBytes(sourceBytes: number): number {
  return L.DB_BYTES + sourceBytes;
}

/**
 * Where a source puts its trades on a symbol's tape: batches through the {@link TapeWriter}, or DBN records
 * decoded in place by the kernels' decoder (asm/dbn-trades.ts) from the plan's input region, where the source
 * reads its file. The writer stays the tape's one owner: it publishes what the decoder wrote
 * (`commitInPlace`), so batches and decoded records can follow each other on one tape.
 */
export class TapeIntake implements TradeTape {
  private readonly writer: TapeWriter;
  private readonly memory: WebAssembly.Memory;
  private readonly region: InputRegion;
  private readonly view: DataView;
  private readonly kernels: KernelExports;

  constructor(writer: TapeWriter, memory: WebAssembly.Memory, region: InputRegion, build: KernelBuild = 'release') {
    if (writer.classifies) {
      // The decoder writes sides as the file gives them; a writer that classifies must see every trade.
      throw new MiaError(ErrorCode.BAD_CONFIG, 'a tape whose writer classifies sides takes batches only');
    }
    this.writer = writer;
    this.memory = memory;
    this.region = region;
    this.view = new DataView(memory.buffer);
    this.kernels = instantiateKernels(memory, build);
  }

  get free(): number {
    return this.writer.free;
  }

  input(bytes: number): Uint8Array {
    if (inputRegionBytes(bytes) > this.region.bytes) {
      throw new MiaError(ErrorCode.BAD_CONFIG, `an input of ${bytes} bytes does not fit the ${this.region.bytes}-byte input region`);
    }
    return new Uint8Array(this.memory.buffer, this.region.at + L.DB_BYTES, bytes);
  }

  append(batch: TradeBatch, from?: number, to?: number): number {
    return this.writer.append(batch, from, to);
  }

  decodeDbn(step: DbnDecodeStep): void {
    const v = this.view;
    const b = this.region.at;
    const w = this.writer;
    const start = w.length;
    v.setUint32(b + L.DB_LAST_TS, step.lastLo, true);
    v.setUint32(b + L.DB_LAST_TS + 4, step.lastHi, true);
    v.setInt32(b + L.DB_INSTRUMENT, step.instrument < 0 ? -1 : step.instrument, true);
    v.setInt32(b + L.DB_INSTRUMENT + 4, step.instrument < 0 ? -1 : 0, true);
    v.setFloat64(b + L.DB_PRICE_MIN, step.priceMin, true);
    v.setFloat64(b + L.DB_PRICE_MAX, step.priceMax, true);
    v.setInt32(b + L.DB_MODE, step.mode, true);
    v.setInt32(b + L.DB_SIDED_FLAGS, w.sidedFlags, true);
    v.setUint32(b + L.DB_TAPE, w.address, true);
    v.setUint32(b + L.DB_COUNT, start, true);
    v.setUint32(b + L.DB_CAPACITY, Math.min(w.capacity, start + step.limit), true);
    step.at = this.kernels.dbnTrades(b, b + L.DB_BYTES, step.at, step.end) >>> 0;
    step.lastLo = v.getUint32(b + L.DB_LAST_TS, true);
    step.lastHi = v.getUint32(b + L.DB_LAST_TS + 4, true);
    step.records = v.getUint32(b + L.DB_RECORDS, true);
    step.ignored = v.getUint32(b + L.DB_IGNORED, true);
    step.stop = v.getInt32(b + L.DB_STOP, true);
    step.trades = v.getUint32(b + L.DB_COUNT, true) - start;
    w.commitInPlace(step.trades, step.lastHi, step.lastLo);
  }
}

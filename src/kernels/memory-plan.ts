import { configError, ErrorCode } from '../common/errors.js';
import {
  BAR_BYTES, LEVEL_BYTES, MAX_TF, RING_ENTRY_BYTES, ROW_BYTES, SNAP_BARS, STATE_BYTES, TRADE_BYTES,
} from './layout.js';

/** Sizes of the per-symbol regions; the whole memory is allocated once from these. */
export interface PlanOptions {
  /** Number of symbols. */
  symbols: number;
  /** Trades the tape of each symbol holds before it must be rewound. */
  tapeCapacity: number;
  /** Price rows per footprint grid (each grid covers gridRows × tick around the session's first price). */
  gridRows: number;
  /** Timeframe blocks per symbol, including the base timeframe. */
  timeframes: number;
  /** Closed bars each timeframe's ring holds before a reader must drain it. */
  ringBars: number;
  /** Footprint levels the footprint ring of each symbol holds. */
  footprintLevels: number;
  /** Bytes of the input region, where a source reads its file for a decoder in the kernels (0: none). */
  inputBytes?: number;
}

/** Addresses of one symbol's regions in the shared memory. */
export interface SymbolRegion {
  state: number;
  tape: number;
  tapeCapacity: number;
  gridRows: number;
  ringBars: number;
  footprintLevels: number;
  grids: number[];
  sessionGrid: number;
  scratch: number;
  rings: number[];
  footprint: number;
  snapshot: number;
  /** Where the content hash stages the snapshots' and bars' bytes (src/engine/content-hash.ts). */
  hashStage: number;
}

/** Defaults sized for a trading day of ES/NQ per symbol with room to spare. */
export const DEFAULT_PLAN: Readonly<Omit<PlanOptions, 'symbols' | 'timeframes'>> = Object.freeze({
  tapeCapacity: 1 << 20,
  gridRows: 1 << 14,
  ringBars: 4096,
  footprintLevels: 1 << 18,
});

/** Bytes the content hash stages between updates (src/engine/content-hash.ts). */
export const HASH_STAGE_BYTES = 64 * 1024;

const PAGE = 65536;
// The kernels use no static data, but keep the low addresses free so a null pointer never hits a region.
const RESERVED = PAGE;
const MAX_BYTES = 65536 * PAGE;

function align(n: number, to = 64): number {
  return Math.ceil(n / to) * to;
}

/**
 * The memory map: one shared `WebAssembly.Memory` allocated at its full size at start and never grown,
 * so views and worker instances never see the buffer change.
 */
export class MemoryPlan {
  /** Total bytes (a whole number of 64 KiB pages). */
  readonly bytes: number;
  /** One region per symbol, in order. */
  readonly regions: readonly SymbolRegion[];
  /** The options the plan was made from. */
  readonly options: Readonly<PlanOptions>;
  /** The input region (TapeIntake), after the symbols' regions; `bytes` 0 when the plan has none. */
  readonly input: { readonly at: number; readonly bytes: number };

  constructor(options: PlanOptions) {
    const o = { ...options };
    if (o.timeframes < 1 || o.timeframes > MAX_TF) {
      throw configError(ErrorCode.BAD_CONFIG, `between 1 and ${MAX_TF} timeframes are supported, got ${o.timeframes}`);
    }
    for (const k of ['symbols', 'tapeCapacity', 'gridRows', 'ringBars', 'footprintLevels'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw configError(ErrorCode.BAD_CONFIG, `${k} must be a positive integer`);
    }
    this.options = Object.freeze(o);
    const regions: SymbolRegion[] = [];
    let at = RESERVED;
    const take = (n: number): number => {
      const p = at;
      at = align(at + n);
      return p;
    };
    for (let s = 0; s < o.symbols; s++) {
      const state = take(STATE_BYTES);
      const tape = take(o.tapeCapacity * TRADE_BYTES);
      const grids = Array.from({ length: o.timeframes }, () => take(o.gridRows * ROW_BYTES));
      const sessionGrid = take(o.gridRows * 8);
      const scratch = take(o.gridRows * ROW_BYTES);
      const rings = Array.from({ length: o.timeframes }, () => take(o.ringBars * RING_ENTRY_BYTES));
      const footprint = take(o.footprintLevels * LEVEL_BYTES);
      const snapshot = take(SNAP_BARS + MAX_TF * BAR_BYTES);
      const hashStage = take(HASH_STAGE_BYTES);
      regions.push({
        state, tape, tapeCapacity: o.tapeCapacity, gridRows: o.gridRows, ringBars: o.ringBars,
        footprintLevels: o.footprintLevels, grids, sessionGrid, scratch, rings, footprint, snapshot, hashStage,
      });
    }
    const inputBytes = o.inputBytes ?? 0;
    if (!Number.isInteger(inputBytes) || inputBytes < 0) throw configError(ErrorCode.BAD_CONFIG, 'inputBytes must be a whole number of bytes');
    this.input = { at: take(inputBytes), bytes: inputBytes };
    this.bytes = Math.ceil(at / PAGE) * PAGE;
    if (this.bytes > MAX_BYTES) {
      throw configError(ErrorCode.BAD_CONFIG, `memory plan needs ${this.bytes} bytes, more than the 4 GiB WebAssembly allows`);
    }
    this.regions = regions;
  }

  /** Allocates the shared memory at full size (initial = maximum). */
  allocate(): WebAssembly.Memory {
    const pages = this.bytes / PAGE;
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  }
}

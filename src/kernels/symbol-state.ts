import { configError, ErrorCode } from '../common/errors.js';
import type { FeatureConfig, SessionAnchor } from '../model/bar-features.js';
import { tickRatio } from '../model/tick-ratio.js';
import * as L from './layout.js';
import type { SymbolRegion } from './memory-plan.js';
import { planTimeframes, type TimeframeSlot } from './timeframes.js';

/** Session anchors in the order of the state block's S_SESSION_KIND codes. */
export const SESSION_KINDS: readonly SessionAnchor[] = ['utc', 'globex', 'rth'];

/** How closed-bar rings behave when nobody drains them. */
export type RingMode = 'replay' | 'live';

/** Options of a symbol's kernel state beyond the feature definitions. */
export interface StateOptions {
  /** replay: the kernel pauses when a ring is full (nothing lost); live: the oldest bars are overwritten. */
  ringMode: RingMode;
  /** Write footprint levels of closed bars to the footprint ring. */
  footprint: boolean;
  /** HVN/LVN smoothing half-width in rows. */
  hvnHalfWidth?: number;
  /** HVN minimum share of the smoothed maximum. */
  hvnMinShare?: number;
}

/**
 * One symbol's state block in shared memory: writes the configuration the kernels read, and gives typed
 * access to the fields the TypeScript side needs. Views are built once over a buffer that never grows.
 */
export class SymbolState {
  /** Region addresses. */
  readonly region: SymbolRegion;
  /** Timeframe blocks. */
  readonly slots: readonly TimeframeSlot[];
  /** Feature configuration. */
  readonly config: Readonly<FeatureConfig>;
  /** Byte view of the whole memory. */
  readonly view: DataView;
  /** Int32 view of the whole memory, for Atomics on the committed count. */
  readonly i32: Int32Array;
  /** Raw-size divisor: 10 ** sizeDecimals. */
  readonly sizeUnit: number;
  /** Whether closed bars carry footprint levels. */
  readonly footprint: boolean;

  constructor(memory: WebAssembly.Memory, region: SymbolRegion, config: FeatureConfig, options: StateOptions) {
    validate(config);
    this.region = region;
    this.config = Object.freeze({ ...config, timeframesSec: [...config.timeframesSec] });
    this.slots = planTimeframes(config.timeframesSec);
    if (this.slots.length > region.grids.length) {
      throw configError(ErrorCode.BAD_CONFIG, `memory plan has ${region.grids.length} timeframe blocks, ${this.slots.length} needed`);
    }
    this.view = new DataView(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.sizeUnit = 10 ** config.sizeDecimals;
    this.footprint = options.footprint;
    this.reset(options);
  }

  private reset(options: StateOptions): void {
    const v = this.view;
    const st = this.region.state;
    new Uint8Array(v.buffer, st, L.STATE_BYTES).fill(0);
    const c = this.config;
    v.setFloat64(st + L.S_TICK, c.tickSize, true);
    const tick = tickRatio(c.tickSize);
    v.setFloat64(st + L.S_TICK_NUM, tick.num, true);
    v.setFloat64(st + L.S_TICK_DEN, tick.den, true);
    v.setFloat64(st + L.S_VA_SHARE, c.valueAreaShare, true);
    v.setFloat64(st + L.S_IMB_RATIO, c.imbalanceRatio, true);
    v.setFloat64(st + L.S_IMB_MIN, c.imbalanceMinVolume * this.sizeUnit, true);
    v.setInt32(st + L.S_SESSION_KIND, SESSION_KINDS.indexOf(c.session), true);
    v.setInt32(st + L.S_VA_METHOD, c.valueAreaMethod === 'cbot2' ? 0 : 1, true);
    v.setInt32(st + L.S_STACKED, c.stackedLevels, true);
    v.setInt32(st + L.S_NTF, this.slots.length, true);
    v.setInt32(st + L.S_GRID_ROWS, this.gridRows, true);
    v.setUint32(st + L.S_TAPE_PTR, this.region.tape, true);
    v.setInt32(st + L.S_TAPE_CAP, this.region.tapeCapacity, true);
    v.setUint32(st + L.S_SESSION_GRID, this.region.sessionGrid, true);
    v.setUint32(st + L.S_SCRATCH, this.region.scratch, true);
    v.setInt32(st + L.S_RING_MODE, options.ringMode === 'live' ? 1 : 0, true);
    v.setUint32(st + L.S_FP_PTR, this.region.footprint, true);
    v.setUint32(st + L.S_FP_CAP, this.footprintCapacity, true);
    v.setInt32(st + L.S_EMIT_FOOTPRINT, options.footprint ? 1 : 0, true);
    v.setInt32(st + L.S_HVN_K, options.hvnHalfWidth ?? 1, true);
    v.setFloat64(st + L.S_HVN_MIN, options.hvnMinShare ?? 0.1, true);
    v.setInt32(st + L.S_SESS_LO, 0x7fffffff, true);
    v.setInt32(st + L.S_SESS_HI, -0x80000000, true);
    for (const slot of this.slots) {
      const t = this.block(slot.block);
      v.setBigInt64(t + L.T_TF_NS, BigInt(slot.sec) * 1_000_000_000n, true);
      v.setInt32(t + L.T_TF_SEC, slot.sec, true);
      v.setInt32(t + L.T_EMIT, slot.emit ? 1 : 0, true);
      v.setUint32(t + L.T_GRID, this.region.grids[slot.block]!, true);
      v.setUint32(t + L.T_RING, this.region.rings[slot.block]!, true);
      v.setUint32(t + L.T_RING_CAP, this.ringCapacity, true);
    }
  }

  /** Address of timeframe block i. */
  block(i: number): number {
    return this.region.state + L.S_TF + i * L.TF_BYTES;
  }

  /** Rows per grid. */
  get gridRows(): number {
    return this.region.gridRows;
  }

  /** Closed bars each ring holds. */
  get ringCapacity(): number {
    return this.region.ringBars;
  }

  /** Footprint levels the footprint ring holds. */
  get footprintCapacity(): number {
    return this.region.footprintLevels;
  }

  /** Trades committed to the tape (Atomics: the writer may be another thread). */
  get committed(): number {
    return Atomics.load(this.i32, (this.region.state + L.S_COMMITTED) >> 2);
  }

  /** Index of the next trade the kernel will process. */
  get cursor(): number {
    return this.view.getInt32(this.region.state + L.S_CURSOR, true);
  }
}

function validate(c: FeatureConfig): void {
  const bad = (why: string): never => {
    throw configError(ErrorCode.BAD_CONFIG, why);
  };
  if (!SESSION_KINDS.includes(c.session)) bad(`session must be one of ${SESSION_KINDS.join(', ')}`);
  if (!(c.tickSize > 0) || !Number.isFinite(c.tickSize)) bad(`tick size must be positive, got ${c.tickSize}`);
  if (!(c.valueAreaShare > 0 && c.valueAreaShare <= 1)) bad(`value-area share must be in (0, 1], got ${c.valueAreaShare}`);
  if (c.valueAreaMethod !== 'cbot2' && c.valueAreaMethod !== 'greedy1') bad(`value-area method must be cbot2 or greedy1`);
  if (!(c.imbalanceRatio > 0)) bad(`imbalance ratio must be positive, got ${c.imbalanceRatio}`);
  if (!(c.imbalanceMinVolume >= 0)) bad(`imbalance minimum volume must be at least 0`);
  if (!Number.isInteger(c.stackedLevels) || c.stackedLevels < 1) bad(`stacked levels must be a positive integer`);
  if (!Number.isInteger(c.sizeDecimals) || c.sizeDecimals < 0 || c.sizeDecimals > 12) bad(`size decimals must be 0 to 12`);
}

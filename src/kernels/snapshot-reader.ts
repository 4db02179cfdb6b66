import type { BarFeatures } from '../model/bar-features.js';
import { decodeBar } from './bar-decoder.js';
import type { KernelExports } from './kernel-module.js';
import * as L from './layout.js';
import type { SymbolState } from './symbol-state.js';

/** The session part of a live view. */
export interface SessionView {
  /** Session volume in units. */
  volume: number;
  poc: number;
  vah: number;
  val: number;
  vaCoverage: number;
  vwap: number;
  vwapSigma: number;
  cumDelta: number;
  inferredShare: number;
  hvn: number[];
  lvn: number[];
}

/** Live view of one symbol: the session, and the bar in progress of each requested timeframe. */
export interface LiveView {
  session: SessionView | undefined;
  /** Bar in progress per requested timeframe (seconds); absent when the timeframe has no open bar. */
  bars: Map<number, BarFeatures>;
}

/**
 * Runs the snapshot kernel into the symbol's snapshot region and decodes it. Decoding allocates (it is
 * for tools, tests and JSON); the streaming path reads the structs in place.
 */
export function readLiveView(kernels: KernelExports, state: SymbolState): LiveView {
  const out = state.region.snapshot;
  kernels.snapshot(state.region.state, out);
  const v = state.view;
  const unit = state.sizeUnit;
  const raw = Number(v.getBigInt64(out + L.SP_TOTAL, true));
  let session: SessionView | undefined;
  if (raw > 0) {
    const list = (at: number, n: number): number[] => Array.from({ length: n }, (_, i) => v.getFloat64(at + i * 8, true));
    session = {
      volume: raw / unit,
      poc: v.getFloat64(out + L.SP_POC, true),
      vah: v.getFloat64(out + L.SP_VAH, true),
      val: v.getFloat64(out + L.SP_VAL, true),
      vaCoverage: Number(v.getBigInt64(out + L.SP_VA_VOLUME, true)) / raw,
      vwap: v.getFloat64(out + L.SP_VWAP, true),
      vwapSigma: v.getFloat64(out + L.SP_SIGMA, true),
      cumDelta: Number(v.getBigInt64(out + L.SP_CUM_DELTA, true)) / unit,
      inferredShare: Number(v.getBigInt64(out + L.SP_INFERRED, true)) / raw,
      hvn: list(out + L.SP_HVN, v.getInt32(out + L.SP_N_HVN, true)),
      lvn: list(out + L.SP_LVN, v.getInt32(out + L.SP_N_LVN, true)),
    };
  }
  const bars = new Map<number, BarFeatures>();
  for (const slot of state.slots) {
    if (!slot.emit) continue;
    const at = out + L.SNAP_BARS + slot.block * L.BAR_BYTES;
    if (v.getBigInt64(at + L.BAR_TS_OPEN, true) !== 0n) bars.set(slot.sec, decodeBar(v, at, unit));
  }
  return { session, bars };
}

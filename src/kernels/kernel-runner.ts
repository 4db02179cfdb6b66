import { ErrorCode, MiaError } from '../common/errors.js';
import { nextSessionStartNs, sessionStartNs } from '../model/session.js';
import type { KernelExports } from './kernel-module.js';
import { rowPrice } from '../model/tick-ratio.js';
import * as L from './layout.js';
import { SESSION_KINDS } from './symbol-state.js';

/** Outcome of a kernel run: every committed trade done, or a ring to drain before going on. */
export type RunOutcome = 'ok' | 'output-full';

/**
 * Drives the kernels for one symbol and answers the statuses they cannot settle alone: a new session
 * (time zones stay in TypeScript), a price outside the grid (re-centre), out-of-order data (a coded
 * error). Everything it needs is in the state block, so a pool worker runs it from an address alone.
 */
export class KernelRunner {
  private readonly k: KernelExports;
  private readonly v: DataView;
  private readonly i32: Int32Array;

  constructor(kernels: KernelExports, memory: WebAssembly.Memory) {
    this.k = kernels;
    this.v = new DataView(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /**
   * Processes the trades committed to the tape of the symbol whose state block is at `st`, or only those
   * before tape index `upTo` (a snapshot shows exactly the trades its scheduler dispatched, while the main
   * thread goes on appending).
   */
  run(st: number, upTo = -1): RunOutcome {
    const committed = Atomics.load(this.i32, (st + L.S_COMMITTED) >> 2);
    const limit = upTo >= 0 && upTo < committed ? upTo : committed;
    for (;;) {
      const status = this.k.process(st, limit);
      if (status === L.ST_OK) return 'ok';
      if (status === L.ST_OUTPUT_FULL) return 'output-full';
      if (status === L.ST_SESSION_ROLL) this.rollSession(st);
      else if (status === L.ST_OUT_OF_GRID) this.recenter(st);
      else if (status === L.ST_OUT_OF_ORDER) {
        const index = this.cursor(st);
        throw new MiaError(ErrorCode.OUT_OF_ORDER, `trade ${index} is earlier than the trade before it`, { index });
      } else throw new MiaError(ErrorCode.KERNEL_STATUS, `kernel returned unknown status ${status}`, { status });
    }
  }

  /**
   * Processes the committed trades, then, when every one is done, writes the live view (every timeframe's
   * bar in progress and the session profile) to the snapshot region at `out`. One call, so a snapshot costs
   * one pool round trip.
   */
  snapshot(st: number, out: number, upTo = -1): RunOutcome {
    const outcome = this.run(st, upTo);
    if (outcome === 'ok') this.k.snapshot(st, out);
    return outcome;
  }

  /** Closes every open bar of the symbol at `st` (end of input). */
  flush(st: number): RunOutcome {
    return this.k.flush(st) === L.ST_OK ? 'ok' : 'output-full';
  }

  private cursor(st: number): number {
    return this.v.getInt32(st + L.S_CURSOR, true);
  }

  private rollSession(st: number): void {
    const tape = this.v.getUint32(st + L.S_TAPE_PTR, true);
    const ts = this.v.getBigInt64(tape + this.cursor(st) * L.TRADE_BYTES + L.TRADE_TS, true);
    const anchor = SESSION_KINDS[this.v.getInt32(st + L.S_SESSION_KIND, true)]!;
    this.k.sessionRoll(st, sessionStartNs(ts, anchor), nextSessionStartNs(ts, anchor));
  }

  private recenter(st: number): void {
    const v = this.v;
    const row = Number(v.getBigInt64(st + L.S_DETAIL, true));
    let lo = row;
    let hi = row;
    const n = v.getInt32(st + L.S_NTF, true);
    for (let i = 0; i < n; i++) {
      const t = st + L.S_TF + i * L.TF_BYTES;
      // An open bar with no trade yet (its first fell outside the grid) holds no rows.
      if (v.getBigInt64(t + L.T_END_NS, true) === 0n || v.getInt32(t + L.T_HI, true) < v.getInt32(t + L.T_LO, true)) continue;
      lo = Math.min(lo, v.getInt32(t + L.T_LO, true));
      hi = Math.max(hi, v.getInt32(t + L.T_HI, true));
    }
    const sLo = v.getInt32(st + L.S_SESS_LO, true);
    const sHi = v.getInt32(st + L.S_SESS_HI, true);
    if (sHi >= sLo) {
      lo = Math.min(lo, sLo);
      hi = Math.max(hi, sHi);
    }
    const rows = v.getInt32(st + L.S_GRID_ROWS, true);
    const span = hi - lo + 1;
    // Centred: the market has as much room to go on up as down before the next move.
    if (span > rows || this.k.recenter(st, lo - Math.floor((rows - span) / 2)) !== 1) {
      const tick = { num: v.getFloat64(st + L.S_TICK_NUM, true), den: v.getFloat64(st + L.S_TICK_DEN, true) };
      throw new MiaError(
        ErrorCode.PRICE_OUT_OF_GRID,
        `price ${rowPrice(row, tick)} at trade ${this.cursor(st)} does not fit the ${rows}-row profile grid: the open bars ` +
          `and the session span ${rowPrice(lo, tick)} to ${rowPrice(hi, tick)}, ${span} rows of tick ${v.getFloat64(st + L.S_TICK, true)}; ` +
          `raise --grid-rows to at least ${span} or use a coarser --tick-size`,
        { row, lo, hi, rows, needed: span },
      );
    }
  }
}
